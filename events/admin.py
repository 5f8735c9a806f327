from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from bookings.services.registrations import enqueue_promotion
from events.admin_forms import EventAdminForm
from events.models import Event

EVENT_FIELDSETS = (
    (None, {"fields": ("kind", "status", "slug", "mission")}),
    (
        _("Titles and descriptions"),
        {"fields": ("title_fr", "title_en", "description_fr", "description_en")},
    ),
    (
        _("When"),
        {
            "fields": (
                "time_zone",
                "all_day",
                "local_start",
                "local_end",
                "start_date",
                "end_date",
            ),
            "description": _(
                "Times are typed in the event's own time zone. An all-day event "
                "(a festival, a market) takes a first and a last day instead."
            ),
        },
    ),
    (_("Where"), {"fields": ("venue_name", "venue_address", "city", "country", "online_url")}),
    (
        _("Registration"),
        {
            "fields": (
                "capacity",
                "members_only",
                "registration_opens_at",
                "registration_closes_at",
                "cancellation_deadline",
                "waitlist_enabled",
                "waitlist_mode",
                "offer_hours",
            )
        },
    ),
)


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    form = EventAdminForm
    fieldsets = EVENT_FIELDSETS
    list_display = (
        "__str__",
        "kind",
        "status",
        "starts_at",
        "time_zone",
        "city",
        "country",
        "mission",
    )
    list_filter = ("status", "kind", "country", "all_day", "mission")
    list_select_related = ("mission",)
    search_fields = ("slug", "title_fr", "title_en", "city", "venue_name")
    date_hierarchy = "starts_at"
    prepopulated_fields = {"slug": ("title_en",)}
    autocomplete_fields = ("mission",)
    save_on_top = True

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        if change and "capacity" in form.changed_data:
            enqueue_promotion(obj)  # more seats: the waitlist moves up


class EventInline(admin.StackedInline):
    model = Event
    form = EventAdminForm
    fieldsets = (
        *EVENT_FIELDSETS[:3],
        (_("Where"), {"fields": ("venue_name", "city", "country", "online_url")}),
    )
    extra = 0
    show_change_link = True
    classes = ("collapse",)
