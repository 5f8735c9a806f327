"""Who may see and change which registration: fetch-and-authorise functions.

Another person's registration is a 404 everywhere (pages and API alike). Who is staff,
and the door of the staff pages, are `primi_site.permissions`' one rule.
"""

from django.http import Http404

from bookings.models import Registration
from missions.people import person_of
from primi_site.permissions import is_staff, staff_required

__all__ = [
    "get_registration_for_staff_or_404",
    "get_registration_for_user_or_404",
    "is_staff",
    "staff_required",
]


def get_registration_for_user_or_404(user, registration_id: int) -> Registration:
    """The user's own registration, or 404 (never 403: an id reveals nothing)."""
    person = person_of(user)
    if person is None:
        raise Http404
    registration = (
        Registration.objects.select_related("event", "mission", "person")
        .filter(pk=registration_id, person=person)
        .first()
    )
    if registration is None:
        raise Http404
    return registration


def get_registration_for_staff_or_404(user, registration_id: int) -> Registration:
    if not is_staff(user):
        raise Http404
    registration = (
        Registration.objects.select_related(
            "event", "mission", "person__user", "person__organisation", "invitation"
        )
        .filter(pk=registration_id)
        .first()
    )
    if registration is None:
        raise Http404
    return registration
