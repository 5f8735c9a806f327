"""django-q2 jobs: ids in, re-fetch, call a service. Each is idempotent.

Every email is delivered by the one outbox's task (`primi_site.tasks.deliver`); the jobs
here owe the periodic ones (reminders) and the updates of a changed event or mission.
"""

from bookings.b2b.services import notify
from bookings.registrations.services import cleanup, emails, reminders, waitlist
from primi_site import outbox
from primi_site.outbox import Channel


def _deliver_all(channel: Channel, ids: list[int]) -> int:
    """Deliver the rows owed by this very job, each on its own: one failure (released, and
    retried by the sweep) does not hold back the others; it is raised at the end, so the
    job's record shows it. How many went."""
    sent, failure = 0, None
    for pk in ids:
        try:
            sent += outbox.deliver(channel.name, pk)
        except Exception as exc:
            failure = failure or exc
    if failure is not None:
        raise failure
    return sent


def send_event_updates(event_id: int) -> int:
    """An event's time, place or status changed (or it joined a mission's programme):
    its confirmed registrants, and its mission's confirmed applicants, get the updated
    invitation, once per (registration, event, SEQUENCE) however often this runs."""
    return _deliver_all(emails.CHANNEL, emails.owe_event_updates(event_id))


def send_mission_updates(mission_id: int) -> int:
    """A mission's dates, destination or status changed: its confirmed applicants get
    the updated invitation, once per (registration, SEQUENCE) however often this runs."""
    return _deliver_all(emails.CHANNEL, emails.owe_mission_updates(mission_id))


def promote_waitlist(kind: str, pk: int) -> int:
    return len(waitlist.promote_waitlist(kind, pk))


def expire_offers() -> int:
    """Periodic: offers past their expiry pass to the next person waiting."""
    return waitlist.expire_offers()


def send_meeting_reminders() -> int:
    """Periodic: owe the reminders of the B2B meetings about to start, enqueue each."""
    from bookings.b2b.services.reminders import owe_meeting_reminders

    return outbox.hand_over(notify.CHANNEL, owe_meeting_reminders())


def send_event_reminders() -> int:
    """Periodic: owe the reminders of tomorrow's events, and enqueue each one's sending."""
    return outbox.hand_over(reminders.CHANNEL, reminders.owe_reminders())


def clean_up() -> dict[str, int]:
    """Periodic: expired invitations and old job results go."""
    return cleanup.clean_up()


def run_schedule(run_id: int) -> str | None:
    """Solve one queued scheduler run (a run already started or decided is left alone)."""
    from bookings.b2b.services.schedule import run_schedule as run

    done = run(run_id)
    return done.state if done else None
