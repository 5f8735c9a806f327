"""A person whose registration ends leaves the B2B sessions it gave them.

Called inside the registration's transaction (`cancel_registration`, a staff decision
that takes a confirmed seat back), so the registration and its B2B consequences are
written together or not at all. For each session of the events the registration
covered — unless another confirmed registration (the event's, or its mission's)
still entitles the person to it:

- their live requests, sent and received, are withdrawn; the other side is told;
- their booked meetings are cancelled; both sides get the cancellation with its
  `METHOD:CANCEL`, so the meeting leaves both calendars (the person's private feed
  shows it cancelled for 30 days);
- their participation is marked `withdrawn`: out of the directory, no new requests
  or bookings. Joining again (registered anew) sends the profile back to review.
"""

from django.db.models import Q
from django.utils import timezone

from bookings.b2b.services.common import is_registered, log, notify
from bookings.b2b.services.locks import lock_participants
from bookings.b2b.services.meetings import cancel_locked
from bookings.models import (
    B2BNotification,
    B2BParticipant,
    Meeting,
    MeetingRequest,
    Registration,
)
from events.models import Event
from missions.models import Person


def covered_events(registration: Registration) -> list[int]:
    """The events whose B2B sessions the registration gave access to."""
    if registration.event_id:
        return [registration.event_id]
    events = Event.objects.filter(mission_id=registration.mission_id)
    return list(events.values_list("pk", flat=True))


def withdraw_participant(participant: B2BParticipant, actor: Person | None, reason: str) -> int:
    """Withdraw one participation (the caller holds the transaction); returns the
    meetings cancelled."""
    session = participant.session
    # Every participant of the session, in id order (the order every B2B writer locks
    # in): no request or meeting with this person can be written until we commit, and
    # writers that read them before re-check under the lock (`ensure_still_in`).
    lock_participants(*session.participants.values_list("pk", flat=True))
    mine = Q(sender=participant) | Q(recipient=participant)
    requests = list(
        MeetingRequest.objects.filter(mine, state__in=MeetingRequest.LIVE_STATES)
        .select_related("session", "sender__person", "recipient__person")
        .order_by("pk")
    )
    meetings = list(
        Meeting.objects.filter(
            Q(participant_a=participant) | Q(participant_b=participant),
            state=Meeting.State.BOOKED,
        )
        .select_related("session__event", "participant_a__person", "participant_b__person")
        .order_by("pk")
    )
    now = timezone.now()
    for request in requests:
        request.state = MeetingRequest.State.WITHDRAWN
        request.answered_at = request.answered_at or now
        request.save(update_fields=["state", "answered_at"])
        log(session, actor, "request-withdrawn", request=request, reason=reason[:300])
        other = request.recipient if request.sender_id == participant.pk else request.sender
        notify(B2BNotification.Kind.REQUEST_WITHDRAWN, [other.person], request=request)
    for meeting in meetings:
        cancel_locked(meeting, actor, reason)
    participant.status = B2BParticipant.Status.WITHDRAWN
    participant.save(update_fields=["status", "updated_at"])
    log(session, actor, "participant-withdrawn", participant=participant.pk, reason=reason[:300])
    return len(meetings)


def withdraw_after_registration_ended(
    registration: Registration, actor: Person | None, reason: str
) -> int:
    """Withdraw the person from the sessions their ended registration covered; returns
    the meetings cancelled."""
    person = registration.person
    participants = (
        B2BParticipant.objects.filter(
            person=person, session__event_id__in=covered_events(registration)
        )
        .exclude(status=B2BParticipant.Status.WITHDRAWN)
        .select_related("session__event", "person")
        .order_by("pk")
    )
    cancelled = 0
    for participant in participants:
        if is_registered(person, participant.session.event):
            continue  # still registered another way (the event itself, or its mission)
        cancelled += withdraw_participant(participant, actor, reason)
    return cancelled
