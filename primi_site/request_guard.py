"""Requests refused before any view: an address longer than `MAX_URL_LENGTH` (414), a
query string holding the NUL character (which PostgreSQL refuses in any text: 422).

Once for every address: the API answers in its error shape, naming the parameters; the
pages answer with a short page in their language. gunicorn itself refuses a request line
over its `limit_request_line` (`gunicorn.conf.py`) before the application sees it.
"""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy

from primi_site.api_errors import InvalidRequest, query_error
from primi_site.errors import DomainError

MAX_URL_LENGTH = 4096
"""Characters of the address (path and query string, percent-encoded) the site reads."""


class UrlTooLong(DomainError):
    status = 414
    code = "uri_too_long"
    message = gettext_lazy("The address is too long: at most %(limit)s characters.")


class NulInQuery(InvalidRequest):
    message = gettext_lazy("The address holds the NUL character, which is not allowed: %(names)s.")

    def __init__(self, names: list[str]) -> None:
        self.names = names
        super().__init__(lambda: [query_error(name, "nul_character") for name in names])
        self.params = {"names": ", ".join(names)}


def refusal_of(request: HttpRequest) -> DomainError | None:
    """Why `request` is refused before any view, or None."""
    if len(request.get_full_path()) > MAX_URL_LENGTH:
        return UrlTooLong(limit=MAX_URL_LENGTH)
    if "%00" not in request.META.get("QUERY_STRING", ""):
        return None
    names = [
        name.replace("\x00", "")
        for name, values in request.GET.lists()
        if "\x00" in name or any("\x00" in value for value in values)
    ]
    return NulInQuery(names) if names else None


class RequestGuardMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        error = refusal_of(request)
        if error is None:
            return self.get_response(request)
        if request.path_info.startswith("/api/"):
            from primi_site.api import api_refusal

            return api_refusal(request, error)
        from primi_site.views import refusal_page

        return refusal_page(request, error)
