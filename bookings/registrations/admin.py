"""Admin of registrations: filters, the history inline, read-only states.

States change only through the services (the staff's review pages), so that every
change is locked, recounted, logged and emailed; the admin shows them.
"""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from bookings.models import EmailOutbox, Invitation, Registration, RegistrationLog


class RegistrationLogInline(admin.TabularInline):
    model = RegistrationLog
    fields = ("at", "by", "from_state", "to_state", "reason")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Registration)
class RegistrationAdmin(admin.ModelAdmin):
    list_display = ("__str__", "state", "event", "mission", "waitlisted_at", "created_at")
    list_filter = (
        "state",
        "person__organisation__department",
        "person__role",
        ("event", admin.RelatedOnlyFieldListFilter),
        ("mission", admin.RelatedOnlyFieldListFilter),
    )
    list_select_related = ("person__user", "person__organisation", "event", "mission")
    search_fields = ("person__user__username", "person__user__email", "person__user__last_name")
    date_hierarchy = "created_at"
    inlines = (RegistrationLogInline,)
    readonly_fields = (
        "person",
        "event",
        "mission",
        "state",
        "waitlisted_at",
        "offer_expires_at",
        "decision_reason",
        "invitation",
        "review_link",
        "created_at",
        "updated_at",
    )
    fields = (
        "review_link",
        "person",
        "event",
        "mission",
        "state",
        "waitlisted_at",
        "offer_expires_at",
        "decision_reason",
        "company_pitch",
        "trip_goals",
        "target_markets",
        "invitation",
        "created_at",
        "updated_at",
    )

    @admin.display(description=_("Decisions"))
    def review_link(self, obj: Registration) -> str:
        if obj.pk is None:
            return "—"
        return format_html(
            '<a href="{}">{}</a>',
            reverse("staff_registration", kwargs={"pk": obj.pk}),
            _("Accept, waitlist, reject or cancel on the review page"),
        )

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = (
        "email",
        "event",
        "mission",
        "language",
        "expires_at",
        "used_at",
        "sent_at",
        "attempts",
    )
    list_filter = (
        "language",
        ("used_at", admin.EmptyFieldListFilter),
        ("sent_at", admin.EmptyFieldListFilter),
    )
    list_select_related = ("event", "mission")
    search_fields = ("email",)
    readonly_fields = (
        "token_hash",
        "used_at",
        "claimed_at",
        "sent_at",
        "attempts",
        "last_error",
        "created_by",
        "created_at",
    )

    def has_add_permission(self, request) -> bool:
        return False  # the invitation page creates the token and sends the link


@admin.register(EmailOutbox)
class EmailOutboxAdmin(admin.ModelAdmin):
    list_display = ("kind", "registration", "created_at", "sent_at", "attempts")
    list_filter = ("kind", ("sent_at", admin.EmptyFieldListFilter))
    readonly_fields = (
        "registration",
        "change",
        "kind",
        "sequence",
        "created_at",
        "claimed_at",
        "sent_at",
        "attempts",
        "last_error",
    )

    def has_add_permission(self, request) -> bool:
        return False
