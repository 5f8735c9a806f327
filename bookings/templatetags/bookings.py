"""`{% registration_box event %}` / `{% registration_box mission %}`: the register, apply
and cancel block of the event and mission pages."""

from django import template
from django.utils import timezone

from bookings.exceptions import RegistrationClosed
from bookings.models import RegistrationState
from bookings.registrations import queries, targets
from bookings.registrations.services.common import cancellation_deadline, check_target_open
from bookings.registrations.services.seats import free_seats
from missions.people import person_of
from primi_site.permissions import is_staff

register = template.Library()


@register.inclusion_tag("bookings/includes/registration_box.html", takes_context=True)
def registration_box(context, target) -> dict:
    request = context["request"]
    now = timezone.now()
    person = person_of(request.user)
    registration = queries.active_registration(person, target)
    try:
        check_target_open(target, now)
        closed_because = ""
    except RegistrationClosed as error:
        closed_because = str(error)
    staff = is_staff(request.user)
    is_event = targets.is_event(target)
    return {
        "request": request,
        "user": request.user,
        "target": target,
        "is_event": is_event,
        "registration": registration,
        "can_cancel": registration is not None and now < cancellation_deadline(target),
        "closed_because": closed_because,
        # Mission seats are the staff's decision: only events show what is left.
        "free": free_seats(target) if is_event and target.capacity is not None else None,
        "counts": _labelled(queries.counts_by_state(target)) if staff else None,
        # The site-wide context value, which an inclusion tag's own context does not carry.
        "is_staff_member": staff,
    }


def _labelled(counts: dict[str, int]) -> list[tuple[str, int]]:
    return [(state.label, counts[state]) for state in RegistrationState if counts.get(state)]
