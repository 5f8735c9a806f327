"""Domain errors of the bookings app.

Each carries a `code` (stable, for API clients and tests) and a `message`
translated in the language active when it is raised. The API maps a `Conflict`
to 409 (the state of the world says no: slot taken, request withdrawn) and any
other `BookingError` to 422 (the input is wrong); pages show the message.
"""


class BookingError(Exception):
    status = 422

    def __init__(self, message, code: str = "invalid") -> None:
        super().__init__(str(message))
        self.message = str(message)
        self.code = code

    def __str__(self) -> str:
        return self.message


class Invalid(BookingError):
    """The input cannot be right, whatever others do (422)."""


class Conflict(BookingError):
    """The input was fine but the current state refuses it (409)."""

    status = 409


class NotAllowed(BookingError):
    """The rules of the session forbid it (422)."""
