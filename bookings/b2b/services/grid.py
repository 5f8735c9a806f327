"""The slot grid of a session: blocks typed in local time become UTC slots.

A block's bounds are wall-clock times in the event's zone; a bound that does not
exist (the hour skipped in spring) or happens twice (the hour repeated in autumn)
is refused with a clear message. Slots are then laid out in UTC from the block's
start: each lasts `slot_minutes` of real time and is followed by `pause_minutes`.
A block that crosses a change of clocks (say 01:00–04:00 on the night of the
change) therefore keeps real durations: it has one hour less or more of slots,
and the local labels of its slots show the jump (01:40, 03:05). Slots are
numbered from 1 in time order across blocks and days; the pause between two
blocks is not a slot.
"""

import itertools
import logging
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from bookings.exceptions import Conflict, Invalid
from bookings.models import B2BBlock, B2BSession, Meeting, Slot, Table, Unavailability
from events.models import Event
from primi_site.formatting import describe_when
from primi_site.timezones import local_to_utc

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class BlockSpec:
    day: date
    starts: time
    ends: time
    key: object = None


@dataclass(frozen=True)
class PlannedSlot:
    index: int
    starts_at: datetime
    ends_at: datetime
    block: object


def _utc(day: date, clock: time, zone_name: str) -> datetime:
    try:
        return local_to_utc(datetime.combine(day, clock), zone_name)
    except ValidationError as exc:
        raise Invalid(" ".join(exc.messages), code=exc.error_list[0].code) from exc


def _span(start: datetime, end: datetime, zone_name: str) -> str:
    """ "Saturday 28 March 2027, 09:00–12:30 (Paris time)" in the active language."""
    moment = describe_when(
        starts_at=start, ends_at=end, zone_name=zone_name, viewer_zone=zone_name
    ).local
    return f"{moment.day}, {moment.clock} ({moment.zone})"


def within_event(start: datetime, end: datetime, event: Event | None) -> bool:
    """Whether a block or slot (UTC bounds) lies within the event."""
    return event is None or (event.starts_at <= start and end <= event.ends_at)


def check_within_event(start: datetime, end: datetime, event: Event | None) -> None:
    """Refuse a block or slot (UTC bounds) that does not lie within the event."""
    if within_event(start, end, event):
        return
    raise Invalid(
        _("%(block)s lies outside the event, which runs %(event)s.")
        % {
            "block": _span(start, end, event.time_zone),
            "event": _span(event.starts_at, event.ends_at, event.time_zone),
        },
        code="outside_event",
    )


def check_block(day: date, starts: time, ends: time, event: Event) -> None:
    """One block as typed (a form, the admin): real local times, in order, within the event."""
    start, end = _utc(day, starts, event.time_zone), _utc(day, ends, event.time_zone)
    if end <= start:
        raise Invalid(
            _("The block of %(day)s ends before it starts.") % {"day": day.isoformat()},
            code="block_order",
        )
    check_within_event(start, end, event)


def plan_slots(
    blocks: list[BlockSpec],
    zone_name: str,
    slot_minutes: int,
    pause_minutes: int,
    *,
    event: Event | None = None,
) -> list[PlannedSlot]:
    """The slots of `blocks` in time order (a pure function, tested on DST days); with an
    `event`, every block must lie within its start and end."""
    if slot_minutes <= 0:
        raise Invalid(_("A slot lasts at least one minute."), code="slot_length")
    length, pause = timedelta(minutes=slot_minutes), timedelta(minutes=pause_minutes)
    spans = []
    for block in blocks:
        start, end = (
            _utc(block.day, block.starts, zone_name),
            _utc(block.day, block.ends, zone_name),
        )
        if end <= start:
            raise Invalid(
                _("The block of %(day)s ends before it starts.") % {"day": block.day.isoformat()},
                code="block_order",
            )
        check_within_event(start, end, event)
        spans.append((start, end, block))
    spans.sort(key=lambda span: span[0])
    for (_s1, end1, _b1), (start2, _e2, second) in itertools.pairwise(spans):
        if start2 < end1:
            raise Invalid(
                _("Two blocks overlap on %(day)s.") % {"day": second.day.isoformat()},
                code="blocks_overlap",
            )
    planned: list[PlannedSlot] = []
    for start, end, block in spans:
        cursor = start
        while cursor + length <= end:
            planned.append(PlannedSlot(len(planned) + 1, cursor, cursor + length, block.key))
            cursor += length + pause
    return planned


def generate_slots(session: B2BSession) -> int:
    """(Re)build the slots and tables of a session from its blocks; returns the slot count.

    Refused once a meeting is booked or a slot marked unavailable, since those
    hold slots.
    """
    with transaction.atomic():
        session = B2BSession.objects.select_for_update().select_related("event").get(pk=session.pk)
        in_use = (
            Meeting.objects.filter(session=session).exists()
            or Unavailability.objects.filter(slot__session=session).exists()
        )
        if in_use:
            raise Conflict(
                _(
                    "The slots of this session are in use (meetings or unavailable slots): "
                    "they can no longer be generated again."
                ),
                code="slots_in_use",
            )
        blocks = list(B2BBlock.objects.filter(session=session))
        specs = [BlockSpec(b.day, b.starts, b.ends, b) for b in blocks]
        planned = plan_slots(
            specs,
            session.event.time_zone,
            session.slot_minutes,
            session.pause_minutes,
            event=session.event,
        )
        Slot.objects.filter(session=session).delete()
        Slot.objects.bulk_create(
            Slot(
                session=session,
                block=slot.block,
                index=slot.index,
                starts_at=slot.starts_at,
                ends_at=slot.ends_at,
            )
            for slot in planned
        )
        sync_tables(session)
    logger.info("b2b session %s: %s slots generated", session.pk, len(planned))
    return len(planned)


def sync_tables(session: B2BSession) -> None:
    """Table rows 1..session.tables (unused extra rows are removed)."""
    existing = set(Table.objects.filter(session=session).values_list("number", flat=True))
    Table.objects.bulk_create(
        Table(session=session, number=n) for n in range(1, session.tables + 1) if n not in existing
    )
    Table.objects.filter(session=session, number__gt=session.tables, meetings=None).delete()
