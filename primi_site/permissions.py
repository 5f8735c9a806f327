"""Who is staff, the door of the staff pages, and fetch-and-authorise functions: another
person's object is a 404, everywhere.

`is_staff` is the one rule of the product (pages, templates through the
`is_staff_member` context value, API): an active account with Django's staff flag, or
whose person has the staff role. Only the Django admin keeps its own rule, the flag.
Pages and API endpoints call the `…_or_404` functions instead of
`Model.objects.get(pk=...)`; the pattern for every app's private objects
(`get_registration_for_user_or_404`…).
"""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse

from missions.models import Person
from missions.people import person_of
from primi_site.models import ApiToken
from primi_site.services.tokens import active_tokens


def is_staff(user) -> bool:
    """The cluster's staff: an active account with the staff flag or the staff role."""
    if not (user.is_authenticated and user.is_active):
        return False
    if user.is_staff:
        return True
    person = person_of(user)
    return person is not None and person.role == Person.Role.STAFF


def staff_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The door of every staff page: a visitor is sent to sign in (and back), a signed-in
    person who is not staff gets 404, as for an object that is not theirs."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not is_staff(request.user):
            raise Http404
        return view(request, *args, **kwargs)

    wrapper.staff_only = True  # how the URL walk finds every staff page
    return wrapper


def get_token_for_user_or_404(user, token_id: int) -> ApiToken:
    """One of `user`'s active tokens; anyone else's, revoked or expired → 404."""
    token = active_tokens(user).filter(pk=token_id).first()
    if token is None:
        raise Http404("No such token.")
    return token
