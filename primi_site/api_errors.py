"""One error shape for the whole API, and the one exception handler that produces it.

Every refusal is a JSON body of the shape `ErrorOut`:

    {"status": 409, "code": "slot_taken", "message": "This slot is already taken.",
     "errors": []}

with one entry per field in `errors` for a 422 (and for a refusal about one field).
Messages are in the request's language (`primi_site.api_language`).

Refusals of the domain are subclasses of `primi_site.errors.DomainError`, which carry
their status and code: nothing to register. Exceptions of Django and django-ninja are
answered as the domain error they amount to (`as_domain_error`); anything else is a
logged 500. `install_error_handlers(api)` is called where the NinjaAPI is built.
"""

import logging
from collections.abc import Callable, Iterable
from functools import partial
from typing import Any

from django.core.exceptions import (
    ObjectDoesNotExist,
    PermissionDenied,
    RequestDataTooBig,
    SuspiciousOperation,
)
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.utils import DatabaseError, InterfaceError, OperationalError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, AuthorizationError, HttpError, Throttled
from ninja.errors import ValidationError as NinjaValidationError
from pydantic import ConfigDict, Field

from primi_site.api_language import api_language
from primi_site.errors import (
    DomainError,
    Forbidden,
    InvalidInput,
    NotFound,
    RateLimited,
    Unauthorized,
)

logger = logging.getLogger("primi.api")


# ---------------------------------------------------------------- the shape


class FieldErrorOut(Schema):
    field: str = Field(description="The field, dotted for nested ones; empty for the whole body.")
    loc: list[str | int] = Field(description="Where: body, query, path or header, then the path.")
    code: str = Field(description="Stable machine-readable reason, e.g. `missing`.")
    message: str = Field(description="Human-readable, in the request's language.")


class ErrorOut(Schema):
    """The body of every error response."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "status": 422,
                    "code": "invalid",
                    "message": "The request is not valid.",
                    "errors": [
                        {
                            "field": "limit",
                            "loc": ["query", "limit"],
                            "code": "less_than_equal",
                            "message": "Ensure this value is less than or equal to 100.",
                        }
                    ],
                }
            ]
        }
    )

    status: int = Field(description="The HTTP status, repeated.")
    code: str = Field(description="Stable machine-readable reason; see docs/api.md.")
    message: str = Field(description="Human-readable, in the request's language.")
    errors: list[FieldErrorOut] = Field(
        default_factory=list, description="Field-level messages (422); empty otherwise."
    )


# ------------------------------------------------------ documented responses

AUTHENTICATED = (401, 403, 429)
"""Codes of every endpoint that needs a person (no credentials, scope, CSRF, throttled)."""
WITH_BODY = (400, 413, 422)
"""Codes of every endpoint that reads a JSON body (malformed, too large, invalid)."""

ERROR_DESCRIPTIONS = {
    400: gettext_lazy("Malformed request: the body is not valid JSON."),
    401: gettext_lazy("No valid credentials: a session or a Bearer token is needed."),
    403: gettext_lazy("Not allowed: staff only, read-only token, or CSRF check failed."),
    404: gettext_lazy("Not found, or not yours."),
    409: gettext_lazy("Conflict with the current state (already exists, taken, full)."),
    413: gettext_lazy("The body is larger than the API accepts."),
    422: gettext_lazy("Invalid input; `errors` lists each field with its message."),
    429: gettext_lazy("Too many requests; retry after `Retry-After` seconds."),
}
ERROR_EXAMPLES: dict[int, dict[str, Any]] = {
    400: {"status": 400, "code": "malformed", "message": "The body is not valid JSON."},
    401: {"status": 401, "code": "not_authenticated", "message": "Sign in or send a token."},
    403: {"status": 403, "code": "staff_only", "message": "Only the cluster's staff may."},
    404: {"status": 404, "code": "not_found", "message": "Not found."},
    409: {"status": 409, "code": "already_registered", "message": "You are registered."},
    413: {"status": 413, "code": "too_large", "message": "The body is too large."},
    422: ErrorOut.model_config["json_schema_extra"]["examples"][0],
    429: {"status": 429, "code": "throttled", "message": "Too many requests."},
}


def responses(ok: dict[int, Any], *errors: int) -> dict[int, Any]:
    """The `response=` of an operation: its success schema(s) and its error codes.

    `responses({200: EventOut}, 404)`, `responses({201: X}, *AUTHENTICATED, *WITH_BODY, 409)`.
    """
    result = dict(ok)
    for code in sorted(set(errors)):
        result[code] = ErrorOut
    return result


def document_errors(schema: dict[str, Any]) -> dict[str, Any]:
    """Give each error response of the OpenAPI document its description and example."""
    for path_item in schema.get("paths", {}).values():
        for operation in path_item.values():
            for code, response in operation.get("responses", {}).items():
                status = int(code)
                if status not in ERROR_EXAMPLES:
                    continue
                response["description"] = str(ERROR_DESCRIPTIONS[status])
                content = response.get("content", {}).get("application/json")
                if content is not None:
                    content["example"] = {"errors": [], **ERROR_EXAMPLES[status]}
                if status == 429:
                    response["headers"] = {
                        "Retry-After": {
                            "description": "Seconds to wait before retrying.",
                            "schema": {"type": "integer", "minimum": 1},
                        }
                    }
    return schema


NO_NUL = r"^[^\x00]*$"
"""The pattern of a text without the NUL character (`primi_site.request_guard`)."""


def document_query_texts(schema: dict[str, Any]) -> dict[str, Any]:
    """Say in the OpenAPI document that no query text may hold the NUL character, as
    `primi_site.request_guard` answers it with a 422 on every endpoint."""
    for path_item in schema.get("paths", {}).values():
        for operation in path_item.values():
            for parameter in operation.get("parameters", []):
                if parameter.get("in") == "query":
                    _forbid_nul(parameter.get("schema", {}))
    return schema


def _forbid_nul(schema: dict[str, Any]) -> None:
    if schema.get("type") == "string" and not {"pattern", "enum", "const"} & schema.keys():
        schema["pattern"] = NO_NUL
    for option in [schema.get("items"), *schema.get("anyOf", [])]:
        if isinstance(option, dict):
            _forbid_nul(option)


# ---------------------------------------------------------- domain errors
# The base and the common refusals live in `primi_site.errors`; these are the API's own.


class BodyTooLarge(DomainError):
    """The body is larger than API_MAX_BODY_BYTES (or Django's own limit)."""

    status = 413
    code = "too_large"
    message = gettext_lazy("The body is too large.")


class NulCharacter(InvalidInput):
    """A text of the body holds the NUL character."""

    message = gettext_lazy("Texts may not contain the NUL character.")


class Malformed(DomainError):
    status = 400
    code = "malformed"
    message = gettext_lazy("The body is not valid JSON.")


class MalformedMultipart(Malformed):
    message = gettext_lazy("The body is not valid multipart form data.")


class BadRequest(DomainError):
    status = 400
    code = "bad_request"
    message = gettext_lazy("The request was refused.")


class Unavailable(DomainError):
    """The database cannot be reached (down, restarting, too many connections)."""

    status = 503
    code = "unavailable"
    message = gettext_lazy("The service cannot reach its database; retry in a moment.")
    retry_after = 30


class ServerError(DomainError):
    status = 500
    code = "server_error"
    message = gettext_lazy("Something went wrong on our side; it is logged.")


class InvalidRequest(InvalidInput):
    """A 422 with one entry per field, built in the request's language when answered."""

    def __init__(self, field_errors: Callable[[], list[dict[str, Any]]]) -> None:
        super().__init__()
        self.field_errors = field_errors


class UnknownParameter(InvalidRequest):
    """A query parameter the endpoint does not know: a typo must not be ignored."""

    def __init__(self, names: list[str]) -> None:
        self.names = names
        super().__init__(lambda: [query_error(name, "extra_forbidden") for name in names])


def query_error(name: str, code: str) -> dict[str, Any]:
    message = _FIELD_MESSAGES.get(code, _FIELD_MESSAGES["string_pattern_mismatch"])
    return {"field": name, "loc": ["query", name], "code": code, "message": str(message)}


# ----------------------------------------------------------- field messages

_FIELD_MESSAGES = {
    "missing": gettext_lazy("This field is required."),
    "extra_forbidden": gettext_lazy("This field is not accepted."),
    "string_type": gettext_lazy("Enter a text."),
    "string_too_short": gettext_lazy("Ensure this value has at least %(min_length)s characters."),
    "string_too_long": gettext_lazy("Ensure this value has at most %(max_length)s characters."),
    "string_pattern_mismatch": gettext_lazy("Enter a value in the expected format."),
    "int_type": gettext_lazy("Enter a whole number."),
    "int_parsing": gettext_lazy("Enter a whole number."),
    "int_from_float": gettext_lazy("Enter a whole number."),
    "bool_type": gettext_lazy("Enter true or false."),
    "bool_parsing": gettext_lazy("Enter true or false."),
    "greater_than": gettext_lazy("Ensure this value is greater than %(gt)s."),
    "greater_than_equal": gettext_lazy("Ensure this value is greater than or equal to %(ge)s."),
    "less_than": gettext_lazy("Ensure this value is less than %(lt)s."),
    "less_than_equal": gettext_lazy("Ensure this value is less than or equal to %(le)s."),
    "enum": gettext_lazy("Choose one of: %(expected)s."),
    "literal_error": gettext_lazy("Choose one of: %(expected)s."),
    "list_type": gettext_lazy("Enter a list."),
    "too_short": gettext_lazy("Give at least %(min_length)s items."),
    "too_long": gettext_lazy("Give at most %(max_length)s items."),
    "dict_type": gettext_lazy("Enter an object."),
    "model_type": gettext_lazy("Enter an object."),
    "model_attributes_type": gettext_lazy("Enter an object."),
    "datetime_type": gettext_lazy("Enter a date and time (ISO 8601, with its offset)."),
    "datetime_parsing": gettext_lazy("Enter a date and time (ISO 8601, with its offset)."),
    "datetime_from_date_parsing": gettext_lazy(
        "Enter a date and time (ISO 8601, with its offset)."
    ),
    "timezone_aware": gettext_lazy("Give the time's offset, for example +02:00 or Z."),
    "date_type": gettext_lazy("Enter a date (YYYY-MM-DD)."),
    "date_parsing": gettext_lazy("Enter a date (YYYY-MM-DD)."),
    "date_from_datetime_parsing": gettext_lazy("Enter a date (YYYY-MM-DD)."),
    "uuid_type": gettext_lazy("Enter a UUID."),
    "uuid_parsing": gettext_lazy("Enter a UUID."),
    "url_type": gettext_lazy("Enter a valid web address."),
    "url_parsing": gettext_lazy("Enter a valid web address."),
    "url_scheme": gettext_lazy("Enter a valid web address."),
    "url_too_long": gettext_lazy("Enter a valid web address."),
    "nul_character": gettext_lazy("Texts may not contain the NUL character."),
}


def _field_message(error: dict[str, Any]) -> str:
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    if kind == "value_error" and ctx.get("error"):
        return str(ctx["error"]).removeprefix("Value error, ")
    template = _FIELD_MESSAGES.get(kind)
    if template is None:
        return _("Enter a valid value.")
    text = str(template)
    try:
        return text % {key: str(value) for key, value in ctx.items()} if "%(" in text else text
    except (KeyError, ValueError):
        return _("Enter a valid value.")


def _field_name(loc: Iterable[Any]) -> list[str | int]:
    parts = list(loc)
    source = parts[:1]
    rest = parts[1:]
    if source == ["body"] and len(rest) > 1:
        rest = rest[1:]  # the view's parameter name, e.g. "payload"
    return rest


def field_errors(errors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    result = []
    for error in errors:
        loc = [part if isinstance(part, int) else str(part) for part in error.get("loc", ())]
        path = _field_name(loc)
        result.append(
            {
                "field": ".".join(str(part) for part in path),
                "loc": loc,
                "code": str(error.get("type", "invalid")),
                "message": _field_message(error),
            }
        )
    return result


# ---------------------------------------------------------------- handlers

# Exceptions of Django and django-ninja, answered as the domain error they amount to;
# the first class that matches wins (RequestDataTooBig is a SuspiciousOperation).
_FRAMEWORK_ERRORS: tuple[tuple[type[BaseException], type[DomainError]], ...] = (
    (Http404, NotFound),
    (ObjectDoesNotExist, NotFound),
    (PermissionDenied, Forbidden),
    (RequestDataTooBig, BodyTooLarge),
    (MultiPartParserError, MalformedMultipart),
    (SuspiciousOperation, BadRequest),
    (AuthenticationError, Unauthorized),
    (AuthorizationError, Forbidden),
    (OperationalError, Unavailable),
    (InterfaceError, Unavailable),
)


def as_domain_error(exc: BaseException) -> DomainError:
    """The refusal `exc` amounts to; a `ServerError` (logged by the caller) if none."""
    if isinstance(exc, HttpError) and isinstance(exc.__cause__, DomainError | RequestDataTooBig):
        exc = exc.__cause__  # raised while parsing the body, wrapped by django-ninja
    if isinstance(exc, DomainError):
        return exc
    if isinstance(exc, NinjaValidationError):
        return InvalidRequest(lambda: field_errors(exc.errors))
    if isinstance(exc, DjangoValidationError):
        return InvalidRequest(lambda: _django_errors(exc))
    if isinstance(exc, Throttled):
        return RateLimited(exc.wait or 1)
    for framework_class, error_class in _FRAMEWORK_ERRORS:
        if isinstance(exc, framework_class):
            return error_class()
    if isinstance(exc, HttpError):
        if exc.status_code == 400:
            return Malformed()
        error = DomainError(str(exc), "http_error")
        error.status = exc.status_code
        return error
    return ServerError()


def _errors_of(error: DomainError) -> list[dict[str, Any]]:
    if isinstance(error, InvalidRequest):
        return error.field_errors()
    if error.field is None:
        return []
    return [
        {
            "field": error.field,
            "loc": [error.location, error.field],
            "code": error.code,
            "message": str(error),
        }
    ]


def _language(request: HttpRequest) -> str:
    try:
        return api_language(request)
    except DatabaseError:  # the account's language is out of reach: neither lang nor header
        return "fr"


def error_response(api: NinjaAPI, request: HttpRequest, error: DomainError) -> HttpResponse:
    """The answer to `error`, in the one shape and the request's language."""
    with translation.override(_language(request)):
        body = {
            "status": error.status,
            "code": error.code,
            "message": str(error),
            "errors": _errors_of(error),
        }
    response = api.create_response(request, body, status=error.status)
    if error.status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="api"'
    if error.retry_after:
        response["Retry-After"] = str(error.retry_after)
    return response


def handle_error(api: NinjaAPI, request: HttpRequest, exc: Exception) -> HttpResponse:
    """The API's one exception handler: every exception, one shape."""
    error = as_domain_error(exc)
    if isinstance(error, ServerError):
        logger.exception("Unexpected error in %s %s", request.method, request.path)
    return error_response(api, request, error)


def install_error_handlers(api: NinjaAPI) -> None:
    """Answer every exception with `handle_error`, in place of django-ninja's defaults
    (registered for their classes too, as django-ninja picks the closest one)."""
    for exc_class in (Exception, Http404, HttpError, NinjaValidationError):
        api.add_exception_handler(exc_class, partial(handle_error, api))


def _django_errors(exc: DjangoValidationError) -> list[dict[str, Any]]:
    if hasattr(exc, "error_dict"):
        items = [(field, error) for field, errors in exc.error_dict.items() for error in errors]
    else:
        items = [("", error) for error in exc.error_list]
    result = []
    for field, error in items:
        message = error.message % error.params if error.params else error.message
        name = "" if field == "__all__" else field
        result.append(
            {
                "field": name,
                "loc": ["body", name] if name else ["body"],
                "code": error.code or "invalid",
                "message": str(message),
            }
        )
    return result
