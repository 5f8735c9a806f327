"""A `primi-b2b-solution/1` applied back as meetings, all of them or none (see
docs/scheduler-format.md): a `"meeting-<id>"` still booked stays in its slot or moves,
a `"request-<id>"` still accepted is booked at its slot and table (online without one).
`bookings.b2b.services.solver_io` writes the instance it answers.
"""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from bookings.b2b.services.common import log, notify_partners
from bookings.b2b.services.meetings import Placement, book_locked
from bookings.exceptions import Invalid
from bookings.models import B2BSession, Meeting, MeetingRequest, MeetingSeat, Slot
from missions.models import Person

SOLUTION_FORMAT = "primi-b2b-solution/1"

# An assignment of the solution: a booked meeting or an accepted request, the slot it
# goes to and the number of its table (None: online).
Move = tuple[Meeting, Slot, int | None]
Booking = tuple[MeetingRequest, Slot, int | None]


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
    assignments = _assignments_of(solution)
    slots = {slot.index: slot for slot in Slot.objects.filter(session=session)}
    kept, moves, bookings = _sort_assignments(session, assignments, slots)
    if moves:  # first, so that new meetings may take the places they leave
        _move_all(session, moves, staff)
    for request, slot, table in bookings:
        book_locked(
            session,
            request.sender,
            request.recipient,
            Placement(slot, online=table is None, table_number=table),
            actor=staff,
            source=Meeting.Source.SCHEDULER,
            request=request,
            notify_sides=notify_sides,
        )
    placed = len(bookings)
    log(session, staff, "solution-applied", placed=placed, kept=kept, moved=len(moves))
    return {
        "placed": placed,
        "kept": kept,
        "moved": len(moves),
        "unscheduled": len(solution.get("unscheduled") or []),
    }


def _assignments_of(solution) -> list:
    if not isinstance(solution, dict) or solution.get("format") != SOLUTION_FORMAT:
        raise _field_error("format")
    assignments = solution.get("assignments")
    if not isinstance(assignments, list):
        raise _field_error("assignments")
    return assignments


def _field_error(field: str) -> Invalid:
    return Invalid(
        _("The solution is not in the %(format)s format (field “%(field)s”).")
        % {"format": SOLUTION_FORMAT, "field": field},
        code="bad_solution",
    )


def _sort_assignments(
    session: B2BSession, assignments: list, slots: dict[int, Slot]
) -> tuple[int, list[Move], list[Booking]]:
    """The assignments as the booked meetings kept where they are (a count), those
    moved, and the accepted requests to book, each with its slot and table."""
    kept = 0
    moves, bookings = [], []
    for item in assignments:
        if not isinstance(item, dict) or "meeting" not in item or "slot" not in item:
            raise _field_error("assignments")
        meeting_id = str(item["meeting"])
        if meeting_id.startswith("meeting-"):
            if item["slot"] not in slots:
                raise _field_error("assignments")
            meeting = _still_booked(session, meeting_id)
            if _is_kept(meeting, item):
                kept += 1
            else:
                moves.append((meeting, slots[item["slot"]], item.get("table")))
            continue
        if not meeting_id.startswith("request-") or item["slot"] not in slots:
            raise _field_error("assignments")
        request = _still_accepted(session, meeting_id)
        bookings.append((request, slots[item["slot"]], item.get("table")))
    return kept, moves, bookings


def _still_booked(session: B2BSession, meeting_id: str) -> Meeting:
    meeting = (
        Meeting.objects.select_related("slot", "table")
        .filter(session=session, pk=meeting_id.removeprefix("meeting-"), state=Meeting.State.BOOKED)
        .first()
    )
    if meeting is None:
        raise Invalid(
            _("Meeting %(id)s of the solution is no longer booked.") % {"id": meeting_id},
            code="stale_solution",
        )
    return meeting


def _is_kept(meeting: Meeting, item: dict) -> bool:
    """Whether the assignment leaves the booked meeting in its slot and at its table."""
    number = meeting.table.number if meeting.table_id else None
    return meeting.slot.index == item["slot"] and number == item.get("table")


def _still_accepted(session: B2BSession, meeting_id: str) -> MeetingRequest:
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
    return request


def _move_all(session: B2BSession, moves: list[Move], staff) -> None:
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
