"""One error shape for the whole API, and the exception handlers that produce it.

Every refusal is a JSON body of the shape `ErrorOut`:

    {"status": 409, "code": "slot_taken", "message": "This slot is already taken.",
     "errors": []}

with, for 422, one entry per field in `errors`. Messages are in the request's
language (`primi_site.api_language`).

Domain refusals of other apps map to HTTP once, here: subclass `DomainError` (set
`code`, `status`, `default_message`) or register an existing exception class with
`register_domain_error(SomeError, status=409, code="some_code")`.
"""

import logging
from collections.abc import Callable, Iterable
from typing import Any

from django.core.exceptions import (
    ObjectDoesNotExist,
    PermissionDenied,
    RequestDataTooBig,
    SuspiciousOperation,
)
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, AuthorizationError, HttpError, Throttled
from ninja.errors import ValidationError as NinjaValidationError
from pydantic import ConfigDict, Field

from primi_site.api_language import api_language

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


# ---------------------------------------------------------- domain errors


class DomainError(Exception):
    """A refusal of the domain that the API answers with `status` and `code`.

    Subclass it in `<app>/exceptions.py`:

        class SlotTaken(DomainError):
            status = 409
            code = "slot_taken"
            default_message = gettext_lazy("This slot is already taken.")
    """

    status: int = 409
    code: str = "conflict"
    default_message: Any = gettext_lazy("This conflicts with the current state.")

    def __init__(
        self,
        message: Any = None,
        *,
        code: str | None = None,
        params: dict[str, Any] | None = None,
        field: str | None = None,
    ) -> None:
        self.message = message if message is not None else self.default_message
        self.params = params or {}
        self.field = field
        if code:
            self.code = code
        super().__init__(str(self.message))

    def render_message(self) -> str:
        text = str(self.message)
        return text % self.params if self.params else text


class ApiNotFound(DomainError):
    status = 404
    code = "not_found"
    default_message = gettext_lazy("Not found.")


class ApiForbidden(DomainError):
    status = 403
    code = "forbidden"
    default_message = gettext_lazy("You are not allowed to do this.")


class ApiUnauthorized(DomainError):
    status = 401
    code = "not_authenticated"
    default_message = gettext_lazy("Sign in, or send a token as “Authorization: Bearer …”.")


class ApiInvalid(DomainError):
    status = 422
    code = "invalid"
    default_message = gettext_lazy("The request is not valid.")


class RateLimited(DomainError):
    status = 429
    code = "throttled"
    default_message = gettext_lazy("Too many requests; retry in %(seconds)s seconds.")

    def __init__(self, retry_after: int) -> None:
        self.retry_after = max(1, int(retry_after))
        super().__init__(params={"seconds": self.retry_after})


class BodyTooLarge(Exception):
    """The body is larger than API_MAX_BODY_BYTES."""


class NulCharacter(Exception):
    """A text of the body holds the NUL character."""


class UnknownParameter(Exception):
    """A query parameter the endpoint does not know: a typo must not be ignored."""

    def __init__(self, names: list[str]) -> None:
        self.names = names
        super().__init__(", ".join(names))


StatusRule = int | Callable[[BaseException], int]
_REGISTRY: dict[type[BaseException], tuple[StatusRule, str | None]] = {}
DOMAIN_STATUSES = (403, 404, 409, 422)


def register_domain_error(
    exc_class: type[BaseException], *, status: StatusRule, code: str | None = None
) -> None:
    """Answer `exc_class` (raised by a service) with `status` and `code`; str(exc) is the
    message. For exception hierarchies that cannot subclass `DomainError`.

    `status` is 403, 404, 409 or 422, or a function of the exception that returns one;
    without `code`, the exception's own `code` attribute is used:

        register_domain_error(
            RegistrationError,
            status=lambda exc: 409 if exc.code in CONFLICT_CODES else 422,
        )
    """
    if not callable(status) and status not in DOMAIN_STATUSES:
        raise ValueError(f"domain errors map to 403, 404, 409 or 422, not {status}")
    _REGISTRY[exc_class] = (status, code)


def _registered(exc: BaseException) -> tuple[int, str] | None:
    for cls in type(exc).__mro__:
        if cls in _REGISTRY:
            rule, code = _REGISTRY[cls]
            status = rule(exc) if callable(rule) else rule
            if status not in DOMAIN_STATUSES:
                raise ValueError(f"{cls.__name__} mapped to {status}")
            return status, code or str(getattr(exc, "code", "conflict"))
    return None


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


def error_response(
    api: NinjaAPI,
    request: HttpRequest,
    status: int,
    code: str,
    message: str,
    errors: list[dict[str, Any]] | None = None,
) -> HttpResponse:
    body = {"status": status, "code": code, "message": message, "errors": errors or []}
    response = api.create_response(request, body, status=status)
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="api"'
    return response


def install_error_handlers(api: NinjaAPI) -> None:
    """Replace django-ninja's default handlers by ours: one shape, one place."""

    def handle(request: HttpRequest, exc: Exception) -> HttpResponse:
        with translation.override(api_language(request)):
            return _handle(api, request, exc)

    for exc_class in (
        Exception,
        UnknownParameter,
        Http404,
        HttpError,
        NinjaValidationError,
        DjangoValidationError,
        PermissionDenied,
        ObjectDoesNotExist,
        SuspiciousOperation,
        DomainError,
    ):
        api.add_exception_handler(exc_class, handle)


def _handle(api: NinjaAPI, request: HttpRequest, exc: Exception) -> HttpResponse:
    respond = lambda status, code, message, errors=None: error_response(  # noqa: E731
        api, request, status, code, message, errors
    )
    if isinstance(exc, RateLimited):
        response = respond(429, exc.code, exc.render_message())
        response["Retry-After"] = str(exc.retry_after)
        return response
    if isinstance(exc, DomainError):
        errors = None
        if exc.field is not None and exc.status == 422:
            errors = [
                {
                    "field": exc.field,
                    "loc": ["body", exc.field],
                    "code": exc.code,
                    "message": exc.render_message(),
                }
            ]
        return respond(exc.status, exc.code, exc.render_message(), errors)
    registered = _registered(exc)
    if registered:
        return respond(registered[0], registered[1], str(exc))
    if isinstance(exc, UnknownParameter):
        errors = [
            {
                "field": name,
                "loc": ["query", name],
                "code": "extra_forbidden",
                "message": str(_FIELD_MESSAGES["extra_forbidden"]),
            }
            for name in exc.names
        ]
        return respond(422, "invalid", _("The request is not valid."), errors)
    if isinstance(exc, NinjaValidationError):
        return respond(422, "invalid", _("The request is not valid."), field_errors(exc.errors))
    if isinstance(exc, DjangoValidationError):
        errors = _django_errors(exc)
        if errors and all(error["code"] in CONFLICT_CODES for error in errors):
            return respond(409, "conflict", _("This conflicts with the current state."), errors)
        return respond(422, "invalid", _("The request is not valid."), errors)
    if isinstance(exc, Http404 | ObjectDoesNotExist):
        return respond(404, "not_found", _("Not found."))
    if isinstance(exc, PermissionDenied):
        return respond(403, "forbidden", _("You are not allowed to do this."))
    if isinstance(exc, RequestDataTooBig):
        return respond(413, "too_large", _("The body is too large."))
    if isinstance(exc, SuspiciousOperation):
        return respond(400, "bad_request", _("The request was refused."))
    if isinstance(exc, Throttled):
        response = respond(429, "throttled", _("Too many requests."))
        if exc.wait:
            response["Retry-After"] = str(max(1, int(exc.wait)))
        return response
    if isinstance(exc, AuthenticationError):
        return respond(
            401,
            "not_authenticated",
            _("Sign in, or send a token as “Authorization: Bearer …”."),
        )
    if isinstance(exc, AuthorizationError):
        return respond(403, "forbidden", _("You are not allowed to do this."))
    if isinstance(exc, HttpError):
        if isinstance(exc.__cause__, BodyTooLarge):
            return respond(413, "too_large", _("The body is too large."))
        if isinstance(exc.__cause__, NulCharacter):
            return respond(422, "invalid", _("Texts may not contain the NUL character."))
        if exc.status_code == 400:
            return respond(400, "malformed", _("The body is not valid JSON."))
        return respond(exc.status_code, "http_error", str(exc))
    logger.exception("Unexpected error in %s %s", request.method, request.path)
    return respond(500, "server_error", _("Something went wrong on our side; it is logged."))


CONFLICT_CODES = frozenset({"duplicate", "too_many"})
"""Codes of a service's ValidationError that say the input is fine but the current state
refuses it (a name already used, a limit reached): 409, like the domain's conflicts."""


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
