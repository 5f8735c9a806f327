"""Cancelling an event or a mission, and everything booked on it.

`cancel_event` is the one way an event is cancelled with its consequences, in one
transaction (nothing is half-written if any step fails):

- the event's status becomes `cancelled` (through `events.services.save_event`, so its
  SEQUENCE rises and the feeds change);
- every active registration (applied, offered, confirmed, waitlisted) is cancelled by
  a state change, logged, never deleted; each person gets the cancellation email in
  their language, with a `METHOD:CANCEL` invitation when they had been confirmed (the
  only ones who received a REQUEST), same UID as their private feed;
- the event's B2B session is closed and its booked meetings cancelled, both sides
  notified with a `METHOD:CANCEL` for the meeting.

Emails are written as outbox rows in the transaction and sent by jobs once it commits.
`cancel_mission` does the same for a mission's applications and cancels each of its
events (drafts, which nobody could register for, stay drafts).

Both are idempotent: run again, they find nothing active and change nothing (the
SEQUENCE does not rise twice). Publishing a cancelled event again does not bring back
what was cancelled: the registrations stay cancelled (people were told), the session
stays closed until the staff reopen it; people register again, and their calendars get
a REQUEST above the CANCEL (`bookings.registrations.queries.personal_sequence`).
"""

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy

from bookings.b2b.services.common import log
from bookings.b2b.services.locks import lock_participants
from bookings.b2b.services.meetings import cancel_locked
from bookings.models import ACTIVE_STATES, B2BSession, Meeting, Registration, RegistrationState
from bookings.registrations.services.common import log_text, move
from events.models import Event
from events.services import save_event
from missions.models import Mission, Person
from missions.services import save_mission

EVENT_CANCELLED = gettext_lazy("The event was cancelled.")
MISSION_CANCELLED = gettext_lazy("The mission was cancelled.")


@dataclass(frozen=True)
class Cancelled:
    """What one cancellation changed (zeros when it ran before)."""

    registrations: int = 0
    meetings: int = 0
    events: int = 0

    def __add__(self, other: "Cancelled") -> "Cancelled":
        return Cancelled(
            self.registrations + other.registrations,
            self.meetings + other.meetings,
            self.events + other.events,
        )


def _actor(by) -> Person | None:
    if by is None or not getattr(by, "is_authenticated", False):
        return None
    from missions.people import person_of

    return person_of(by)


def _cancel_registrations(rows, *, by, reason: str, now: datetime) -> int:
    """Cancel the active registrations among `rows` (locked); no promotion: the target
    is cancelled, nobody moves up."""
    count = 0
    active = rows.select_for_update(of=("self",)).filter(state__in=ACTIVE_STATES).order_by("pk")
    for registration in active.select_related("event", "mission"):
        move(registration, RegistrationState.CANCELLED, by=by, reason=reason, now=now)
        count += 1
    return count


def _cancel_meetings(event: Event, actor: Person | None, reason: str) -> int:
    """Close the event's B2B session and cancel its booked meetings (both sides told)."""
    session = B2BSession.objects.select_for_update().filter(event=event).first()
    if session is None:
        return 0
    meetings = list(
        Meeting.objects.filter(session=session, state=Meeting.State.BOOKED)
        .select_related("session__event", "participant_a__person", "participant_b__person")
        .order_by("pk")
    )
    if meetings:
        people = {m.participant_a_id for m in meetings} | {m.participant_b_id for m in meetings}
        lock_participants(*people)
    for meeting in meetings:
        cancel_locked(meeting, actor, reason)
    if session.status != B2BSession.Status.CLOSED:
        session.status = B2BSession.Status.CLOSED
        session.save(update_fields=["status", "updated_at"])
        log(session, actor, "session-closed", reason=reason[:300] or "event cancelled")
    return len(meetings)


def _cancel_event_locked(
    event: Event, *, by, reason: str, now: datetime, notice=EVENT_CANCELLED
) -> Cancelled:
    event = Event.objects.select_for_update(no_key=True).get(pk=event.pk)
    changed = event.status != Event.Status.CANCELLED
    if changed:
        event.status = Event.Status.CANCELLED
        save_event(event)
    registrations = _cancel_registrations(
        Registration.objects.filter(event=event),
        by=by,
        reason=reason or log_text(notice),
        now=now,
    )
    # A meeting's reason is shown as is to both sides: only what the staff typed.
    meetings = _cancel_meetings(event, _actor(by), reason)
    return Cancelled(registrations, meetings, int(changed))


def cancel_event(event: Event, *, by=None, reason: str = "", now: datetime | None = None):
    """Cancel the event, its registrations and its B2B meetings; idempotent.

    `by` is the staff user (None for the system); `reason` goes in every history line
    and every email (empty: "The event was cancelled.")."""
    now = now or timezone.now()
    with transaction.atomic():
        return _cancel_event_locked(event, by=by, reason=reason.strip(), now=now)


def cancel_mission(mission: Mission, *, by=None, reason: str = "", now: datetime | None = None):
    """Cancel the mission, its applications and its events (with theirs); idempotent."""
    now = now or timezone.now()
    reason = reason.strip()
    with transaction.atomic():
        mission = Mission.objects.select_for_update(no_key=True).get(pk=mission.pk)
        if mission.status != Mission.Status.CANCELLED:
            mission.status = Mission.Status.CANCELLED
            save_mission(mission)
        done = Cancelled(
            registrations=_cancel_registrations(
                Registration.objects.filter(mission=mission),
                by=by,
                reason=reason or log_text(MISSION_CANCELLED),
                now=now,
            )
        )
        events = Event.objects.filter(mission=mission).exclude(status=Event.Status.DRAFT)
        for event in events.order_by("pk"):
            done += _cancel_event_locked(
                event, by=by, reason=reason, now=now, notice=MISSION_CANCELLED
            )
    return done


def is_cancellation_notice(reason: str) -> bool:
    """The fixed reason written by a cancellation (not worth repeating in its email)."""
    return reason in (log_text(EVENT_CANCELLED), log_text(MISSION_CANCELLED))
