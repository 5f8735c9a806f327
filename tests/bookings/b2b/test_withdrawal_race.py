"""A booking racing a withdrawal on PostgreSQL: the lock makes it see the withdrawal.

The booking has read the participant as approved; the withdrawal (the real service)
then takes its locks and commits while the booking waits. With the locks, the booking
re-checks under them and is refused; the negative control, with the locks switched
off, shows the harness does catch the meeting slipping in.
"""

import threading
import time

import pytest
from django.db import connection, connections, transaction
from django.test import override_settings

from bookings.b2b import services
from bookings.b2b.services.withdrawal import withdraw_participant
from bookings.exceptions import BookingError
from bookings.models import B2BParticipant, Meeting

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
        # With the locks it waits here for the commit: seen in PostgreSQL, not guessed
        # from the clock, so that a slow machine cannot pass for a waiting booking.
        outcome["waited"] = blocked_on_a_lock(booking)
    booking.join(timeout=120)
    assert not booking.is_alive()
    return outcome


def blocked_on_a_lock(thread: threading.Thread, guard: float = 120) -> bool:
    """True once another connection of this database waits for a lock while `thread`
    runs; False when `thread` ends first. `guard` only bounds a hung run."""
    ends = time.monotonic() + guard
    with connection.cursor() as cursor:
        while thread.is_alive():
            cursor.execute("SELECT pg_stat_clear_snapshot()")  # else fixed for the transaction
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                " AND pid <> pg_backend_pid() AND wait_event_type = 'Lock'"
            )
            if cursor.fetchone()[0]:
                return True
            if time.monotonic() > ends:
                raise AssertionError(f"the booking neither waited nor ended in {guard} s")
            thread.join(timeout=0.02)
    return False


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
