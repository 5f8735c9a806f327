from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from events.admin import EventInline, save_event_formset
from events.models import Event
from missions import services
from missions.models import Mission, Organisation, Person, Sector


@admin.register(Sector)
class SectorAdmin(admin.ModelAdmin):
    list_display = ("slug", "name_fr", "name_en")
    search_fields = ("slug", "name_fr", "name_en")


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "country", "department", "city")
    list_filter = ("kind", "country", "department", "sectors")
    search_fields = ("name", "city", "description_fr", "description_en")
    prepopulated_fields = {"slug": ("name",)}
    filter_horizontal = ("sectors",)


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ("__str__", "role", "organisation", "language", "time_zone")
    list_filter = ("role", "language", "organisation__kind", "organisation__country")
    list_select_related = ("user", "organisation")
    search_fields = (
        "user__username",
        "user__email",
        "user__first_name",
        "user__last_name",
        "job_title",
    )
    autocomplete_fields = ("user", "organisation")
    readonly_fields = ("anonymised_at",)
    actions = ("anonymise",)

    @admin.action(description=_("Anonymise (keep the figures, remove personal data)"))
    def anonymise(self, request, queryset) -> None:
        from primi_site.services import personal_data

        people = list(queryset)
        for person in people:
            personal_data.anonymise(person, reason="staff")
        self.message_user(
            request,
            ngettext("%(count)s person anonymised.", "%(count)s people anonymised.", len(people))
            % {"count": len(people)},
        )


class PersonInline(admin.StackedInline):
    model = Person
    can_delete = False
    autocomplete_fields = ("organisation",)
    verbose_name_plural = _("profile")


User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class PersonUserAdmin(UserAdmin):
    inlines = (PersonInline,)


class MissionAdminForm(forms.ModelForm):
    class Meta:
        model = Mission
        fields = "__all__"  # noqa: DJ007 - the admin's fieldsets choose what is shown


@admin.register(Mission)
class MissionAdmin(admin.ModelAdmin):
    form = MissionAdminForm
    list_display = ("__str__", "direction", "status", "destination_city", "start_date", "capacity")
    list_filter = ("status", "direction", "destination_country")
    search_fields = ("slug", "title_fr", "title_en", "destination_city")
    date_hierarchy = "start_date"
    prepopulated_fields = {"slug": ("title_en",)}
    filter_horizontal = ("partners",)
    inlines = (EventInline,)
    readonly_fields = ("sequence", "cancelled_at")
    save_on_top = True

    # Every change goes through the services: SEQUENCE, cancellation date, feed version;
    # the hooks below let the apps built on missions act on it (registrations: see
    # `bookings/registrations/admin_targets.py`, which registers the admin actually used).
    def save_model(self, request, obj, form, change):
        services.save_mission(obj)
        self.saved(request, obj, form, change)

    def saved(self, request, obj, form, change) -> None:
        """After a mission was saved through the service; nothing here."""

    def event_cancelled(self, event, by) -> None:
        """An inline event was saved cancelled; nothing here."""

    def save_formset(self, request, form, formset, change):
        if formset.model is Event:
            save_event_formset(formset, by=request.user, cancelled=self.event_cancelled)
        else:
            super().save_formset(request, form, formset, change)

    def delete_model(self, request, obj):
        services.delete_mission(obj)

    def delete_queryset(self, request, queryset):
        services.delete_missions(queryset)

    fieldsets = (
        (None, {"fields": ("direction", "status", "slug")}),
        (
            _("Titles and texts"),
            {
                "fields": (
                    "title_fr",
                    "title_en",
                    "summary_fr",
                    "summary_en",
                    "description_fr",
                    "description_en",
                    "eligibility_fr",
                    "eligibility_en",
                )
            },
        ),
        (
            _("Destination and dates"),
            {
                "fields": (
                    "destination_city",
                    "destination_country",
                    "time_zone",
                    "start_date",
                    "end_date",
                )
            },
        ),
        (_("Calendars"), {"fields": ("sequence", "cancelled_at")}),
        (
            _("Applications"),
            {
                "fields": (
                    "capacity",
                    "seats_per_organisation",
                    "application_deadline",
                    "cancellation_deadline",
                    "waitlist_mode",
                    "offer_hours",
                    "fee_amount",
                    "fee_currency",
                    "partners",
                )
            },
        ),
    )
