"""Reads of scheduler runs for the staff pages and the API: the proposed grid, the
proposed agendas and the unscheduled meetings with their reasons, drawn from a run's
solution without writing any meeting."""

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from bookings.b2b.queries.sessions import GridDay, GridRow
from bookings.models import B2BParticipant, ScheduleRun, Slot, Table
from primi_site.timezones import zone


@dataclass(frozen=True)
class Proposed:
    """A meeting of the solution, shaped like a `Meeting` for the grid and agendas."""

    key: str
    slot: Slot
    table: int | None
    participant_a: B2BParticipant
    participant_b: B2BParticipant

    @property
    def online(self) -> bool:
        return self.table is None

    def other(self, participant: B2BParticipant) -> B2BParticipant:
        return self.participant_b if participant.pk == self.participant_a.pk else self.participant_a


@dataclass
class Preview:
    meetings: list[Proposed]
    participants: dict[int, B2BParticipant]
    slots: dict[int, Slot]

    def agendas(self) -> list[tuple[B2BParticipant, list[tuple[Proposed, B2BParticipant]]]]:
        """Each participant with their proposed meetings in time order, and the other side."""
        by_person: dict[int, list[Proposed]] = defaultdict(list)
        for meeting in self.meetings:
            by_person[meeting.participant_a.pk].append(meeting)
            by_person[meeting.participant_b.pk].append(meeting)
        return [
            (
                p,
                [
                    (m, m.other(p))
                    for m in sorted(by_person.get(p.pk, []), key=lambda m: m.slot.index)
                ],
            )
            for p in sorted(self.participants.values(), key=lambda p: p.organisation_name)
        ]


def runs_query(session) -> QuerySet[ScheduleRun]:
    """The session's runs, the latest first (the solution and instance left out)."""
    return (
        ScheduleRun.objects.filter(session=session)
        .select_related("requested_by", "decided_by")
        .defer("instance", "solution")
        .order_by("-created_at", "-pk")
    )


def runs_of(session) -> list[ScheduleRun]:
    return list(runs_query(session)[:20])


def preview(run: ScheduleRun) -> Preview:
    """The run's proposed meetings (fixed ones included), in slot and table order."""
    session = run.session
    participants = {p.pk: p for p in B2BParticipant.objects.filter(session=session)}
    slots = {
        s.index: s for s in Slot.objects.filter(session=session).select_related("session__event")
    }
    pairs = {m["id"]: m["participants"] for m in (run.instance or {}).get("meetings", [])}
    meetings = []
    for item in (run.solution or {}).get("assignments", []):
        pair = pairs.get(item["meeting"])
        if pair is None or item["slot"] not in slots:
            continue
        a, b = sorted(pair)
        if a not in participants or b not in participants:
            continue
        meetings.append(
            Proposed(
                item["meeting"],
                slots[item["slot"]],
                item["table"],
                participants[a],
                participants[b],
            )
        )
    meetings.sort(key=lambda m: (m.slot.index, m.table or 0, m.key))
    return Preview(meetings, participants, slots)


def proposed_grid(run: ScheduleRun, result: Preview) -> list[GridDay]:
    """The same `GridDay`s as the live grid, filled with the proposed meetings."""
    tz = zone(run.session.event.time_zone)
    tables = list(Table.objects.filter(session=run.session).order_by("number"))
    by_cell = {(m.slot.pk, m.table): m for m in result.meetings if m.table is not None}
    online = defaultdict(list)
    for meeting in result.meetings:
        if meeting.table is None:
            online[meeting.slot.pk].append(meeting)
    days = defaultdict(list)
    for slot in sorted(result.slots.values(), key=lambda s: s.index):
        days[slot.starts_at.astimezone(tz).date()].append(slot)
    return [
        GridDay(
            day,
            day_slots,
            [
                GridRow(
                    label=table.label or str(table.number),
                    cells=[by_cell.get((slot.pk, table.number)) for slot in day_slots],
                )
                for table in tables
            ],
            [online.get(s.pk, []) for s in day_slots],
        )
        for day, day_slots in sorted(days.items())
    ]


def reason_text(code: str, names: list[str]) -> str:
    """The solver's reason `code` as a sentence in the active language."""
    a, b = [*names, "?", "?"][:2]
    texts = {
        "no_common_slot": _("%(a)s and %(b)s have no free slot in common."),
        "participant_full": _("%(a)s or %(b)s has no free slot left for this meeting."),
        "no_table": _("No table is left in the slots where %(a)s and %(b)s are both free."),
        "precedence_cycle": _(
            "The meeting of %(a)s and %(b)s must come after meetings that come after it."
        ),
        "fixed_forbidden": _(
            "The meeting of %(a)s and %(b)s is fixed in a slot where one of them is unavailable."
        ),
        "fixed_clash": _(
            "The meeting of %(a)s and %(b)s is fixed in a slot where one of them has another "
            "meeting."
        ),
        "fixed_outside_session": _(
            "The meeting of %(a)s and %(b)s is fixed outside the block it must take place in."
        ),
        "meeting_limit": _(
            "%(a)s or %(b)s would have more meetings than this session allows per person."
        ),
        "pairing_not_allowed": _(
            "%(a)s and %(b)s may not meet under the session’s rule of who meets whom."
        ),
    }
    text = texts.get(code, _("The meeting of %(a)s and %(b)s could not be placed with the others."))
    return text % {"a": a, "b": b}


def unscheduled(run: ScheduleRun) -> list[dict]:
    """The meetings left out, each with the names of both sides and a translated reason."""
    pairs = {m["id"]: m["participants"] for m in (run.instance or {}).get("meetings", [])}
    names = dict(
        B2BParticipant.objects.filter(session=run.session).values_list("pk", "organisation_name")
    )
    out = []
    for item in run.unscheduled or []:
        pair = pairs.get(item["meeting"]) or item.get("participants") or []
        people = [names.get(pk, str(pk)) for pk in pair]
        out.append(
            {
                "meeting": item["meeting"],
                "participants": people,
                "code": item["code"],
                "reason": reason_text(item["code"], people),
            }
        )
    return out
