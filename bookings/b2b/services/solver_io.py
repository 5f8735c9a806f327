"""A session as a `primi-b2b/1` instance for the scheduler, and a
`primi-b2b-solution/1` applied back as meetings (see shared b2b/FORMAT.md).

Ids: participants are their `B2BParticipant` ids; a meeting still to place is
`"request-<id>"` (an accepted request without a meeting), a meeting already booked
is `"meeting-<id>"` and comes as fixed in its slot. Blocks are the instance's
sessions, named by their name or "<day> <start>". The instance holds every rule that
publishing checks (see docs/scheduler-format.md).
"""

from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from bookings.b2b.services.common import log, notify_partners, partner_sides
from bookings.b2b.services.grid import within_event
from bookings.b2b.services.meetings import Placement, book_locked
from bookings.exceptions import Invalid
from bookings.models import (
    B2BBlock,
    B2BParticipant,
    B2BSession,
    Meeting,
    MeetingRequest,
    MeetingSeat,
    Slot,
    Unavailability,
)
from missions.models import Person

INSTANCE_FORMAT = "primi-b2b/1"
SOLUTION_FORMAT = "primi-b2b-solution/1"


def block_name(block: B2BBlock) -> str:
    return block.name or f"{block.day.isoformat()} {block.starts:%H:%M}"


def _online_only(a: B2BParticipant, b: B2BParticipant) -> bool:
    return not (a.meets_in_person() and b.meets_in_person())


@dataclass
class Export:
    """A session as an instance, and the accepted requests left out of it before solving
    (each with the participants, a `code` and a `reason`, as the solver's unscheduled)."""

    instance: dict
    excluded: list[dict] = field(default_factory=list)


def session_to_instance(session: B2BSession, *, movable: bool = False) -> dict:
    """The session as an instance (see `session_export`)."""
    return session_export(session, movable=movable).instance


def session_export(session: B2BSession, *, movable: bool = False) -> Export:
    """The session as an instance that holds every rule publishing checks, so that what
    the scheduler places can be booked: the meeting limit (less the meetings a person
    holds outside the instance), availability (unavailable slots, slots taken by meetings
    outside the instance, slots outside the event's dates), and who meets whom (a request
    the pairing rule forbids is left out, with its reason; a pair meets once).

    Booked meetings come as fixed; with `movable`, those the scheduler placed come unfixed
    (their slots are then given as `previous`)."""
    event = session.event
    slots = list(Slot.objects.filter(session=session).select_related("block").order_by("index"))
    index_of = {slot.pk: slot.index for slot in slots}
    sessions: dict[str, list[int]] = {}
    for slot in slots:
        name = block_name(slot.block)
        first_last = sessions.setdefault(name, [slot.index, slot.index])
        first_last[1] = slot.index
    outside_event = {
        slot.index for slot in slots if not within_event(slot.starts_at, slot.ends_at, event)
    }
    participants = list(
        B2BParticipant.objects.filter(
            session=session, status=B2BParticipant.Status.APPROVED
        ).order_by("pk")
    )
    by_id = {p.pk: p for p in participants}
    forbidden: dict[int, set[int]] = {p.pk: set() for p in participants}
    for participant_id, slot_id in Unavailability.objects.filter(
        participant__session=session
    ).values_list("participant_id", "slot_id"):
        if participant_id in forbidden:
            forbidden[participant_id].add(index_of[slot_id])
    meetings = []
    booked = [
        m
        for m in Meeting.objects.filter(session=session, state=Meeting.State.BOOKED).order_by("pk")
        if m.participant_a_id in by_id and m.participant_b_id in by_id
    ]
    met = set()
    fixed_at: dict[int, set[int]] = {p.pk: set() for p in participants}
    holds: dict[int, int] = dict.fromkeys(by_id, 0)  # booked meetings in the instance
    for meeting in booked:
        met.add((meeting.participant_a_id, meeting.participant_b_id))
        holds[meeting.participant_a_id] += 1
        holds[meeting.participant_b_id] += 1
        fixed = not (movable and meeting.source == Meeting.Source.SCHEDULER)
        if fixed:
            for pk in (meeting.participant_a_id, meeting.participant_b_id):
                fixed_at[pk].add(index_of[meeting.slot_id])
        meetings.append(
            {
                "id": f"meeting-{meeting.pk}",
                "participants": [meeting.participant_a_id, meeting.participant_b_id],
                "session": None,
                "fixed": index_of[meeting.slot_id] if fixed else None,
                "after": [],
                "online": meeting.online,
            }
        )
    # Seats held in meetings outside the instance (the other side no longer approved):
    # they take the person's slot and count towards their limit.
    held_outside: dict[int, int] = dict.fromkeys(by_id, 0)
    for participant_id, slot_id in (
        MeetingSeat.objects.filter(participant__in=participants, active=True)
        .exclude(meeting__in=booked)
        .values_list("participant_id", "slot_id")
    ):
        held_outside[participant_id] += 1
        forbidden[participant_id].add(index_of[slot_id])
    for pk, taken in forbidden.items():
        # Never where the person's fixed meetings already are: those stay as they are,
        # and the person is busy there anyway.
        forbidden[pk] = (taken | outside_event) - fixed_at[pk]
    excluded = []
    for request in MeetingRequest.objects.filter(
        session=session, state=MeetingRequest.State.ACCEPTED
    ).order_by("pk"):
        pair = tuple(sorted((request.sender_id, request.recipient_id)))
        if pair in met or pair[0] not in by_id or pair[1] not in by_id:
            continue
        met.add(pair)
        sender, recipient = by_id[request.sender_id], by_id[request.recipient_id]
        sides = partner_sides(session, sender)
        if sides is not None and recipient.side not in sides:
            excluded.append(
                {
                    "meeting": f"request-{request.pk}",
                    "participants": list(pair),
                    "code": "pairing_not_allowed",
                    "reason": f"participants {pair[0]} and {pair[1]} may not meet under "
                    "the session's pairing rule",
                }
            )
            continue
        meetings.append(
            {
                "id": f"request-{request.pk}",
                "participants": list(pair),
                "session": None,
                "fixed": None,
                "after": [],
                "online": _online_only(by_id[pair[0]], by_id[pair[1]]) or session.tables == 0,
            }
        )
    rows = []
    for p in participants:
        row = {"id": p.pk, "forbidden": sorted(forbidden[p.pk])}
        if session.max_meetings is not None:
            # The meetings held outside the instance count; booked ones are never taken
            # back by publishing (a limit lowered since keeps them, and allows no more).
            left = session.max_meetings - held_outside[p.pk]
            row["max_meetings"] = max(0, left, holds[p.pk])
        rows.append(row)
    instance = {
        "format": INSTANCE_FORMAT,
        "name": event.slug,
        "slots": len(slots),
        "sessions": sessions,
        "tables": session.tables,
        "fairness": session.fairness,
        "participants": rows,
        "meetings": meetings,
    }
    return Export(instance, excluded)


def booked_assignments(session: B2BSession) -> list[dict]:
    """The booked meetings as the solver's `previous` assignments: a meeting that stays
    in its slot keeps its table, and moves (when allowed) are counted against these."""
    return [
        {"meeting": f"meeting-{pk}", "slot": index, "table": number}
        for pk, index, number in Meeting.objects.filter(session=session, state=Meeting.State.BOOKED)
        .order_by("pk")
        .values_list("pk", "slot__index", "table__number")
    ]


def _move_all(session: B2BSession, moves: list[tuple[Meeting, Slot, int | None]], staff) -> None:
    """Move published meetings to their new slots and tables, inside the caller's transaction.

    In two passes, so that two meetings may swap: first every moving meeting leaves its
    place (seats inactive, state set aside), then each takes its new one; the
    constraints check the end state of each row.
    """
    from bookings.b2b.services.grid import check_within_event
    from bookings.models import Table

    for _meeting, slot, _table in moves:
        check_within_event(slot.starts_at, slot.ends_at, session.event)
    tables = {t.number: t for t in Table.objects.filter(session=session)}
    ids = [meeting.pk for meeting, _slot, _table in moves]
    MeetingSeat.objects.filter(meeting_id__in=ids).update(active=False)
    Meeting.objects.filter(pk__in=ids).update(state=Meeting.State.CANCELLED)
    for meeting, slot, number in moves:
        old = meeting.slot.index
        meeting.slot = slot
        meeting.table = tables.get(number) if number is not None else None
        meeting.online = number is None
        if meeting.online and not meeting.video_url and session.video_base_url:
            from bookings.b2b.services.meetings import _video_url

            meeting.video_url = _video_url(session)
        meeting.state = Meeting.State.BOOKED
        meeting.sequence += 1
        meeting.save(
            update_fields=[
                "slot",
                "table",
                "online",
                "video_url",
                "state",
                "sequence",
                "updated_at",
            ]
        )
        MeetingSeat.objects.filter(meeting=meeting).update(slot=slot, active=True)
        log(session, staff, "meeting-moved", meeting=meeting, slot=slot.index, was=old)
        notify_partners("meeting.changed", meeting, session)


def _field_error(field: str) -> Invalid:
    return Invalid(
        _("The solution is not in the %(format)s format (field “%(field)s”).")
        % {"format": SOLUTION_FORMAT, "field": field},
        code="bad_solution",
    )


def apply_solution(
    session: B2BSession, solution: dict, staff: Person | None, *, notify_sides: bool = True
) -> dict:
    """Book the solution's new meetings in one transaction: all of them or none.

    Booked meetings (`meeting-<id>`) stay where they are unless the solution moves them
    (a reschedule with moves allowed). `notify_sides=False`: no email per meeting (the
    caller sends each person's agenda). Returns counts.
    """
    try:
        with transaction.atomic(durable=True):
            return apply_locked(session, solution, staff, notify_sides=notify_sides)
    except IntegrityError as exc:
        raise Invalid(
            _("The solution double-books a person or a table."), code="bad_solution"
        ) from exc


def apply_locked(
    session: B2BSession, solution: dict, staff: Person | None, *, notify_sides: bool = True
) -> dict:
    """`apply_solution` inside the caller's transaction (which handles IntegrityError)."""
    if not isinstance(solution, dict) or solution.get("format") != SOLUTION_FORMAT:
        raise _field_error("format")
    assignments = solution.get("assignments")
    if not isinstance(assignments, list):
        raise _field_error("assignments")
    slots = {slot.index: slot for slot in Slot.objects.filter(session=session)}
    placed = kept = 0
    moves: list[tuple[Meeting, Slot, int | None]] = []
    bookings: list[tuple[MeetingRequest, dict]] = []
    for item in assignments:
        if not isinstance(item, dict) or "meeting" not in item or "slot" not in item:
            raise _field_error("assignments")
        meeting_id = str(item["meeting"])
        if meeting_id.startswith("meeting-"):
            if item["slot"] not in slots:
                raise _field_error("assignments")
            meeting = (
                Meeting.objects.select_related("slot", "table")
                .filter(
                    session=session,
                    pk=meeting_id.removeprefix("meeting-"),
                    state=Meeting.State.BOOKED,
                )
                .first()
            )
            if meeting is None:
                raise Invalid(
                    _("Meeting %(id)s of the solution is no longer booked.") % {"id": meeting_id},
                    code="stale_solution",
                )
            table = item.get("table")
            number = meeting.table.number if meeting.table_id else None
            if meeting.slot.index != item["slot"] or number != table:
                moves.append((meeting, slots[item["slot"]], table))
            else:
                kept += 1
            continue
        if not meeting_id.startswith("request-") or item["slot"] not in slots:
            raise _field_error("assignments")
        request = (
            MeetingRequest.objects.select_related("sender", "recipient")
            .filter(
                session=session,
                pk=meeting_id.removeprefix("request-"),
                state=MeetingRequest.State.ACCEPTED,
            )
            .first()
        )
        if request is None:
            raise Invalid(
                _("Meeting %(id)s of the solution is no longer an accepted request.")
                % {"id": meeting_id},
                code="stale_solution",
            )
        bookings.append((request, item))
    if moves:  # first, so that new meetings may take the places they leave
        _move_all(session, moves, staff)
    for request, item in bookings:
        table = item.get("table")
        book_locked(
            session,
            request.sender,
            request.recipient,
            Placement(slots[item["slot"]], online=table is None, table_number=table),
            actor=staff,
            source=Meeting.Source.SCHEDULER,
            request=request,
            notify_sides=notify_sides,
        )
        placed += 1
    log(session, staff, "solution-applied", placed=placed, kept=kept, moved=len(moves))
    return {
        "placed": placed,
        "kept": kept,
        "moved": len(moves),
        "unscheduled": len(solution.get("unscheduled") or []),
    }
