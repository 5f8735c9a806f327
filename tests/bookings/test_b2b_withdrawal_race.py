"""A booking racing a withdrawal on PostgreSQL: the lock makes it see the withdrawal.

The booking has read the participant as approved; the withdrawal (the real service)
then takes its locks and commits while the booking waits. With the locks, the booking
re-checks under them and is refused; the negative control, with the locks switched
off, shows the harness does catch the meeting slipping in.
"""

import threading

import pytest
from django.db import connection, connections, transaction
from django.test import override_settings

from bookings.exceptions import BookingError
from bookings.models import B2BParticipant, Meeting
from bookings.services import b2b as services
from bookings.services.b2b.withdrawal import withdraw_participant

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.concurrency,
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip(
            "needs PostgreSQL and real concurrency: run with "
            "DATABASE_URL=postgres://… (dev.py test does so in its PostgreSQL pass)"
        )


def race(session, member, delegate) -> dict:
    session.direct_booking = True
    session.save(update_fields=["direct_booking"])
    slot = session.slots.order_by("index").first()
    stale = B2BParticipant.objects.get(pk=member.pk)  # the booking read it approved
    outcome: dict = {}

    def book() -> None:
        try:
            outcome["meeting"] = services.book_meeting(delegate, stale, slot).pk
        except BookingError as error:
            outcome["refused"] = error.code
        finally:
            connections.close_all()

    booking = threading.Thread(target=book)
    with transaction.atomic():
        withdraw_participant(B2BParticipant.objects.get(pk=member.pk), None, "")
        booking.start()
        booking.join(timeout=1.5)  # with the locks it waits here for the commit
        outcome["waited"] = booking.is_alive()
    booking.join(timeout=20)
    assert not booking.is_alive()
    return outcome


def test_a_booking_waiting_on_a_withdrawal_is_refused(session, member, delegate):
    outcome = race(session, member, delegate)
    assert outcome == {"waited": True, "refused": "participant_withdrawn"}
    assert not Meeting.objects.exists()


def test_negative_control_without_the_locks_the_meeting_slips_in(session, member, delegate):
    with override_settings(PRIMI_TEST_LOCK_DISABLED=True):
        outcome = race(session, member, delegate)
    assert outcome["waited"] is False
    assert "meeting" in outcome  # booked beside a withdrawn participant: the race is real
    assert B2BParticipant.objects.get(pk=member.pk).status == "withdrawn"
    assert Meeting.objects.filter(state="booked").count() == 1
