"""B2B services: the only code that changes sessions, profiles, requests and meetings.

Pages, the API, admin actions and jobs call these; each validates, writes in one
short transaction, logs, and sends its emails by job on commit. Errors are
`bookings.exceptions.BookingError`s with a translated message and a code.
"""

from bookings.b2b.services.common import ensure_registered
from bookings.b2b.services.grid import generate_slots, plan_slots
from bookings.b2b.services.meetings import (
    Placement,
    book_locked,
    book_meeting,
    cancel_meeting,
    report_meeting,
    reschedule_meeting,
)
from bookings.b2b.services.participants import (
    join_session,
    review_profile,
    set_unavailable,
    update_profile,
)
from bookings.b2b.services.requests import answer_request, send_request, withdraw_request

__all__ = [
    "Placement",
    "answer_request",
    "book_locked",
    "book_meeting",
    "cancel_meeting",
    "ensure_registered",
    "generate_slots",
    "join_session",
    "plan_slots",
    "report_meeting",
    "reschedule_meeting",
    "review_profile",
    "send_request",
    "set_unavailable",
    "update_profile",
    "withdraw_request",
]
