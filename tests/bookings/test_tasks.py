"""The jobs: emails sent once, failures retried without touching the registration."""

from smtplib import SMTPException

import pytest
from django.core import mail

from bookings.models import EmailOutbox, RegistrationState
from bookings.registrations.services.registrations import register_for_event
from tests.factories import EventFactory, PersonFactory
from tests.outbox_support import deliver, sweep_later

pytestmark = pytest.mark.django_db(transaction=True)
send_registration_email = deliver("registration-email")


def test_a_task_run_twice_sends_one_email():
    register_for_event(PersonFactory(), EventFactory(capacity=5))
    outbox = EmailOutbox.objects.get()
    assert len(mail.outbox) == 1 and outbox.sent_at is not None
    assert send_registration_email(outbox.pk) is False
    assert len(mail.outbox) == 1


def test_an_smtp_failure_keeps_the_registration_and_the_email_is_retried(monkeypatch):
    def refuse(self, *args, **kwargs):
        raise SMTPException("mail server down")

    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", refuse)
    registration = register_for_event(PersonFactory(), EventFactory(capacity=5))
    registration.refresh_from_db()
    assert registration.state == RegistrationState.CONFIRMED
    outbox = EmailOutbox.objects.get()
    assert (outbox.sent_at, outbox.attempts) == (None, 1)
    assert "mail server down" in outbox.last_error

    with pytest.raises(SMTPException):  # django-q2 records the failure and retries
        send_registration_email(outbox.pk)
    monkeypatch.undo()
    assert send_registration_email(outbox.pk) is True
    outbox.refresh_from_db()
    assert outbox.attempts == 3 and outbox.sent_at is not None and outbox.last_error == ""
    assert len(mail.outbox) == 1


def test_the_sweep_requeues_old_unsent_emails(monkeypatch):
    from datetime import timedelta

    from django.utils import timezone

    monkeypatch.setattr(
        "django.core.mail.backends.locmem.EmailBackend.send_messages",
        lambda self, messages: (_ for _ in ()).throw(SMTPException("down")),
    )
    register_for_event(PersonFactory(), EventFactory(capacity=5))
    EmailOutbox.objects.update(created_at=timezone.now() - timedelta(minutes=6))
    monkeypatch.undo()
    assert sweep_later() == 1
    assert EmailOutbox.objects.get().sent_at is not None
    assert sweep_later() == 0


def test_setup_schedules_is_idempotent():
    from django.core.management import call_command
    from django_q.models import Schedule

    call_command("setup_schedules")
    call_command("setup_schedules")
    assert sorted(Schedule.objects.values_list("func", flat=True)) == [
        "bookings.tasks.clean_up",
        "bookings.tasks.expire_offers",
        "bookings.tasks.send_event_reminders",
        "bookings.tasks.send_meeting_reminders",
        "primi_site.tasks.anonymise_expired_personal_data",
        "primi_site.tasks.sweep_outbox",
    ]
    Schedule.objects.filter(name="bookings: event reminders").update(minutes=999)
    call_command("setup_schedules")
    assert Schedule.objects.get(name="bookings: event reminders").minutes == 15


def test_an_event_update_survives_a_lost_job_and_the_sweep_sends_it(monkeypatch):
    from datetime import timedelta

    from django.utils import timezone

    from events import services as event_services

    event = EventFactory(capacity=5)
    person = PersonFactory(language="en")
    register_for_event(person, event)
    mail.outbox.clear()

    def broker_down(*args, **kwargs):
        raise ConnectionError("broker down")

    monkeypatch.setattr("django_q.tasks.async_task", broker_down)
    event.refresh_from_db()
    event.starts_at += timedelta(hours=2)
    event.ends_at += timedelta(hours=2)
    event_services.save_event(event)  # the job is never enqueued
    monkeypatch.undo()
    assert mail.outbox == []
    owed = EmailOutbox.objects.get(kind="updated")
    assert (owed.sequence, owed.sent_at) == (1, None)
    EmailOutbox.objects.filter(pk=owed.pk).update(created_at=timezone.now() - timedelta(minutes=6))
    assert sweep_later() == 1
    (update,) = mail.outbox
    assert update.to == [person.user.email]
    assert update.subject == f"Updated: {event.title_en}"
    assert sweep_later() == 0
