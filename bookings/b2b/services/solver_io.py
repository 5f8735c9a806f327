"""A session as a `primi-b2b/1` instance for the scheduler (see shared b2b/FORMAT.md);
its `primi-b2b-solution/1` is applied back as meetings by `solutions`.

Ids: participants are their `B2BParticipant` ids; a meeting still to place is
`"request-<id>"` (an accepted request without a meeting), a meeting already booked
is `"meeting-<id>"` and comes as fixed in its slot. Blocks are the instance's
sessions, named by their name or "<day> <start>". The instance holds every rule that
publishing checks (see docs/scheduler-format.md).
"""

from collections import Counter
from dataclasses import dataclass, field

from bookings.b2b.services.common import partner_sides
from bookings.b2b.services.grid import within_event

# Applying a solution lives in `solutions`; its names stay importable from here.
from bookings.b2b.services.solutions import (  # noqa: F401
    SOLUTION_FORMAT,
    apply_locked,
    apply_solution,
)
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

INSTANCE_FORMAT = "primi-b2b/1"


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
    grid = _grid(session)
    by_id = {p.pk: p for p in _approved(session)}
    unavailable = _unavailable(session, by_id, grid)
    booked = _booked_between(session, by_id)
    fixed = [meeting for meeting in booked if _stays_fixed(meeting, movable)]
    seats_outside = _seats_outside(by_id, booked, grid)
    forbidden = _forbidden(unavailable, seats_outside, grid, _fixed_slots(fixed, by_id, grid))
    held_outside = Counter(pk for pk, _index in seats_outside)
    holds = _meetings_held(booked, by_id)
    rows = [
        _participant_row(session, pk, forbidden[pk], held_outside[pk], holds[pk]) for pk in by_id
    ]
    met = {(meeting.participant_a_id, meeting.participant_b_id) for meeting in booked}
    to_place, excluded = _requests_to_place(session, by_id, met)
    meetings = [_booked_entry(m, grid, fixed=_stays_fixed(m, movable)) for m in booked]
    instance = {
        "format": INSTANCE_FORMAT,
        "name": session.event.slug,
        "slots": grid.slots,
        "sessions": grid.blocks,
        "tables": session.tables,
        "fairness": session.fairness,
        "participants": rows,
        "meetings": meetings + to_place,
    }
    return Export(instance, excluded)


@dataclass
class _Grid:
    """The session's slots: each one's index by its id, the blocks as `[first, last]`
    indexes by name, and the indexes outside the event's dates."""

    slots: int
    index_of: dict[int, int]
    blocks: dict[str, list[int]]
    outside_event: set[int]


def _grid(session: B2BSession) -> _Grid:
    event = session.event
    slots = list(Slot.objects.filter(session=session).select_related("block").order_by("index"))
    blocks: dict[str, list[int]] = {}
    for slot in slots:
        first_last = blocks.setdefault(block_name(slot.block), [slot.index, slot.index])
        first_last[1] = slot.index
    outside_event = {
        slot.index for slot in slots if not within_event(slot.starts_at, slot.ends_at, event)
    }
    return _Grid(len(slots), {slot.pk: slot.index for slot in slots}, blocks, outside_event)


def _approved(session: B2BSession) -> list[B2BParticipant]:
    return list(
        B2BParticipant.objects.filter(
            session=session, status=B2BParticipant.Status.APPROVED
        ).order_by("pk")
    )


def _unavailable(session: B2BSession, by_id: dict, grid: _Grid) -> dict[int, set[int]]:
    """The slot indexes each approved participant marked unavailable."""
    unavailable: dict[int, set[int]] = {pk: set() for pk in by_id}
    for participant_id, slot_id in Unavailability.objects.filter(
        participant__session=session
    ).values_list("participant_id", "slot_id"):
        if participant_id in unavailable:
            unavailable[participant_id].add(grid.index_of[slot_id])
    return unavailable


def _booked_between(session: B2BSession, by_id: dict) -> list[Meeting]:
    """The booked meetings between two approved participants: the instance's."""
    return [
        m
        for m in Meeting.objects.filter(session=session, state=Meeting.State.BOOKED).order_by("pk")
        if m.participant_a_id in by_id and m.participant_b_id in by_id
    ]


def _stays_fixed(meeting: Meeting, movable: bool) -> bool:
    return not (movable and meeting.source == Meeting.Source.SCHEDULER)


def _fixed_slots(fixed: list[Meeting], by_id: dict, grid: _Grid) -> dict[int, set[int]]:
    """The slot indexes where each participant has a fixed meeting."""
    fixed_at: dict[int, set[int]] = {pk: set() for pk in by_id}
    for meeting in fixed:
        for pk in (meeting.participant_a_id, meeting.participant_b_id):
            fixed_at[pk].add(grid.index_of[meeting.slot_id])
    return fixed_at


def _meetings_held(booked: list[Meeting], by_id: dict) -> dict[int, int]:
    """How many of the instance's booked meetings each participant holds."""
    holds: dict[int, int] = dict.fromkeys(by_id, 0)
    for meeting in booked:
        holds[meeting.participant_a_id] += 1
        holds[meeting.participant_b_id] += 1
    return holds


def _seats_outside(by_id: dict, booked: list[Meeting], grid: _Grid) -> list[tuple[int, int]]:
    """The seats held in meetings outside the instance (the other side no longer
    approved), as (participant, slot index): they take the person's slot and count
    towards their limit."""
    return [
        (participant_id, grid.index_of[slot_id])
        for participant_id, slot_id in MeetingSeat.objects.filter(
            participant__in=list(by_id.values()), active=True
        )
        .exclude(meeting__in=booked)
        .values_list("participant_id", "slot_id")
    ]


def _forbidden(
    unavailable: dict[int, set[int]],
    seats_outside: list[tuple[int, int]],
    grid: _Grid,
    fixed_at: dict[int, set[int]],
) -> dict[int, set[int]]:
    """Where each participant cannot meet: unavailable, seated outside the instance or
    outside the event's dates, but never where the person's fixed meetings already are
    (those stay as they are, and the person is busy there anyway)."""
    busy = {pk: set(taken) for pk, taken in unavailable.items()}
    for pk, index in seats_outside:
        busy[pk].add(index)
    return {pk: (taken | grid.outside_event) - fixed_at[pk] for pk, taken in busy.items()}


def _booked_entry(meeting: Meeting, grid: _Grid, *, fixed: bool) -> dict:
    return {
        "id": f"meeting-{meeting.pk}",
        "participants": [meeting.participant_a_id, meeting.participant_b_id],
        "session": None,
        "fixed": grid.index_of[meeting.slot_id] if fixed else None,
        "after": [],
        "online": meeting.online,
    }


def _requests_to_place(
    session: B2BSession, by_id: dict, met: set[tuple[int, int]]
) -> tuple[list[dict], list[dict]]:
    """The accepted requests between approved participants not yet met, once per pair:
    the meetings to place, and those the pairing rule leaves out."""
    met = set(met)
    to_place, excluded = [], []
    for request in MeetingRequest.objects.filter(
        session=session, state=MeetingRequest.State.ACCEPTED
    ).order_by("pk"):
        pair = tuple(sorted((request.sender_id, request.recipient_id)))
        if pair in met or pair[0] not in by_id or pair[1] not in by_id:
            continue
        met.add(pair)
        sides = partner_sides(session, by_id[request.sender_id])
        if sides is not None and by_id[request.recipient_id].side not in sides:
            excluded.append(_pairing_exclusion(request, pair))
        else:
            to_place.append(_request_entry(session, request, pair, by_id))
    return to_place, excluded


def _pairing_exclusion(request: MeetingRequest, pair: tuple[int, int]) -> dict:
    return {
        "meeting": f"request-{request.pk}",
        "participants": list(pair),
        "code": "pairing_not_allowed",
        "reason": f"participants {pair[0]} and {pair[1]} may not meet under "
        "the session's pairing rule",
    }


def _request_entry(
    session: B2BSession, request: MeetingRequest, pair: tuple[int, int], by_id: dict
) -> dict:
    return {
        "id": f"request-{request.pk}",
        "participants": list(pair),
        "session": None,
        "fixed": None,
        "after": [],
        "online": _online_only(by_id[pair[0]], by_id[pair[1]]) or session.tables == 0,
    }


def _participant_row(
    session: B2BSession, pk: int, forbidden: set[int], held_outside: int, holds: int
) -> dict:
    row = {"id": pk, "forbidden": sorted(forbidden)}
    if session.max_meetings is not None:
        # The meetings held outside the instance count; booked ones are never taken
        # back by publishing (a limit lowered since keeps them, and allows no more).
        row["max_meetings"] = max(0, session.max_meetings - held_outside, holds)
    return row


def booked_assignments(session: B2BSession) -> list[dict]:
    """The booked meetings as the solver's `previous` assignments: a meeting that stays
    in its slot keeps its table, and moves (when allowed) are counted against these."""
    return [
        {"meeting": f"meeting-{pk}", "slot": index, "table": number}
        for pk, index, number in Meeting.objects.filter(session=session, state=Meeting.State.BOOKED)
        .order_by("pk")
        .values_list("pk", "slot__index", "table__number")
    ]
