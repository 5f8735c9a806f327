"""The staff's admin of B2B sessions: blocks, slot generation, profile review, the log.

Imported by `bookings.registrations.admin`.
"""

from django.contrib import admin, messages
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy, ngettext

from bookings.b2b import services
from bookings.b2b.services.grid import check_block
from bookings.exceptions import BookingError
from bookings.models import (
    B2BBlock,
    B2BLogEntry,
    B2BParticipant,
    B2BSession,
    Meeting,
    MeetingRequest,
)
from missions.people import person_of


class BlockFormSet(BaseInlineFormSet):
    """Each block typed must be real local time, in order, and within the event."""

    def clean(self) -> None:
        super().clean()
        event = getattr(self.instance, "event", None) if self.instance.event_id else None
        if event is None:
            return  # the session's own form reports the missing event
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or data.get("DELETE") or form.errors:
                continue
            if not all(data.get(name) for name in ("day", "starts", "ends")):
                continue
            try:
                check_block(data["day"], data["starts"], data["ends"], event)
            except BookingError as error:
                form.add_error(None, str(error))


class BlockInline(admin.TabularInline):
    model = B2BBlock
    formset = BlockFormSet
    extra = 1
    fields = ("day", "starts", "ends", "name")


@admin.register(B2BSession)
class B2BSessionAdmin(admin.ModelAdmin):
    list_display = (
        "__str__",
        "status",
        "slot_minutes",
        "pause_minutes",
        "tables",
        "directory_open",
    )
    list_filter = ("status", "directory_open", "pairing")
    list_select_related = ("event",)
    search_fields = ("event__title_fr", "event__title_en", "event__slug")
    autocomplete_fields = ("event",)
    inlines = [BlockInline]
    actions = ["generate_slots"]
    fieldsets = (
        (None, {"fields": ("event", "status", "directory_open")}),
        (
            gettext_lazy("Slots and places"),
            {
                "fields": ("slot_minutes", "pause_minutes", "tables", "video_base_url"),
                "description": gettext_lazy(
                    "Blocks are typed in the event's local time; run “Generate the slots” after "
                    "changing them. A block that crosses a change of clocks keeps real durations."
                ),
            },
        ),
        (
            gettext_lazy("Rules"),
            {
                "fields": (
                    "pairing",
                    "direct_booking",
                    "max_requests_sent",
                    "max_meetings",
                    "fairness",
                )
            },
        ),
    )

    @admin.action(description=gettext_lazy("Generate the slots and tables"))
    def generate_slots(self, request, queryset):
        for session in queryset:
            try:
                count = services.generate_slots(session)
            except BookingError as error:
                self.message_user(request, f"{session}: {error}", messages.ERROR)
            else:
                self.message_user(
                    request,
                    ngettext("%(session)s: %(count)s slot.", "%(session)s: %(count)s slots.", count)
                    % {"session": session, "count": count},
                )


@admin.register(B2BParticipant)
class B2BParticipantAdmin(admin.ModelAdmin):
    list_display = ("organisation_name", "person", "session", "side", "status", "country", "mode")
    list_filter = ("status", "side", "mode", "session")
    list_select_related = ("person__user", "session__event")
    search_fields = ("organisation_name", "person__user__username", "person__user__email")
    autocomplete_fields = ("person",)
    filter_horizontal = ("sectors",)
    # Only the participant gives or withdraws consent to be listed; the staff read it.
    readonly_fields = ("directory_consent_at",)
    actions = ["approve", "reject"]

    def _review(self, request, queryset, approve: bool) -> None:
        staff = person_of(request.user)
        for participant in queryset.select_related("session"):
            services.review_profile(participant, staff, approve=approve)
        count = queryset.count()
        self.message_user(
            request,
            ngettext("%(count)s profile reviewed.", "%(count)s profiles reviewed.", count)
            % {"count": count},
        )

    @admin.action(description=gettext_lazy("Approve the selected profiles"))
    def approve(self, request, queryset):
        self._review(request, queryset, True)

    @admin.action(description=gettext_lazy("Reject the selected profiles"))
    def reject(self, request, queryset):
        self._review(request, queryset, False)


@admin.register(MeetingRequest)
class MeetingRequestAdmin(admin.ModelAdmin):
    list_display = ("sender", "recipient", "state", "created_at", "answered_at")
    list_filter = ("state", "session")
    list_select_related = ("sender__person__user", "recipient__person__user")
    readonly_fields = [f.name for f in MeetingRequest._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ("__str__", "session", "slot", "table", "online", "state", "source", "sequence")
    list_filter = ("state", "source", "online", "session")
    list_select_related = (
        "session__event",
        "slot",
        "table",
        "participant_a__person__user",
        "participant_b__person__user",
    )
    readonly_fields = [f.name for f in Meeting._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(B2BLogEntry)
class B2BLogEntryAdmin(admin.ModelAdmin):
    list_display = ("at", "session", "actor", "action", "meeting", "request")
    list_filter = ("action", "session")
    list_select_related = ("session__event", "actor__user")
    readonly_fields = [f.name for f in B2BLogEntry._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
