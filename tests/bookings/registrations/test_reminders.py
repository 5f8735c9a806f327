"""Reminders the day before an event: owed once, sent once, in the person's language."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from bookings import tasks
from bookings.models import EventReminder, RegistrationState
from bookings.registrations.services import reminders
from tests.factories import EventFactory, PersonFactory, RegistrationFactory
from tests.outbox_support import deliver

pytestmark = pytest.mark.django_db
send_reminder = deliver("event-reminder")


def tomorrow_event(**kwargs):
    starts = timezone.now() + timedelta(hours=20)
    return EventFactory(starts_at=starts, ends_at=starts + timedelta(hours=2), **kwargs)


def test_a_confirmed_registrant_is_reminded_once_in_their_language():
    event = tomorrow_event()
    english = RegistrationFactory(event=event, person=PersonFactory(language="en"))
    french = RegistrationFactory(event=event, person=PersonFactory(language="fr"))

    assert tasks.send_event_reminders() == 2
    assert tasks.send_event_reminders() == 0

    subjects = {message.to[0]: message.subject for message in mail.outbox}
    assert subjects == {
        english.person.user.email: f"Tomorrow: {event.title_en}",
        french.person.user.email: f"Demain\u00a0: {event.title_fr}",
    }
    assert EventReminder.objects.filter(sent_at__isnull=False).count() == 2


def test_no_reminder_for_the_waitlisted_nor_for_events_further_away():
    RegistrationFactory(event=tomorrow_event(), state=RegistrationState.WAITLISTED)
    RegistrationFactory(event=EventFactory())  # in 30 days

    assert tasks.send_event_reminders() == 0
    assert mail.outbox == []


def test_the_same_reminder_sent_twice_goes_out_once():
    registration = RegistrationFactory(event=tomorrow_event())
    [reminder_id] = reminders.owe_reminders()

    assert send_reminder(reminder_id) is True
    assert send_reminder(reminder_id) is False
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [registration.person.user.email]


def test_a_failed_send_releases_the_reminder_for_the_next_attempt(monkeypatch):
    RegistrationFactory(event=tomorrow_event())
    [reminder_id] = reminders.owe_reminders()

    def broken(*args, **kwargs):
        raise ConnectionRefusedError("mail server down")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", broken)
    with pytest.raises(ConnectionRefusedError):
        send_reminder(reminder_id)
    monkeypatch.undo()

    reminder = EventReminder.objects.get(pk=reminder_id)
    assert (reminder.sent_at, reminder.claimed_at, reminder.attempts) == (None, None, 1)
    assert "mail server down" in reminder.last_error
    assert send_reminder(reminder_id) is True
    assert len(mail.outbox) == 1


def test_a_reminder_owed_before_the_event_was_cancelled_is_not_sent():
    from bookings.registrations.services.cancellations import cancel_event

    event = tomorrow_event()
    RegistrationFactory(event=event)
    [reminder_id] = reminders.owe_reminders()
    cancel_event(event)
    mail.outbox.clear()
    assert send_reminder(reminder_id) is False
    assert mail.outbox == []
    assert EventReminder.objects.get(pk=reminder_id).sent_at is not None  # settled, not swept
