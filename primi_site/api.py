"""The API root: one NinjaAPI under /api/v1/, one router per app.

Conventions (docs/api.md): separate input and output schemas with explicit fields;
every operation lists its responses with `api_errors.responses`; errors in one shape
(`api_errors`); authentication with `api_auth.AUTHENTICATED` / `api_auth.STAFF`;
bounded pagination (`api_pagination`); `Idempotency-Key` on creations
(`api_idempotency`). An app adds its router below.
"""

import json
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy
from ninja import NinjaAPI
from ninja.parser import Parser

from bookings.b2b.api import router as b2b_router
from bookings.b2b.staff_api import router as b2b_staff_router
from bookings.registrations.api import router as bookings_router
from bookings.registrations.api import staff_router as bookings_staff_router
from events.api import calendar_router
from events.api import router as events_router
from missions.api import router as missions_router
from primi_site.api_account import router as account_router
from primi_site.api_errors import (
    BodyTooLarge,
    NulCharacter,
    document_errors,
    document_query_texts,
    error_response,
    install_error_handlers,
)
from primi_site.api_webhooks import router as webhooks_router
from primi_site.errors import DomainError, NotFound

DESCRIPTION = """\
Missions, events, registrations and B2B meetings of the PRIMI cluster.

Authenticate with the browser session (send the CSRF token on unsafe methods) or a
personal token: `Authorization: Bearer primi_…` (create one at `POST /tokens`).
Every error has the same shape (`ErrorOut`). Lists take `limit` (≤ 100) and `offset`.
Bilingual content follows `lang`, else `Accept-Language`, else French.
Conventions, webhooks and signature verification: docs/api.md.
"""


def _json_number(text: str) -> float | int:
    """JSON has one kind of number: `3.0` and `3e0` are the integer 3 (as JSON Schema
    says), so an integral one reaches the (strict) schemas as an int; `3.5` stays a float."""
    number = float(text)
    return int(number) if number.is_integer() else number


class BoundedJSONParser(Parser):
    """JSON bodies up to API_MAX_BODY_BYTES, without NUL characters (databases refuse
    them; schemas declare free text as `Text`, this is the safety net)."""

    def parse_body(self, request: HttpRequest) -> Any:
        if len(request.body) > settings.API_MAX_BODY_BYTES:
            raise BodyTooLarge
        data = json.loads(request.body, parse_float=_json_number)
        if b"\\u0000" in request.body and _holds_nul(data):
            raise NulCharacter
        return data


def _holds_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_holds_nul(key) or _holds_nul(item) for key, item in value.items())
    if isinstance(value, list):
        return any(_holds_nul(item) for item in value)
    return False


class PrimiAPI(NinjaAPI):
    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> Any:
        return document_query_texts(document_errors(super().get_openapi_schema(*args, **kwargs)))


api = PrimiAPI(
    title="PRIMI international API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api",
    parser=BoundedJSONParser(),
)
install_error_handlers(api)


@api.get("/health", tags=["site"], summary="Liveness of the API", response={200: dict})
def health(request: HttpRequest) -> dict:
    return {"status": "ok"}


api.add_router("/", account_router)
api.add_router("/", events_router)
api.add_router("/", calendar_router)
api.add_router("/", bookings_router)
api.add_router("/", bookings_staff_router)
api.add_router("/", missions_router)
api.add_router("/", webhooks_router)
api.add_router("/b2b/", b2b_router)
api.add_router("/b2b/", b2b_staff_router)


def api_not_found(request: HttpRequest) -> HttpResponse:
    """Any other address under /api/: the API's 404, in its shape."""
    return error_response(api, request, NotFound(gettext_lazy("No such address in the API.")))


def api_refusal(request: HttpRequest, error: DomainError) -> HttpResponse:
    """The API's answer to `error`, for a refusal made before the API is reached."""
    return error_response(api, request, error)
