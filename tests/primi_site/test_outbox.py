"""The one outbox: claim, send, back off, give up, sweep, and staff's retry."""

from datetime import timedelta
from smtplib import SMTPServerDisconnected

import pytest
from django.apps import apps
from django.core import mail
from django.test import override_settings
from django.utils import timezone

from bookings.models import EmailOutbox
from bookings.registrations.services.registrations import register_for_event
from primi_site import outbox
from primi_site.models import AccountEmail, Deliverable
from tests.factories import EventFactory, PersonFactory, StaffUserFactory

pytestmark = pytest.mark.django_db
MAIL_DOWN = override_settings(EMAIL_BACKEND="tests.mail_backends.FailingBackend")
REGISTRATION = "registration-email"


@pytest.fixture
def owed(django_capture_on_commit_callbacks) -> EmailOutbox:
    """A confirmation whose first attempt failed (the mail server was down)."""
    with MAIL_DOWN, django_capture_on_commit_callbacks(execute=True):
        register_for_event(PersonFactory(language="en"), EventFactory(capacity=5))
    return EmailOutbox.objects.get()


def due_at(seconds: float) -> list[int]:
    now = timezone.now() + timedelta(seconds=seconds)
    return list(outbox.due(outbox.channel(REGISTRATION), now).values_list("pk", flat=True))


def test_every_model_of_owed_emails_has_its_channel():
    deliverables = {m for m in apps.get_models() if issubclass(m, Deliverable)}
    assert deliverables == {chan.model for chan in outbox.channels()}
    assert len(deliverables) == 5


@override_settings(OUTBOX_BACKOFF_SECONDS=60, OUTBOX_BACKOFF_MAX_SECONDS=600)
def test_the_backoff_doubles_up_to_its_ceiling():
    waits = [outbox.backoff(n).total_seconds() for n in range(1, 7)]
    assert waits == [60, 120, 240, 480, 600, 600]


def test_a_failure_puts_the_next_attempt_off_by_the_backoff(owed):
    assert (owed.attempts, owed.claimed_at, owed.sent_at) == (1, None, None)
    assert "mail server down" in owed.last_error
    wait = (owed.next_attempt_at - timezone.now()).total_seconds()
    assert 50 < wait <= 60
    assert due_at(0) == []
    assert due_at(61) == [owed.pk]


def test_after_the_last_allowed_attempt_it_is_given_up_and_no_longer_swept(owed):
    with override_settings(OUTBOX_MAX_ATTEMPTS=3), MAIL_DOWN:
        for _ in range(2):
            with pytest.raises(SMTPServerDisconnected):
                outbox.deliver(REGISTRATION, owed.pk)
    owed.refresh_from_db()
    assert owed.attempts == 3 and owed.failed_at is not None
    assert due_at(10 * 3600) == []
    assert outbox.deliver(REGISTRATION, owed.pk) is False  # a stray job sends nothing
    assert mail.outbox == []


def test_a_lost_job_is_handed_over_within_two_minutes(django_capture_on_commit_callbacks):
    """The worker died after claiming (the lease runs out) or the job never came (the
    grace passes): the sweep that runs next, a minute apart, hands it to a job."""
    with django_capture_on_commit_callbacks(execute=False):  # the job is lost
        register_for_event(PersonFactory(), EventFactory(capacity=5))
    row = EmailOutbox.objects.get()
    assert due_at(0) == []  # its own job may still come
    assert due_at(60) == [row.pk]
    claimed = timezone.now()
    assert outbox.claim(outbox.channel(REGISTRATION), row.pk, claimed)  # then the worker dies
    assert due_at(40) == []  # the lease holds
    assert due_at(45 + 60) == [row.pk]  # lease, then at most one sweep period


def test_the_message_id_is_the_same_for_every_attempt(owed, monkeypatch):
    tried = []

    def record_and_fail(self, messages):
        tried.extend(m.extra_headers["Message-ID"] for m in messages)
        raise ConnectionError("accepted, but the worker died before the commit")

    monkeypatch.setattr(
        "django.core.mail.backends.locmem.EmailBackend.send_messages", record_and_fail
    )
    with pytest.raises(ConnectionError):
        outbox.deliver(REGISTRATION, owed.pk)
    monkeypatch.undo()
    assert outbox.deliver(REGISTRATION, owed.pk) is True
    (sent,) = mail.outbox
    assert (
        sent.extra_headers["Message-ID"] == tried[0] == f"<{REGISTRATION}.{owed.pk}@primi.example>"
    )


def test_the_sweep_hands_due_rows_of_every_channel(owed):
    AccountEmail.objects.create(kind="password-reset", email="nobody@example.org", language="en")
    AccountEmail.objects.update(created_at=timezone.now() - timedelta(minutes=1))
    assert outbox.sweep(now=timezone.now() + timedelta(seconds=61)) == 2
    assert EmailOutbox.objects.get().sent_at is not None
    assert AccountEmail.objects.get().sent_at is not None  # settled: no account, no email
    assert len(mail.outbox) == 1


@pytest.mark.parametrize(
    ("language", "heading", "button"),
    [
        ("en", "Emails in trouble", "Try again now"),
        ("fr", "E-mails en difficulté", "Réessayer maintenant"),
    ],
)
def test_staff_see_the_failed_emails_and_retry_one(
    client, owed, language, heading, button, django_capture_on_commit_callbacks
):
    EmailOutbox.objects.update(failed_at=timezone.now())
    client.force_login(StaffUserFactory())
    page = client.get(f"/{language}/staff/outbox/").content.decode()
    assert heading in page and button in page
    assert owed.registration.person.user.email in page
    assert "mail server down" in page
    retry = f"/{language}/staff/outbox/{REGISTRATION}/{owed.pk}/retry/"
    assert f'action="{retry}"' in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(retry)
    assert response["Location"] == f"/{language}/staff/outbox/"
    owed.refresh_from_db()
    assert owed.sent_at is not None and owed.failed_at is None
    assert len(mail.outbox) == 1
    assert client.post(retry).status_code == 302  # sent meanwhile: nothing more
    assert len(mail.outbox) == 1


def test_members_do_not_see_the_outbox(client, owed):
    client.force_login(PersonFactory().user)
    assert client.get("/en/staff/outbox/").status_code == 404
    assert client.post(f"/en/staff/outbox/{REGISTRATION}/{owed.pk}/retry/").status_code == 404
    owed.refresh_from_db()
    assert owed.next_attempt_at is not None and owed.sent_at is None


def test_an_unknown_channel_is_a_404_for_staff(client):
    client.force_login(StaffUserFactory())
    assert client.post("/en/staff/outbox/nothing/1/retry/").status_code == 404


def test_with_nothing_in_trouble_the_page_says_so_and_the_dashboard_links_to_it(client):
    client.force_login(StaffUserFactory())
    page = client.get("/fr/staff/outbox/").content.decode()
    assert "Aucun e-mail en difficulté" in page and "<table" not in page
    dashboard = client.get("/en/staff/dashboard/", follow=True).content.decode()
    assert 'href="/en/staff/outbox/"' in dashboard
