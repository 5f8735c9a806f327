"""Checks and side effects shared by the B2B services."""

import logging

from django.db.models import Q
from django.utils.translation import gettext as _

from bookings.exceptions import BookingError, Conflict, Invalid, NotAllowed
from bookings.models import (
    B2BLogEntry,
    B2BNotification,
    B2BParticipant,
    B2BSession,
    Meeting,
    MeetingRequest,
    Registration,
    RegistrationState,
)
from events.models import Event
from missions.models import Person
from primi_site import outbox

logger = logging.getLogger("bookings.b2b")
# Rate-limit buckets (primi_site.api_throttle) shared by the pages and the API, per person.
B2B_BOOKING_SCOPE = "b2b-booking"
B2B_REQUEST_SCOPE = "b2b-request"


def is_registered(person: Person, event: Event) -> bool:
    """A confirmed registration for the event, or for its mission."""
    scope = Q(event=event)
    if event.mission_id:
        scope |= Q(mission_id=event.mission_id)
    return Registration.objects.filter(
        scope, person=person, state=RegistrationState.CONFIRMED
    ).exists()


def ensure_registered(person: Person, event: Event) -> None:
    """Refuse a person who has no confirmed registration for the event or for its mission.

    The one place where B2B asks the registrations (checked when a person joins a
    session; staff may still add a participant by hand in the admin).
    """
    if not is_registered(person, event):
        raise NotAllowed(
            _("You need a confirmed registration for this event to take part in its meetings."),
            code="not_registered",
        )


def ensure_open(session: B2BSession) -> None:
    if session.status != B2BSession.Status.OPEN:
        raise NotAllowed(
            _("The B2B meetings of this event are not open for booking."), code="session_closed"
        )


def ensure_approved(*participants: B2BParticipant) -> None:
    for participant in participants:
        if not participant.is_approved:
            raise NotAllowed(
                _("The profile of %(name)s is not approved yet.")
                % {"name": participant.organisation_name},
                code="profile_not_approved",
            )


def ensure_still_in(*participants: B2BParticipant) -> None:
    """Under the participants' locks: refuse one withdrawn meanwhile (their registration
    cancelled after the caller read them)."""
    left = (
        B2BParticipant.objects.filter(
            pk__in=[p.pk for p in participants], status=B2BParticipant.Status.WITHDRAWN
        )
        .values_list("organisation_name", flat=True)
        .first()
    )
    if left is not None:
        raise NotAllowed(
            _("%(name)s no longer takes part in this session.") % {"name": left},
            code="participant_withdrawn",
        )


def partner_sides(session: B2BSession, participant: B2BParticipant) -> list[str] | None:
    """The sides `participant` may meet under the session's who-meets-whom rule (None:
    anyone). The one statement of the rule: the refusals below and the directory use it."""
    if session.pairing == B2BSession.Pairing.DELEGATES_WITH_MEMBERS:
        return [side for side in B2BParticipant.Side.values if side != participant.side]
    return None


def pair_refusal(
    session: B2BSession, by: B2BParticipant, other: B2BParticipant
) -> BookingError | None:
    """Why `by` may not meet `other` in `session`, or None: same session, not oneself,
    the who-meets-whom rule, and no meeting already booked between them. The error names
    `other`. Every service that asks for, books or places a meeting refuses with it, and
    the pages and API answers that offer a meeting ask it first, so that they offer only
    what will be accepted."""
    if by.session_id != session.pk or other.session_id != session.pk:
        return Invalid(_("This participant is not in this session."), code="not_in_session")
    if by.pk == other.pk:
        return Invalid(_("You cannot meet yourself."), code="oneself")
    sides = partner_sides(session, by)
    if sides is not None and other.side not in sides:
        return NotAllowed(
            _("In this session delegates meet members only."), code="pairing_not_allowed"
        )
    low, high = sorted((by.pk, other.pk))
    if Meeting.objects.filter(
        session=session, participant_a_id=low, participant_b_id=high, state=Meeting.State.BOOKED
    ).exists():
        return Conflict(
            _("You already have a meeting with %(name)s.") % {"name": other.organisation_name},
            code="already_meeting",
        )
    return None


def ensure_may_meet(session: B2BSession, by: B2BParticipant, other: B2BParticipant) -> None:
    """Raise the refusal of `pair_refusal`, if any."""
    refusal = pair_refusal(session, by, other)
    if refusal is not None:
        raise refusal


def log(
    session: B2BSession,
    actor: Person | None,
    action: str,
    *,
    meeting: Meeting | None = None,
    request: MeetingRequest | None = None,
    **detail,
) -> None:
    B2BLogEntry.objects.create(
        session=session, actor=actor, action=action, meeting=meeting, request=request, detail=detail
    )
    logger.info(
        "b2b %s session=%s actor=%s meeting=%s request=%s %s",
        action,
        session.pk,
        actor.pk if actor else None,
        meeting.pk if meeting else None,
        request.pk if request else None,
        detail,
    )


def notify(
    kind: str,
    recipients: list[Person],
    *,
    request: MeetingRequest | None = None,
    meeting: Meeting | None = None,
    session: B2BSession | None = None,
) -> None:
    """Write the emails owed and send them by job once the transaction commits.

    An agenda (`session`, no request or meeting) lists all the person's meetings."""
    for recipient in recipients:
        outbox.enqueue(
            B2BNotification.objects.create(
                kind=kind,
                recipient=recipient,
                request=request,
                meeting=meeting,
                session=session,
                sequence=meeting.sequence if meeting else 0,
            )
        )


def notify_partners(event_type: str, meeting: Meeting, session: B2BSession) -> None:
    """The meeting's webhook (`meeting.created`, `.changed`, `.cancelled`), delivered after
    the commit: ids, the session's slug, states and the place in time; no personal data."""
    from primi_site.services.webhooks import emit

    slot = meeting.slot
    emit(
        event_type,
        {
            "meeting": meeting.pk,
            "session": session.event.slug,
            "state": meeting.state,
            "participants": [meeting.participant_a_id, meeting.participant_b_id],
            "request": meeting.request_id,
            "source": meeting.source,
            "slot": slot.index,
            "starts_at": slot.starts_at,
            "ends_at": slot.ends_at,
            "table": meeting.table.number if meeting.table_id else None,
            "online": meeting.online,
            "sequence": meeting.sequence,
        },
    )
