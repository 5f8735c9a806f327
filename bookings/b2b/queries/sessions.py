"""Reads of the B2B sessions shared by the pages, the API and the staff views.

Each keeps a constant number of queries whatever the size of the session.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Count, Exists, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from bookings.b2b.services.common import partner_sides
from bookings.b2b.services.grid import within_event
from bookings.figures import b2b as figures_module
from bookings.models import (
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
from missions.models import Sector
from primi_site.timezones import zone


@dataclass(frozen=True)
class DirectoryFilters:
    text: str = ""
    within: str = "all"  # all, offer or need: where the text is looked for
    sectors: list[str] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    side: str = ""
    mode: str = ""


TEXT_FIELDS = {
    "all": ("organisation_name", "offer_fr", "offer_en", "need_fr", "need_en"),
    "offer": ("offer_fr", "offer_en"),
    "need": ("need_fr", "need_en"),
}


def listed(session: B2BSession) -> QuerySet:
    """The profiles others may see: approved, and agreed to appear in the directory."""
    return B2BParticipant.objects.filter(
        session=session,
        status=B2BParticipant.Status.APPROVED,
        directory_consent_at__isnull=False,
    )


def directory(
    session: B2BSession,
    filters: DirectoryFilters | None = None,
    viewer: B2BParticipant | None = None,
) -> QuerySet:
    """Approved profiles of the session but the viewer's own, filtered; sectors prefetched.

    A participant sees only the profiles the session's who-meets-whom rule lets them meet
    (`partner_sides`, the rule the services refuse with); staff see every profile."""
    filters = filters or DirectoryFilters()
    found = listed(session)
    if viewer is not None:
        found = found.exclude(pk=viewer.pk)
        sides = partner_sides(session, viewer)
        if sides is not None:
            found = found.filter(side__in=sides)
    found = found.prefetch_related(Prefetch("sectors", queryset=Sector.objects.order_by("slug")))
    for word in filters.text.split():
        condition = Q()
        for name in TEXT_FIELDS.get(filters.within, TEXT_FIELDS["all"]):
            condition |= Q(**{f"{name}__icontains": word})
        found = found.filter(condition)
    if filters.sectors:
        found = found.filter(
            pk__in=B2BParticipant.sectors.through.objects.filter(
                sector__slug__in=filters.sectors
            ).values("b2bparticipant_id")
        )
    if filters.countries:
        found = found.filter(country__in=filters.countries)
    if filters.languages:
        condition = Q()
        for code in filters.languages:
            condition |= Q(languages__icontains=f'"{code}"')
        found = found.filter(condition)
    if filters.side:
        found = found.filter(side=filters.side)
    if filters.mode:
        found = found.filter(mode__in=[filters.mode, B2BParticipant.Mode.BOTH])
    return found.order_by("organisation_name", "pk")


def directory_countries(session: B2BSession) -> list[str]:
    return sorted(set(listed(session).exclude(country="").values_list("country", flat=True)))


def session_sectors(session: B2BSession) -> QuerySet:
    return Sector.objects.filter(b2bparticipant__in=listed(session)).distinct().order_by("slug")


def slots(session: B2BSession) -> QuerySet:
    """The session's slots in order, with the session and its event (their zone)."""
    return Slot.objects.filter(session=session).select_related("session__event").order_by("index")


def meetings_with_sides() -> QuerySet:
    return Meeting.objects.select_related(
        "slot__session__event",
        "table",
        "session__event",
        "participant_a__person__user",
        "participant_b__person__user",
    )


def agenda(participant: B2BParticipant, *, include_cancelled: bool = False) -> list[Meeting]:
    """The participant's meetings in time order, the other side's sectors prefetched."""
    found = meetings_with_sides().filter(
        Q(participant_a=participant) | Q(participant_b=participant)
    )
    if not include_cancelled:
        found = found.filter(state=Meeting.State.BOOKED)
    found = found.prefetch_related(
        Prefetch("participant_a__sectors", queryset=Sector.objects.order_by("slug")),
        Prefetch("participant_b__sectors", queryset=Sector.objects.order_by("slug")),
        Prefetch("reports", queryset=MeetingReport.objects.filter(participant=participant)),
    )
    return list(found.order_by("slot__index", "pk"))


def requests_of(participant: B2BParticipant) -> tuple[list, list]:
    """(received, sent), newest first, with both sides."""
    base = MeetingRequest.objects.select_related("sender", "recipient").order_by(
        "-created_at", "-pk"
    )
    received = list(base.filter(recipient=participant))
    sent = list(base.filter(sender=participant))
    return received, sent


def unavailable_indexes(participant: B2BParticipant) -> set[int]:
    return set(
        Unavailability.objects.filter(participant=participant).values_list("slot__index", flat=True)
    )


def free_slots(
    session: B2BSession, a: B2BParticipant, b: B2BParticipant, *, online: bool, now: datetime
) -> list[Slot]:
    """Future slots where both are free and available, within the event's dates, with a
    table left (in person)."""
    pair = [a.pk, b.pk]
    tables_used = (
        Meeting.objects.filter(slot=OuterRef("pk"), state=Meeting.State.BOOKED, table__isnull=False)
        .values("slot")
        .annotate(used=Count("pk"))
        .values("used")
    )
    found = (
        Slot.objects.filter(session=session, starts_at__gt=now)
        .select_related("session__event")
        .annotate(
            busy=Exists(
                MeetingSeat.objects.filter(slot=OuterRef("pk"), active=True, participant__in=pair)
            ),
            away=Exists(Unavailability.objects.filter(slot=OuterRef("pk"), participant__in=pair)),
            tables_used=Coalesce(Subquery(tables_used, output_field=IntegerField()), 0),
        )
        .filter(busy=False, away=False)
    )
    if not online:
        found = found.filter(tables_used__lt=session.tables)
    event = session.event
    return [s for s in found.order_by("index") if within_event(s.starts_at, s.ends_at, event)]


@dataclass
class GridRow:
    label: str
    cells: list  # Meeting or None, one per slot of the day


@dataclass
class GridDay:
    day: date
    slots: list[Slot]
    rows: list[GridRow]
    online: list[list[Meeting]]  # per slot

    @property
    def filled(self) -> int:
        return sum(1 for row in self.rows for cell in row.cells if cell) + sum(
            len(cell) for cell in self.online
        )

    @property
    def free(self) -> int:
        return sum(1 for row in self.rows for cell in row.cells if not cell)


def grid(session: B2BSession) -> list[GridDay]:
    """Tables × slots of each day, filled and free, with the online meetings beside them."""
    tz = zone(session.event.time_zone)
    all_slots = list(slots(session))
    tables = list(Table.objects.filter(session=session).order_by("number"))
    meetings = list(
        Meeting.objects.filter(session=session, state=Meeting.State.BOOKED).select_related(
            "participant_a", "participant_b"
        )
    )
    by_cell = {(m.slot_id, m.table_id): m for m in meetings if m.table_id}
    online_by_slot = defaultdict(list)
    for meeting in meetings:
        if meeting.online:
            online_by_slot[meeting.slot_id].append(meeting)
    days: dict[date, list[Slot]] = defaultdict(list)
    for slot in all_slots:
        days[slot.starts_at.astimezone(tz).date()].append(slot)
    result = []
    for day, day_slots in sorted(days.items()):
        rows = [
            GridRow(
                label=table.label or str(table.number),
                cells=[by_cell.get((slot.pk, table.pk)) for slot in day_slots],
            )
            for table in tables
        ]
        result.append(
            GridDay(day, day_slots, rows, [online_by_slot.get(s.pk, []) for s in day_slots])
        )
    return result


# Figures: defined once in `bookings.figures.b2b` (kept importable from here).

Figures = figures_module.Figures
figures = figures_module.figures


def b2b_sessions_of_mission(mission) -> QuerySet:
    return figures_module.mission_sessions([mission]).select_related("event")
