"""Who may see and change which registration: fetch-and-authorise functions.

Another person's registration is a 404 everywhere (pages and API alike).
"""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse

from bookings.models import Registration
from primi_site.middleware import person_of


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


def is_staff(user) -> bool:
    """The cluster's staff, as the API knows them: a Django staff account, or a person
    with the staff role (`primi_site.permissions.is_staff`), and active."""
    from primi_site.permissions import is_staff as is_cluster_staff

    return bool(user.is_authenticated and user.is_active and is_cluster_staff(user))


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


def staff_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Sign-in page for visitors, 403 for signed-in people who are not staff."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not is_staff(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper
