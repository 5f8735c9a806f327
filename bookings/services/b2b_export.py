"""A session as a `primi-b2b/1` instance for the scheduler, and a
`primi-b2b-solution/1` applied back as meetings (see shared b2b/FORMAT.md).

Ids: participants are their `B2BParticipant` ids; a meeting still to place is
`"request-<id>"` (an accepted request without a meeting), a meeting already booked
is `"meeting-<id>"` and comes as fixed in its slot. Blocks are the instance's
sessions, named by their name or "<day> <start>".
"""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from bookings.exceptions import Invalid
from bookings.models import (
    B2BBlock,
    B2BParticipant,
    B2BSession,
    Meeting,
    MeetingRequest,
    Slot,
    Unavailability,
)
from bookings.services.b2b.common import log
from bookings.services.b2b.meetings import Placement, book_locked
from missions.models import Person

INSTANCE_FORMAT = "primi-b2b/1"
SOLUTION_FORMAT = "primi-b2b-solution/1"


def block_name(block: B2BBlock) -> str:
    return block.name or f"{block.day.isoformat()} {block.starts:%H:%M}"


def _online_only(a: B2BParticipant, b: B2BParticipant) -> bool:
    return not (a.meets_in_person() and b.meets_in_person())


def session_to_instance(session: B2BSession) -> dict:
    slots = list(Slot.objects.filter(session=session).select_related("block").order_by("index"))
    index_of = {slot.pk: slot.index for slot in slots}
    sessions: dict[str, list[int]] = {}
    for slot in slots:
        name = block_name(slot.block)
        first_last = sessions.setdefault(name, [slot.index, slot.index])
        first_last[1] = slot.index
    participants = list(
        B2BParticipant.objects.filter(
            session=session, status=B2BParticipant.Status.APPROVED
        ).order_by("pk")
    )
    by_id = {p.pk: p for p in participants}
    forbidden: dict[int, list[int]] = {p.pk: [] for p in participants}
    for participant_id, slot_id in Unavailability.objects.filter(
        participant__session=session
    ).values_list("participant_id", "slot_id"):
        if participant_id in forbidden:
            forbidden[participant_id].append(index_of[slot_id])
    meetings = []
    booked = list(
        Meeting.objects.filter(session=session, state=Meeting.State.BOOKED).order_by("pk")
    )
    met = set()
    for meeting in booked:
        met.add((meeting.participant_a_id, meeting.participant_b_id))
        meetings.append(
            {
                "id": f"meeting-{meeting.pk}",
                "participants": [meeting.participant_a_id, meeting.participant_b_id],
                "session": None,
                "fixed": index_of[meeting.slot_id],
                "after": [],
                "online": meeting.online,
            }
        )
    for request in MeetingRequest.objects.filter(
        session=session, state=MeetingRequest.State.ACCEPTED
    ).order_by("pk"):
        pair = tuple(sorted((request.sender_id, request.recipient_id)))
        if pair in met or pair[0] not in by_id or pair[1] not in by_id:
            continue
        met.add(pair)
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
    return {
        "format": INSTANCE_FORMAT,
        "name": session.event.slug,
        "slots": len(slots),
        "sessions": sessions,
        "tables": session.tables,
        "fairness": session.fairness,
        "participants": [{"id": p.pk, "forbidden": sorted(forbidden[p.pk])} for p in participants],
        "meetings": meetings,
    }


def _field_error(field: str) -> Invalid:
    return Invalid(
        _("The solution is not in the %(format)s format (field “%(field)s”).")
        % {"format": SOLUTION_FORMAT, "field": field},
        code="bad_solution",
    )


def apply_solution(session: B2BSession, solution: dict, staff: Person | None) -> dict:
    """Book the solution's new meetings in one transaction: all of them or none.

    Fixed meetings (`meeting-<id>`) are left as they are. Returns counts.
    """
    if not isinstance(solution, dict) or solution.get("format") != SOLUTION_FORMAT:
        raise _field_error("format")
    assignments = solution.get("assignments")
    if not isinstance(assignments, list):
        raise _field_error("assignments")
    slots = {slot.index: slot for slot in Slot.objects.filter(session=session)}
    placed = kept = 0
    try:
        with transaction.atomic(durable=True):
            for item in assignments:
                if not isinstance(item, dict) or "meeting" not in item or "slot" not in item:
                    raise _field_error("assignments")
                meeting_id = str(item["meeting"])
                if meeting_id.startswith("meeting-"):
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
                table = item.get("table")
                book_locked(
                    session,
                    request.sender,
                    request.recipient,
                    Placement(slots[item["slot"]], online=table is None, table_number=table),
                    actor=staff,
                    source=Meeting.Source.SCHEDULER,
                    request=request,
                )
                placed += 1
            log(session, staff, "solution-applied", placed=placed, kept=kept)
    except IntegrityError as exc:
        raise Invalid(
            _("The solution double-books a person or a table."), code="bad_solution"
        ) from exc
    return {"placed": placed, "kept": kept, "unscheduled": len(solution.get("unscheduled") or [])}
