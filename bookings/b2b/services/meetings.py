"""Booking, moving and cancelling meetings, and what each side says afterwards.

Every write that puts people or a table in a slot follows lock, recount, write in
one short transaction: lock both participants (id order), then the slot(s); count
the active seats and tables from the rows; then insert. The partial unique
constraints on `MeetingSeat` and `Meeting` hold even if a caller forgets.
"""

import secrets
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from bookings.b2b.services.common import (
    ensure_approved,
    ensure_may_meet,
    ensure_open,
    ensure_still_in,
    log,
    notify,
    notify_partners,
)
from bookings.b2b.services.grid import check_within_event
from bookings.b2b.services.locks import lock_participants, lock_slots
from bookings.exceptions import BookingError, Conflict, Invalid, NotAllowed
from bookings.locking import race_window
from bookings.models import (
    B2BNotification,
    B2BParticipant,
    B2BSession,
    Meeting,
    MeetingReport,
    MeetingRequest,
    MeetingSeat,
    Slot,
    Table,
    Unavailability,
)
from missions.models import Person


@dataclass(frozen=True)
class Placement:
    """Where a meeting goes: a slot, and a table number or online."""

    slot: Slot
    online: bool = False
    table_number: int | None = None


def accepted_request(a: B2BParticipant, b: B2BParticipant) -> MeetingRequest | None:
    return (
        MeetingRequest.objects.filter(state=MeetingRequest.State.ACCEPTED)
        .filter(Q(sender=a, recipient=b) | Q(sender=b, recipient=a))
        .first()
    )


def _check_mode(session: B2BSession, a: B2BParticipant, b: B2BParticipant, online: bool) -> None:
    if online:
        if not session.allows_online:
            raise NotAllowed(_("This session has no online meetings."), code="no_online")
        if not (a.meets_online() and b.meets_online()):
            raise NotAllowed(
                _("One of you meets in person only: choose a table."), code="mode_in_person_only"
            )
    else:
        if session.tables == 0:
            raise NotAllowed(_("This session has online meetings only."), code="online_only")
        if not (a.meets_in_person() and b.meets_in_person()):
            raise NotAllowed(
                _("One of you meets online only: choose an online meeting."),
                code="mode_online_only",
            )


def _check_slot(session: B2BSession, slot: Slot, *, future: bool = True) -> None:
    if slot.session_id != session.pk:
        raise Invalid(_("This slot is not in this session."), code="slot_outside_session")
    if future and slot.starts_at <= timezone.now():
        raise Invalid(_("This slot has already started."), code="slot_past")
    # Slots are generated within the event; the event may have moved since.
    check_within_event(slot.starts_at, slot.ends_at, session.event)


def limit_refusal(session: B2BSession, participant: B2BParticipant) -> NotAllowed | None:
    """The session's meetings per participant, counted from the active seats: refused
    when `participant` already has as many as it allows."""
    if session.max_meetings is None:
        return None
    if MeetingSeat.objects.filter(participant=participant, active=True).count() < (
        session.max_meetings
    ):
        return None
    return NotAllowed(
        ngettext(
            "%(name)s already has the one meeting this session allows.",
            "%(name)s already has the %(count)s meetings this session allows.",
            session.max_meetings,
        )
        % {"name": participant.organisation_name, "count": session.max_meetings},
        code="meeting_limit",
    )


def _recount_and_pick_table(
    session: B2BSession,
    a: B2BParticipant,
    b: B2BParticipant,
    placement: Placement,
    *,
    moving: Meeting | None = None,
) -> Table | None:
    """Inside the locks: refuse what the rows say is taken; return the table to use."""
    slot = placement.slot
    seats = MeetingSeat.objects.filter(slot=slot, active=True, participant__in=[a, b])
    if moving is not None:
        seats = seats.exclude(meeting=moving)
    busy = set(seats.values_list("participant_id", flat=True))
    if busy:
        who = a if a.pk in busy else b
        raise Conflict(
            _("%(name)s already has a meeting in this slot.") % {"name": who.organisation_name},
            code="slot_taken",
        )
    unavailable = set(
        Unavailability.objects.filter(slot=slot, participant__in=[a, b]).values_list(
            "participant_id", flat=True
        )
    )
    if unavailable:
        who = a if a.pk in unavailable else b
        raise Conflict(
            _("%(name)s is not available in this slot.") % {"name": who.organisation_name},
            code="slot_unavailable",
        )
    if moving is None:
        for participant in (a, b):
            refusal = limit_refusal(session, participant)
            if refusal is not None:
                raise refusal
    if placement.online:
        return None
    taken = Meeting.objects.filter(slot=slot, state=Meeting.State.BOOKED, table__isnull=False)
    if moving is not None:
        taken = taken.exclude(pk=moving.pk)
    tables = (
        Table.objects.filter(session=session)
        .exclude(pk__in=taken.values("table_id"))
        .order_by("number")
    )
    if placement.table_number is not None:
        tables = tables.filter(number=placement.table_number)
    table = tables.first()
    if table is None:
        raise Conflict(_("No table is left in this slot."), code="no_table")
    return table


def _video_url(session: B2BSession) -> str:
    base = session.video_base_url.rstrip("/")
    return f"{base}/primi-{session.pk}-{secrets.token_urlsafe(9)}"


def book_locked(
    session: B2BSession,
    a: B2BParticipant,
    b: B2BParticipant,
    placement: Placement,
    *,
    actor: Person | None,
    source: str = Meeting.Source.BOOKED,
    request: MeetingRequest | None = None,
    notify_sides: bool = True,
) -> Meeting:
    """Lock, recount and write one meeting between `a` (the one who books, or the
    request's sender) and `b`; the caller holds the transaction.

    `notify_sides=False` when the caller sends one agenda per person instead.
    """
    by, other = a, b  # refusals name the other side, whatever the ids
    a, b = sorted((a, b), key=lambda p: p.pk)
    check_within_event(placement.slot.starts_at, placement.slot.ends_at, session.event)
    lock_participants(a.pk, b.pk)
    ensure_still_in(a, b)
    lock_slots(placement.slot.pk)
    ensure_may_meet(session, by, other)  # who meets whom, and once, under the locks
    table = _recount_and_pick_table(session, a, b, placement)
    race_window()
    meeting = Meeting.objects.create(
        session=session,
        slot=placement.slot,
        table=table,
        participant_a=a,
        participant_b=b,
        request=request,
        source=source,
        online=placement.online,
        video_url=_video_url(session) if placement.online else "",
        booked_by=actor,
    )
    MeetingSeat.objects.bulk_create(
        MeetingSeat(meeting=meeting, participant=p, slot=placement.slot) for p in (a, b)
    )
    log(session, actor, "meeting-booked", meeting=meeting, slot=placement.slot.index, source=source)
    notify_partners("meeting.created", meeting, session)
    if notify_sides:
        notify(B2BNotification.Kind.MEETING_BOOKED, [a.person, b.person], meeting=meeting)
    return meeting


def check_may_book(
    session: B2BSession, by: B2BParticipant, other: B2BParticipant, *, online: bool
) -> MeetingRequest | None:
    """Everything but the slot itself that booking a meeting between `by` and `other`
    needs; raises the refusal, returns the accepted request (None with direct booking)."""
    ensure_open(session)
    ensure_may_meet(session, by, other)
    ensure_approved(by, other)
    _check_mode(session, by, other, online)
    request = accepted_request(by, other)
    if request is None and not session.direct_booking:
        raise NotAllowed(
            _("%(name)s has not accepted a meeting request from you yet.")
            % {"name": other.organisation_name},
            code="no_accepted_request",
        )
    for participant in (by, other):
        refusal = limit_refusal(session, participant)
        if refusal is not None:
            raise refusal
    return request


def booking_refusal(
    session: B2BSession, by: B2BParticipant, other: B2BParticipant, *, online: bool
) -> BookingError | None:
    """Why `by` cannot book any slot with `other` now, or None: the pages and the API
    offer slots only when this is None (the same checks `book_meeting` refuses with)."""
    try:
        check_may_book(session, by, other, online=online)
    except BookingError as refusal:
        return refusal
    return None


def book_meeting(
    by: B2BParticipant, other: B2BParticipant, slot: Slot, *, online: bool = False
) -> Meeting:
    """A participant books a slot with someone who accepted (or directly, where allowed)."""
    session = by.session
    request = check_may_book(session, by, other, online=online)
    _check_slot(session, slot)
    try:
        with transaction.atomic(durable=True):
            return book_locked(
                session, by, other, Placement(slot, online), actor=by.person, request=request
            )
    except IntegrityError as exc:
        # The constraints caught what the locks should have: same answer, nothing written.
        raise Conflict(_("This slot was just taken."), code="slot_taken") from exc


def _ensure_side(meeting: Meeting, by: B2BParticipant) -> None:
    if by.pk not in (meeting.participant_a_id, meeting.participant_b_id):
        raise NotAllowed(_("This meeting is not yours."), code="not_yours")


def reschedule_meeting(
    meeting: Meeting, by: B2BParticipant, slot: Slot, *, online: bool | None = None
) -> Meeting:
    """Either side moves the meeting to another slot where both are free."""
    _ensure_side(meeting, by)
    session = meeting.session
    ensure_open(session)
    _check_slot(session, slot)
    online = meeting.online if online is None else online
    a, b = meeting.participant_a, meeting.participant_b
    _check_mode(session, a, b, online)
    try:
        with transaction.atomic(durable=True):
            lock_participants(a.pk, b.pk)
            lock_slots(meeting.slot_id, slot.pk)
            meeting = Meeting.objects.select_related("slot", "table").get(pk=meeting.pk)
            if not meeting.is_active:
                raise Conflict(_("This meeting was cancelled."), code="meeting_cancelled")
            if meeting.slot_id == slot.pk and meeting.online == online:
                raise Invalid(_("The meeting is already in this slot."), code="same_slot")
            old_index = meeting.slot.index
            table = _recount_and_pick_table(session, a, b, Placement(slot, online), moving=meeting)
            meeting.slot, meeting.table = slot, table
            if online and not meeting.video_url:
                meeting.video_url = _video_url(session)
            meeting.online = online
            meeting.sequence += 1
            meeting.save(
                update_fields=["slot", "table", "online", "video_url", "sequence", "updated_at"]
            )
            MeetingSeat.objects.filter(meeting=meeting).update(slot=slot)
            log(
                session, by.person, "meeting-moved", meeting=meeting, slot=slot.index, was=old_index
            )
            notify(B2BNotification.Kind.MEETING_MOVED, [a.person, b.person], meeting=meeting)
            notify_partners("meeting.changed", meeting, session)
    except IntegrityError as exc:
        raise Conflict(_("This slot was just taken."), code="slot_taken") from exc
    return meeting


def cancel_locked(meeting: Meeting, actor: Person | None, reason: str = "") -> Meeting:
    meeting.state = Meeting.State.CANCELLED
    meeting.cancelled_by = actor
    meeting.cancel_reason = reason[:300]
    meeting.sequence += 1
    meeting.save(update_fields=["state", "cancelled_by", "cancel_reason", "sequence", "updated_at"])
    MeetingSeat.objects.filter(meeting=meeting).update(active=False)
    log(meeting.session, actor, "meeting-cancelled", meeting=meeting, reason=meeting.cancel_reason)
    notify_partners("meeting.cancelled", meeting, meeting.session)
    notify(
        B2BNotification.Kind.MEETING_CANCELLED,
        [meeting.participant_a.person, meeting.participant_b.person],
        meeting=meeting,
    )
    return meeting


def cancel_meeting(meeting: Meeting, by: B2BParticipant, reason: str = "") -> Meeting:
    """Either side cancels; the slot and table are free again."""
    _ensure_side(meeting, by)
    if meeting.session.status == B2BSession.Status.CLOSED:
        raise NotAllowed(_("This B2B session is closed."), code="session_closed")
    with transaction.atomic(durable=True):
        lock_participants(meeting.participant_a_id, meeting.participant_b_id)
        meeting = Meeting.objects.select_related(
            "session", "participant_a__person", "participant_b__person"
        ).get(pk=meeting.pk)
        if not meeting.is_active:
            raise Conflict(_("This meeting was already cancelled."), code="meeting_cancelled")
        return cancel_locked(meeting, by.person, reason)


def report_meeting(
    meeting: Meeting, by: B2BParticipant, *, took_place: bool, outcome: str, note: str = ""
) -> MeetingReport:
    """One side records whether the meeting took place and what came of it."""
    _ensure_side(meeting, by)
    if not meeting.is_active:
        raise Conflict(_("This meeting was cancelled."), code="meeting_cancelled")
    if meeting.slot.starts_at > timezone.now():
        raise Invalid(_("You can report on a meeting once it has started."), code="not_yet")
    if outcome not in MeetingReport.Outcome.values:
        raise Invalid(
            _("Unknown outcome “%(value)s”.") % {"value": outcome}, code="unknown_outcome"
        )
    if not took_place:
        outcome = MeetingReport.Outcome.NONE
    with transaction.atomic():
        report, _created = MeetingReport.objects.update_or_create(
            meeting=meeting,
            participant=by,
            defaults={"took_place": took_place, "outcome": outcome, "note": note[:2000]},
        )
        log(
            meeting.session,
            by.person,
            "meeting-reported",
            meeting=meeting,
            took_place=took_place,
            outcome=outcome,
        )
    return report
