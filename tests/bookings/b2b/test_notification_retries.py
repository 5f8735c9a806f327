"""B2B invitation emails that fail are retried and sent once; the booking stays."""

from datetime import timedelta
from smtplib import SMTPServerDisconnected

import pytest
from django.core import mail
from django.test import override_settings
from django.utils import timezone

from bookings.b2b import services
from bookings.models import B2BNotification, Meeting, Slot
from tests.bookings.registrations.test_cancellations import calendar_part
from tests.outbox_support import deliver, due_now, sweep_later

pytestmark = pytest.mark.django_db
send = deliver("b2b-notification")
MAIL_DOWN = override_settings(EMAIL_BACKEND="tests.mail_backends.FailingBackend")


@pytest.fixture
def failed_booking(session, member, delegate, django_capture_on_commit_callbacks):
    """A meeting booked while the mail server is down: both invitations failed once."""
    session.direct_booking = True
    session.save(update_fields=["direct_booking"])
    with MAIL_DOWN, django_capture_on_commit_callbacks(execute=True):
        meeting = services.book_meeting(
            member, delegate, Slot.objects.get(session=session, index=1)
        )
    return meeting


def test_a_failed_invitation_keeps_the_meeting_and_stays_owed(failed_booking):
    assert Meeting.objects.get(pk=failed_booking.pk).state == "booked"
    notifications = B2BNotification.objects.order_by("pk")
    assert [(n.sent_at, n.attempts, n.claimed_at) for n in notifications] == [
        (None, 1, None),
        (None, 1, None),
    ]
    assert all("mail server down" in n.last_error for n in notifications)
    assert mail.outbox == []


def test_the_job_raises_so_that_django_q2_runs_it_again(failed_booking):
    notification = B2BNotification.objects.order_by("pk").first()
    with MAIL_DOWN, pytest.raises(SMTPServerDisconnected):
        send(notification.pk)
    notification.refresh_from_db()
    assert (notification.attempts, notification.sent_at) == (2, None)
    # Back up: the retried job sends it, once.
    assert send(notification.pk) is True
    assert send(notification.pk) is False
    notification.refresh_from_db()
    assert (notification.attempts, notification.last_error) == (3, "")
    (sent,) = mail.outbox
    assert calendar_part(sent)[0] == "REQUEST"


def test_the_sweep_sends_what_a_lost_or_exhausted_job_left(failed_booking):
    assert due_now("b2b-notification") == []  # too recent: its job retries
    B2BNotification.objects.update(created_at=timezone.now() - timedelta(minutes=6))
    assert sweep_later() == 2  # re-enqueued, sent (the queue runs in-process)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [
            failed_booking.participant_a.person.user.email,
            failed_booking.participant_b.person.user.email,
        ]
    )
    assert all(calendar_part(m)[0] == "REQUEST" for m in mail.outbox)
    assert sweep_later() == 0
    assert len(mail.outbox) == 2


def test_a_notification_being_sent_is_neither_swept_nor_sent_twice(failed_booking):
    notification = B2BNotification.objects.order_by("pk").first()
    B2BNotification.objects.update(created_at=timezone.now() - timedelta(minutes=6))
    B2BNotification.objects.filter(pk=notification.pk).update(claimed_at=timezone.now())
    assert notification.pk not in due_now("b2b-notification")
    assert send(notification.pk) is False
    # A claim older than the timeout (its worker died) is taken over.
    B2BNotification.objects.filter(pk=notification.pk).update(
        claimed_at=timezone.now() - timedelta(minutes=11)
    )
    assert send(notification.pk) is True
    assert len(mail.outbox) == 1
