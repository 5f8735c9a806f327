from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from events import services
from events.admin_forms import EventAdminForm
from events.models import Event, FeedToken

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
    readonly_fields = ("sequence", "cancelled_at")
    save_on_top = True

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return self.fieldsets
        return (*self.fieldsets, (_("Calendars"), {"fields": ("sequence", "cancelled_at")}))

    # Every change goes through the service: SEQUENCE, cancellation date, feed version;
    # then `saved` lets the apps built on events act on it (registrations: see
    # `bookings/registrations/admin_targets.py`, which registers the admin actually used).
    def save_model(self, request, obj, form, change):
        services.save_event(obj)
        self.saved(request, obj, form, change)

    def saved(self, request, obj, form, change) -> None:
        """After an event was saved through the service; nothing here."""

    def delete_model(self, request, obj):
        services.delete_event(obj)

    def delete_queryset(self, request, queryset):
        services.delete_events(queryset)


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


def save_event_formset(formset, by=None, cancelled=None) -> None:
    """Save an inline formset of events through the service (used by the mission admin);
    `cancelled(event, by)` is called for each event saved cancelled."""
    instances = formset.save(commit=False)
    for event in formset.deleted_objects:
        services.delete_event(event)
    for event in instances:
        services.save_event(event)
        if cancelled is not None and event.status == Event.Status.CANCELLED:
            cancelled(event, by=by)
    formset.save_m2m()


@admin.register(FeedToken)
class FeedTokenAdmin(admin.ModelAdmin):
    """Staff see who subscribed from where, and can revoke; secrets are never shown."""

    list_display = ("name", "person", "created_at", "last_used_at", "revoked_at")
    list_filter = ("revoked_at",)
    list_select_related = ("person__user",)
    search_fields = ("name", "person__user__username", "person__user__email")
    fields = ("person", "name", "created_at", "rotated_at", "last_used_at", "revoked_at")
    readonly_fields = fields
    actions = ("revoke",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Revoke the selected subscriptions"))
    def revoke(self, request, queryset):
        for token in queryset:
            services.revoke_feed_token(token)
