"""Registrations' part of the event and mission admin pages.

Events and missions know nothing of registrations; this module extends their admin: a
capacity cannot go below the seats taken, more seats move the waitlist up, and an event
or a mission saved cancelled cancels its registrations and B2B meetings in the same
transaction (`bookings.registrations.services.cancellations`; idempotent, so saving it again changes
nothing). The extended admins replace the plain ones in the admin site.
"""

from django.contrib import admin

from bookings.exceptions import RegistrationError
from bookings.models import MissionQuota
from bookings.registrations.services.cancellations import cancel_event, cancel_mission
from bookings.registrations.services.capacity import check_capacity
from bookings.registrations.services.registrations import enqueue_promotion
from events import admin as event_admin
from events.admin_forms import EventAdminForm
from events.models import Event
from missions import admin as mission_admin
from missions.models import Mission
from primi_site.page_errors import validation_error


class CapacityChecked:
    """A target's admin form whose capacity may not go below the seats taken."""

    def clean_capacity(self):
        capacity = self.cleaned_data.get("capacity")
        try:
            check_capacity(self.instance, capacity)
        except RegistrationError as error:
            raise validation_error(error) from error
        return capacity


class EventForm(CapacityChecked, EventAdminForm):
    pass


class MissionForm(CapacityChecked, mission_admin.MissionAdminForm):
    pass


def promote_if_more_seats(target, form, change) -> None:
    if change and "capacity" in form.changed_data:
        enqueue_promotion(target)  # more seats: the waitlist moves up


class EventAdmin(event_admin.EventAdmin):
    form = EventForm

    def saved(self, request, obj, form, change) -> None:
        if obj.status == Event.Status.CANCELLED:
            cancel_event(obj, by=request.user)
        else:
            promote_if_more_seats(obj, form, change)


class EventInline(event_admin.EventInline):
    form = EventForm


class MissionQuotaInline(admin.TabularInline):
    model = MissionQuota
    extra = 0


class MissionAdmin(mission_admin.MissionAdmin):
    form = MissionForm
    inlines = (MissionQuotaInline, EventInline)

    def saved(self, request, obj, form, change) -> None:
        promote_if_more_seats(obj, form, change)

    def event_cancelled(self, event, by) -> None:
        cancel_event(event, by=by)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # After the inline events: a cancelled mission cancels its applications and its
        # events, whatever the inline forms held (idempotent).
        if form.instance.status == Mission.Status.CANCELLED:
            cancel_mission(form.instance, by=request.user)


for model, model_admin in ((Event, EventAdmin), (Mission, MissionAdmin)):
    admin.site.unregister(model)
    admin.site.register(model, model_admin)
