"""A guest's invitation email that fails is retried, with a fresh link, and sent once."""

import re
from datetime import timedelta
from smtplib import SMTPServerDisconnected

import pytest
from django.core import mail
from django.test import override_settings
from django.utils import timezone

from bookings.exceptions import InvalidInvitation
from bookings.models import Invitation
from bookings.registrations.services import invitations
from bookings.registrations.services.invitations import find_invitation, invite_guest
from tests.factories import EventFactory, StaffUserFactory
from tests.outbox_support import deliver, due_now, sweep_later

pytestmark = pytest.mark.django_db
send_guest_invitation = deliver_invitation = deliver("guest-invitation")
MAIL_DOWN = override_settings(EMAIL_BACKEND="tests.mail_backends.FailingBackend")


def link_token(message) -> str:
    return re.search(r"/invitations/([^/\s]+)/", message.body).group(1)


@pytest.fixture
def failed(django_capture_on_commit_callbacks) -> Invitation:
    """An invitation saved while the mail server is down."""
    with MAIL_DOWN, django_capture_on_commit_callbacks(execute=True):
        invitation = invite_guest(
            email="guest@example.org",
            target=EventFactory(members_only=True, capacity=5),
            language="en",
            by=StaffUserFactory(),
        )
    invitation.refresh_from_db()
    return invitation


def test_a_failed_email_keeps_the_invitation_owed_with_its_error(failed):
    assert (failed.sent_at, failed.attempts, failed.claimed_at) == (None, 1, None)
    assert "mail server down" in failed.last_error
    assert mail.outbox == []


def test_the_job_raises_then_sends_once_a_link_that_works(failed):
    with MAIL_DOWN, pytest.raises(SMTPServerDisconnected):
        send_guest_invitation(failed.pk)
    assert send_guest_invitation(failed.pk) is True
    assert send_guest_invitation(failed.pk) is False  # run twice: one email
    (message,) = mail.outbox
    assert message.to == ["guest@example.org"]
    assert find_invitation(link_token(message)).pk == failed.pk
    failed.refresh_from_db()
    assert (failed.attempts, failed.last_error) == (3, "")
    assert failed.sent_at is not None


def test_a_failed_attempts_link_does_not_work(failed, monkeypatch):
    """Each attempt mints its own token: only the email that went out opens the door."""
    sent_tokens = []
    original = invitations.invitation_message

    def record_then_fail(invitation, token):
        sent_tokens.append(token)
        raise SMTPServerDisconnected("mail server down")

    monkeypatch.setattr(invitations, "invitation_message", record_then_fail)
    with pytest.raises(SMTPServerDisconnected):
        send_guest_invitation(failed.pk)
    monkeypatch.setattr(invitations, "invitation_message", original)
    assert send_guest_invitation(failed.pk) is True
    with pytest.raises(InvalidInvitation):
        find_invitation(sent_tokens[0])
    assert find_invitation(link_token(mail.outbox[0])).pk == failed.pk


def test_the_sweep_sends_owed_invitations_but_not_expired_or_used_ones(failed):
    assert due_now("guest-invitation") == []  # recent: its own job retries
    Invitation.objects.update(created_at=timezone.now() - timedelta(minutes=6))
    expired = Invitation.objects.create(
        email="late@example.org",
        event=failed.event,
        token_hash="x" * 64,
        expires_at=timezone.now() - timedelta(minutes=1),
    )
    used = Invitation.objects.create(
        email="used@example.org",
        event=failed.event,
        token_hash="y" * 64,
        expires_at=timezone.now() + timedelta(days=1),
        used_at=timezone.now(),
    )
    Invitation.objects.filter(pk__in=[expired.pk, used.pk]).update(
        created_at=timezone.now() - timedelta(minutes=6)
    )
    assert sweep_later() == 1
    assert [m.to for m in mail.outbox] == [["guest@example.org"]]
    assert sweep_later() == 0
    assert deliver_invitation(expired.pk) is False


def test_the_staff_page_says_the_email_will_be_retried(client):
    client.force_login(StaffUserFactory())
    event = EventFactory(members_only=True, capacity=5)
    with MAIL_DOWN:
        response = client.post(
            "/en/staff/invitations/new/",
            {"email": "guest@example.org", "language": "en", "event": event.pk},
            follow=True,
        )
    assert "will be sent again until the mail server accepts it" in response.content.decode()
    assert Invitation.objects.get().sent_at is None
