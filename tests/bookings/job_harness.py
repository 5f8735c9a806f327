"""Commands run in a subprocess on the jobs' database, for tests/bookings/test_job_faults.py.

`python -m tests.bookings.job_harness <command> [args]` prints one JSON line. It runs with
tests.bookings.job_settings, so it shares the database of the `qcluster` processes.
"""

import json
import os
import sys
import time
from datetime import timedelta


def slow_reminder(reminder_id: int, seconds: float, marker: str) -> bool:
    """Test-only job: note that it started, sleep (the test kills the cluster then), send."""
    from primi_site import outbox

    with open(marker, "a", encoding="utf-8") as handle:
        handle.write(f"{os.getpid()}\n")
    time.sleep(seconds)
    return outbox.deliver("event-reminder", reminder_id)


def _tomorrow_registrations(count: int):
    from django.utils import timezone

    from tests.factories import EventFactory, PersonFactory, RegistrationFactory

    starts = timezone.now() + timedelta(hours=20)
    event = EventFactory(starts_at=starts, ends_at=starts + timedelta(hours=2))
    return [
        RegistrationFactory(event=event, person=PersonFactory(language=language))
        for language in ("fr", "en", "fr")[:count]
    ]


def register_one() -> dict:
    """A registration whose confirmation email is enqueued on commit (the real path)."""
    from bookings.registrations.services.registrations import register_for_event
    from tests.factories import EventFactory, PersonFactory

    registration = register_for_event(PersonFactory(), EventFactory())
    return {"registration": registration.pk, "email": registration.person.user.email}


def outbox_state() -> dict:
    from bookings.models import EmailOutbox, Registration

    return {
        "registrations": list(Registration.objects.values_list("state", flat=True)),
        "emails": list(EmailOutbox.objects.values("sent_at", "attempts").order_by("pk")),
    }


def book_one_meeting() -> dict:
    """A B2B meeting booked; both sides' invitations are enqueued on commit (the real path)."""
    from bookings.b2b import services
    from bookings.models import Slot
    from tests.factories import B2BParticipantFactory, b2b_session

    session = b2b_session(direct_booking=True)
    a, b = B2BParticipantFactory(session=session), B2BParticipantFactory(session=session)
    meeting = services.book_meeting(a, b, Slot.objects.get(session=session, index=1))
    return {"meeting": meeting.pk, "emails": sorted(p.person.user.email for p in (a, b))}


def notifications_state() -> dict:
    from bookings.models import B2BNotification, Meeting

    return {
        "meetings": list(Meeting.objects.values_list("state", flat=True)),
        "notifications": list(B2BNotification.objects.values("sent_at", "attempts").order_by("pk")),
    }


def enqueue_slow_reminder(seconds: str, marker: str) -> dict:
    from django_q.tasks import async_task

    from bookings.registrations.services import reminders

    _tomorrow_registrations(1)
    [reminder_id] = reminders.owe_reminders()
    async_task("tests.bookings.job_harness.slow_reminder", reminder_id, float(seconds), marker)
    return {"reminder": reminder_id}


def schedule_reminders_twice() -> dict:
    """Three registrants of tomorrow's event; the reminder schedule due now, twice over
    (as two clusters' schedulers would both pick it), and the scheduler run."""
    people = [r.person.user.email for r in _tomorrow_registrations(3)]
    _schedule_twice("bookings.tasks.send_event_reminders")
    return {"people": people}


def _schedule_twice(func: str) -> None:
    from django.core.management import call_command
    from django.utils import timezone
    from django_q.brokers import get_broker
    from django_q.models import Schedule
    from django_q.scheduler import scheduler

    call_command("setup_schedules", stdout=open(os.devnull, "w"))  # noqa: SIM115
    Schedule.objects.exclude(func=func).delete()
    original = Schedule.objects.get()
    Schedule.objects.create(
        name="reminders, again",
        func=original.func,
        schedule_type=Schedule.MINUTES,
        minutes=15,
        repeats=-1,
    )
    Schedule.objects.update(next_run=timezone.now() - timedelta(seconds=1))
    scheduler(broker=get_broker())


def schedule_meeting_reminders_twice() -> dict:
    """A B2B meeting starting in half an hour; its reminder schedule due twice over."""
    from django.utils import timezone

    from bookings.b2b.services import book_meeting
    from tests.factories import B2BParticipantFactory, PersonFactory, b2b_session

    session = b2b_session(direct_booking=True)
    sides = [
        B2BParticipantFactory(session=session, person=PersonFactory(language=language))
        for language in ("fr", "en")
    ]
    slot = session.slots.get(index=1)
    slot.starts_at = timezone.now() + timedelta(minutes=30)
    slot.ends_at = slot.starts_at + timedelta(minutes=20)
    slot.save(update_fields=["starts_at", "ends_at"])
    event = session.event  # the event runs around its slot, or the booking is refused
    event.starts_at, event.ends_at = slot.starts_at - timedelta(hours=1), slot.ends_at
    event.save(update_fields=["starts_at", "ends_at"])
    book_meeting(*sides, slot)
    _schedule_twice("bookings.tasks.send_meeting_reminders")
    return {"people": [side.person.user.email for side in sides]}


def meeting_reminders_state() -> dict:
    from bookings.models import B2BNotification

    reminders = B2BNotification.objects.filter(kind="meeting-reminder")
    return {"owed": reminders.count(), "sent": reminders.filter(sent_at__isnull=False).count()}


def reminders_state() -> dict:
    from bookings.models import EventReminder

    return {"sent": EventReminder.objects.filter(sent_at__isnull=False).count()}


def sweep() -> dict:
    """The outbox's periodic sweep, as the scheduler runs it every minute; then the state."""
    from primi_site import outbox

    return {"handed": outbox.sweep(), **outbox_state()}


def flush_redis() -> dict:
    from django_q.brokers import get_broker

    get_broker().purge_queue()
    return {}


COMMANDS = {
    "sweep": sweep,
    "flush_redis": flush_redis,
    "register_one": register_one,
    "book_one_meeting": book_one_meeting,
    "notifications_state": notifications_state,
    "outbox_state": outbox_state,
    "enqueue_slow_reminder": enqueue_slow_reminder,
    "schedule_reminders_twice": schedule_reminders_twice,
    "reminders_state": reminders_state,
    "schedule_meeting_reminders_twice": schedule_meeting_reminders_twice,
    "meeting_reminders_state": meeting_reminders_state,
}

if __name__ == "__main__":
    import django

    django.setup()
    print(json.dumps(COMMANDS[sys.argv[1]](*sys.argv[2:]), default=str))
