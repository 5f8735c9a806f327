"""django-q2 jobs: ids in, re-fetch, call a service. Each is idempotent."""

from datetime import timedelta

from django_q.tasks import async_task

from bookings.services import cleanup, emails, invitations, reminders, waitlist


def send_registration_email(outbox_id: int) -> bool:
    """Send one owed email; a failure raises so that django-q2 retries it."""
    return emails.send_outbox(outbox_id)


def send_event_updates(event_id: int) -> int:
    """An event's time, place or status changed (or it joined a mission's programme):
    its confirmed registrants, and its mission's confirmed applicants, get the updated
    invitation, once per (registration, event, SEQUENCE) however often this runs."""
    sent = 0
    for outbox_id in emails.owe_event_updates(event_id):
        sent += emails.send_outbox(outbox_id)
    return sent


def send_mission_updates(mission_id: int) -> int:
    """A mission's dates, destination or status changed: its confirmed applicants get
    the updated invitation, once per (registration, SEQUENCE) however often this runs."""
    sent = 0
    for outbox_id in emails.owe_mission_updates(mission_id):
        sent += emails.send_outbox(outbox_id)
    return sent


def promote_waitlist(kind: str, pk: int) -> int:
    return len(waitlist.promote_waitlist(kind, pk))


def expire_offers() -> int:
    """Periodic: offers past their expiry pass to the next person waiting."""
    return waitlist.expire_offers()


def send_pending_emails() -> int:
    """Periodic: enqueue the emails still owed after a while (a lost job, a long outage,
    a mail server down for longer than django-q2's retries): registrations', B2B
    notifications and guests' invitations."""
    from bookings.services.b2b.notify import unsent_notifications

    pending = emails.unsent(older_than=timedelta(minutes=5))
    for outbox_id in pending:
        async_task("bookings.tasks.send_registration_email", outbox_id)
    notifications = unsent_notifications(older_than=timedelta(minutes=5))
    for notification_id in notifications:
        async_task("bookings.tasks.send_b2b_notification", notification_id)
    guests = invitations.unsent_invitations(older_than=timedelta(minutes=5))
    for invitation_id in guests:
        async_task("bookings.tasks.send_guest_invitation", invitation_id)
    return len(pending) + len(notifications) + len(guests)


def send_guest_invitation(invitation_id: int) -> bool:
    """Send a guest's invitation with a fresh link; a failure raises so that django-q2
    retries it."""
    return invitations.deliver_invitation(invitation_id)


def send_meeting_reminders() -> int:
    """Periodic: owe the reminders of the B2B meetings about to start, enqueue each."""
    from bookings.services.b2b.reminders import owe_meeting_reminders

    pending = owe_meeting_reminders()
    for notification_id in pending:
        async_task("bookings.tasks.send_b2b_notification", notification_id)
    return len(pending)


def send_event_reminders() -> int:
    """Periodic: owe the reminders of tomorrow's events, and enqueue each one's sending."""
    pending = reminders.owe_reminders()
    for reminder_id in pending:
        async_task("bookings.tasks.send_event_reminder", reminder_id)
    return len(pending)


def send_event_reminder(reminder_id: int) -> bool:
    """Send one reminder; a failure raises so that django-q2 retries it."""
    return reminders.send_reminder(reminder_id)


def clean_up() -> dict[str, int]:
    """Periodic: expired invitations and old job results go."""
    return cleanup.clean_up()


def send_b2b_notification(notification_id: int) -> bool:
    """Send one B2B email (request, booking, move, cancellation) unless already sent; a
    failure raises so that django-q2 retries it."""
    from bookings.services.b2b.notify import deliver

    return deliver(notification_id)


def run_schedule(run_id: int) -> str | None:
    """Solve one queued scheduler run (a run already started or decided is left alone)."""
    from bookings.services.b2b.schedule import run_schedule as run

    done = run(run_id)
    return done.state if done else None
