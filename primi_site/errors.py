"""The one base of every refusal of the domain: its code, HTTP status, message and field.

Each app declares its refusals once, as subclasses with class attributes (in
`<app>/exceptions.py`, or beside the service that raises them):

    class SlotTaken(DomainError):
        status = 409
        code = "slot_taken"
        message = gettext_lazy("This slot is already taken.")

A service raises `SlotTaken()`, `SlotTaken(count=3)` for a message with `%(count)s`, or
`SlotTaken(gettext("…"), field="slot")` for another message about one field. Nothing
else is needed: the API answers it with its status and code in the one error shape
(`primi_site.api_errors`), the pages show its message on the field or as a message
(`primi_site.page_errors`), both in the reader's language.

`status` is 409 when the input is fine but the current state refuses it (taken, full,
already done), 422 when the input itself cannot be accepted, 404, 403, 401 or 429 (with
`retry_after`, in seconds). This module imports nothing of the project, so that every
app can raise these errors.
"""

from typing import Any

from django.utils.translation import gettext_lazy, ngettext_lazy


class DomainError(Exception):
    status: int = 409
    code: str = "conflict"
    message: Any = gettext_lazy("This conflicts with the current state.")
    field: str | None = None
    """The field the refusal concerns, if one; the API lists it in `errors`."""
    location: str = "body"
    """Where the field is in an API request: body, query, path or header."""
    retry_after: int | None = None
    """Seconds after which trying again may succeed (429, 503): the `Retry-After` header."""

    def __init__(
        self, message: Any = None, code: str | None = None, *, field: str | None = None, **params
    ) -> None:
        if message is not None:
            self.message = message
        if code:
            self.code = code
        if field is not None:
            self.field = field
        self.params = params
        super().__init__(self.code)

    def __str__(self) -> str:
        """The message in the active language, its placeholders filled."""
        # `message % params` on the lazy message itself, so that a plural message
        # (ngettext_lazy with a named number) picks its form from the parameter.
        return str(self.message % self.params) if self.params else str(self.message)


class NotFound(DomainError):
    status = 404
    code = "not_found"
    message = gettext_lazy("Not found.")


class Forbidden(DomainError):
    status = 403
    code = "forbidden"
    message = gettext_lazy("You are not allowed to do this.")


class Unauthorized(DomainError):
    status = 401
    code = "not_authenticated"
    message = gettext_lazy("Sign in, or send a token as “Authorization: Bearer …”.")


class InvalidInput(DomainError):
    """The input cannot be accepted (422)."""

    status = 422
    code = "invalid"
    message = gettext_lazy("The request is not valid.")


class RateLimited(DomainError):
    status = 429
    code = "throttled"
    message = ngettext_lazy(
        "Too many requests; retry in %(seconds)s second.",
        "Too many requests; retry in %(seconds)s seconds.",
        "seconds",
    )

    def __init__(self, retry_after: int) -> None:
        self.retry_after = max(1, int(retry_after))
        super().__init__(seconds=self.retry_after)
