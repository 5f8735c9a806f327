"""Reminders an hour before a B2B meeting: owed once per side and time, sent once, in
each person's language; none for a meeting cancelled, moved away or already started."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from django_q.models import Schedule

from bookings import tasks
from bookings.b2b import services
from bookings.b2b.services.reminders import owe_meeting_reminders
from bookings.models import B2BNotification, Slot
from tests.outbox_support import deliver, sweep_later

pytestmark = pytest.mark.django_db
REMINDER = B2BNotification.Kind.MEETING_REMINDER
deliver = deliver("b2b-notification")


def starting_in(slot: Slot, minutes: int) -> None:
    """Move a slot (and its meetings) to start that many minutes from now."""
    length = slot.ends_at - slot.starts_at
    slot.starts_at = timezone.now() + timedelta(minutes=minutes)
    slot.ends_at = slot.starts_at + length
    slot.save(update_fields=["starts_at", "ends_at"])


@pytest.fixture
def meeting(session, member, delegate):
    member.person.language = "fr"
    member.person.save(update_fields=["language"])
    session.direct_booking = True
    session.save(update_fields=["direct_booking"])
    booked = services.book_meeting(member, delegate, Slot.objects.get(session=session, index=1))
    mail.outbox.clear()
    return booked


def reminders_sent() -> dict[str, str]:
    return {message.to[0]: message.subject for message in mail.outbox}


def test_both_sides_are_reminded_once_in_their_language(meeting, member, delegate):
    starting_in(meeting.slot, 45)

    assert tasks.send_meeting_reminders() == 2
    assert tasks.send_meeting_reminders() == 0  # owed and sent already: nothing new

    assert reminders_sent() == {
        member.person.user.email: "Rappel\u00a0: votre rendez-vous avec Demo partner B",
        delegate.person.user.email: "Reminder: your meeting with Demo studio A",
    }
    english = next(m for m in mail.outbox if m.to == [delegate.person.user.email])
    assert "starts soon" in english.body and "Table 1" in english.body
    assert english.attachments == []  # the calendar entry came with the booking
    assert B2BNotification.objects.filter(kind=REMINDER, sent_at__isnull=False).count() == 2


def test_not_for_meetings_further_away_or_started(meeting):
    starting_in(meeting.slot, 90)
    assert tasks.send_meeting_reminders() == 0
    starting_in(meeting.slot, -5)
    assert tasks.send_meeting_reminders() == 0
    assert mail.outbox == []
    assert not B2BNotification.objects.filter(kind=REMINDER).exists()


def test_owed_twice_and_delivered_twice_it_goes_out_once(meeting):
    """As when two clusters' schedulers both run the job."""
    starting_in(meeting.slot, 30)
    first = owe_meeting_reminders()
    assert owe_meeting_reminders() == first and len(first) == 2
    assert B2BNotification.objects.filter(kind=REMINDER).count() == 2
    assert [deliver(pk) for pk in first] == [True, True]
    assert [deliver(pk) for pk in first] == [False, False]
    assert len(mail.outbox) == 2


def test_a_cancelled_meeting_is_not_reminded(meeting, member):
    starting_in(meeting.slot, 30)
    owed = owe_meeting_reminders()
    services.cancel_meeting(meeting, member, reason="")
    mail.outbox.clear()
    assert [deliver(pk) for pk in owed] == [False, False]
    assert mail.outbox == []
    assert owe_meeting_reminders() == []


def test_a_moved_meeting_is_reminded_at_its_new_time_only(meeting, member, session):
    starting_in(meeting.slot, 30)
    owed = owe_meeting_reminders()
    later = Slot.objects.get(session=session, index=3)
    services.reschedule_meeting(meeting, member, later)
    mail.outbox.clear()
    assert [deliver(pk) for pk in owed] == [False, False]  # the old time's
    assert owe_meeting_reminders() == []  # the new time is not close yet
    starting_in(later, 50)
    fresh = owe_meeting_reminders()
    assert len(fresh) == 2 and set(fresh).isdisjoint(owed)
    assert [deliver(pk) for pk in fresh] == [True, True]
    meeting.refresh_from_db()
    assert {n.sequence for n in B2BNotification.objects.filter(pk__in=fresh)} == {meeting.sequence}


def test_a_lost_job_is_swept_by_the_pending_emails_schedule(meeting):
    starting_in(meeting.slot, 30)
    owed = owe_meeting_reminders()  # owed, but their jobs never ran
    B2BNotification.objects.filter(pk__in=owed).update(
        created_at=timezone.now() - timedelta(minutes=6)
    )
    assert sweep_later(minutes=0) == 2
    assert len(mail.outbox) == 2
    assert not B2BNotification.objects.filter(kind=REMINDER, sent_at__isnull=True).exists()


def test_the_schedule_is_created_by_setup_schedules():
    call_command("setup_schedules")
    schedule = Schedule.objects.get(name="bookings: B2B meeting reminders")
    assert (schedule.func, schedule.minutes) == ("bookings.tasks.send_meeting_reminders", 5)
