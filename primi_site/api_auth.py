"""Who is calling: a browser session (CSRF checked on unsafe methods) or a personal
token sent as `Authorization: Bearer <token>`.

Use `AUTHENTICATED` or `STAFF` as the `auth=` of a router or an operation. On
success `request.user` is the person's user and `request.api_token` the token (None
for a session). Writes are throttled here, per token or per person.
"""

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.middleware.csrf import CsrfViewMiddleware
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from ninja.security import APIKeyCookie, HttpBearer

from primi_site import api_throttle
from primi_site.api_language import api_language
from primi_site.errors import Forbidden
from primi_site.models import ApiToken
from primi_site.permissions import is_staff
from primi_site.services import tokens

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class CsrfFailed(Forbidden):
    code = "csrf_failed"
    message = _("CSRF check failed: send the csrftoken cookie's value in the X-CSRFToken header.")


class InsufficientScope(Forbidden):
    code = "insufficient_scope"
    message = _("This token is read-only; create a read-write token to change data.")


class StaffOnly(Forbidden):
    code = "staff_only"
    message = _("Only the cluster's staff may do this.")


def _authorise(request: HttpRequest, user, *, staff: bool) -> None:
    # From here on the request speaks the API's language (`lang`, Accept-Language, then the
    # account's): the messages services write as they refuse are in it too, not only the
    # error handler's own.
    translation.activate(api_language(request))
    if staff and not is_staff(user):
        raise StaffOnly


class TokenAuth(HttpBearer):
    """`Authorization: Bearer primi_…`; read tokens may only read."""

    def __init__(self, *, staff: bool = False) -> None:
        self.staff = staff
        super().__init__()

    def __call__(self, request: HttpRequest) -> Any:
        header = request.headers.get("Authorization", "")
        scheme, _space, raw = header.partition(" ")
        if scheme.lower() != "bearer":
            return None
        return self.authenticate(request, raw.strip())

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        try:
            api_token = tokens.authenticate(token[:200])
        except tokens.InvalidToken:
            api_throttle.check_auth_failure(request, token[:200])
            raise
        request.user = api_token.user
        request.api_token = api_token
        if api_token.scope != ApiToken.Scope.WRITE and request.method not in SAFE_METHODS:
            raise InsufficientScope
        _authorise(request, api_token.user, staff=self.staff)
        api_throttle.check_write(request, f"token:{api_token.pk}")
        return api_token.user


class SessionAuth(APIKeyCookie):
    """The browser's session cookie; unsafe methods need Django's CSRF token."""

    param_name = settings.SESSION_COOKIE_NAME

    def __init__(self, *, staff: bool = False) -> None:
        self.staff = staff
        super().__init__(csrf=False)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = request.user
        if not user.is_authenticated:
            return None
        if request.method not in SAFE_METHODS:
            check = CsrfViewMiddleware(lambda _request: None)
            request.csrf_processing_done = False
            check.process_request(request)
            if check.process_view(request, lambda _request: None, (), {}) is not None:
                raise CsrfFailed
        request.api_token = None
        _authorise(request, user, staff=self.staff)
        api_throttle.check_write(request, f"user:{user.pk}")
        return user


AUTHENTICATED = [TokenAuth(), SessionAuth()]
STAFF = [TokenAuth(staff=True), SessionAuth(staff=True)]
