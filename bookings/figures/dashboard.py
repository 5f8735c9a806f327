"""The staff dashboard's figures, in one place: per season (the missions that start in
a year) and per mission.

Every figure is an aggregate computed by the database; the number of queries is fixed
and does not grow with the rows. Event registrations come from the missions' events
(their programmes); B2B meetings and outcomes from the B2B sessions of those events,
and, for a season, from the B2B sessions in no mission that start that year, counted
by `bookings.figures.b2b` as on every other page; other apps may add series (`b2b_figures`).
"""

from dataclasses import dataclass, field
from datetime import date, datetime

from babel import Locale
from django.apps import apps
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import ExtractYear, TruncMonth
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from bookings.figures import b2b as b2b_counts
from bookings.models import (
    B2BSession,
    MeetingReport,
    Registration,
    RegistrationLog,
    RegistrationState,
)
from missions.models import Department, Mission
from primi_site.formatting import babel_locale, format_month

PARTICIPANT_STATES = (RegistrationState.CONFIRMED,)


@dataclass
class Series:
    """A named list of (label, value) pairs, drawn as one chart with its table."""

    key: str
    title: str
    points: list[tuple[str, int]] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(value for _label, value in self.points)


@dataclass
class MissionSeats:
    mission: Mission
    capacity: int | None
    confirmed: int
    offered: int
    waitlisted: int
    applied: int


@dataclass
class Figures:
    title: str
    missions: list[Mission]
    seats: list[MissionSeats]
    series: list[Series]

    def rows(self) -> list[tuple[str, str, int | str]]:
        """Every figure as (section, label, value): the CSV export."""
        lines: list[tuple[str, str, int | str]] = []
        for seat in self.seats:
            label = str(seat.mission.tr("title"))
            lines.append((_("Capacity"), label, "" if seat.capacity is None else seat.capacity))
            lines.append((_("Seats filled"), label, seat.confirmed))
            lines.append((_("Seats offered"), label, seat.offered))
            lines.append((_("Waitlist"), label, seat.waitlisted))
            lines.append((_("Applications to review"), label, seat.applied))
        for series in self.series:
            lines.extend((series.title, label, value) for label, value in series.points)
        return lines


def seasons() -> list[int]:
    """The years in which missions start, and those of B2B sessions in no mission,
    latest first."""
    years = (
        Mission.objects.exclude(status=Mission.Status.DRAFT)
        .annotate(year=ExtractYear("start_date"))
        .values_list("year", flat=True)
        .distinct()
        .order_by()
    )
    alone = (
        B2BSession.objects.filter(event__mission__isnull=True)
        .annotate(year=ExtractYear("event__starts_at"))
        .values_list("year", flat=True)
        .distinct()
        .order_by()
    )
    return sorted(set(years) | set(alone), reverse=True)


def season_missions(year: int) -> QuerySet[Mission]:
    return Mission.objects.exclude(status=Mission.Status.DRAFT).filter(
        start_date__gte=date(year, 1, 1), start_date__lte=date(year, 12, 31)
    )


def season_figures(year: int) -> Figures:
    missions = list(season_missions(year).order_by("start_date", "slug"))
    sessions = b2b_counts.season_sessions(year, missions)
    return _figures(_("Season %(year)s") % {"year": year}, missions, sessions)


def mission_figures(mission: Mission) -> Figures:
    return _figures(str(mission.tr("title")), [mission], b2b_counts.mission_sessions([mission]))


def _figures(title: str, missions: list[Mission], sessions) -> Figures:
    """The figures of `missions`, with the B2B meetings of `sessions`."""
    ids = [mission.pk for mission in missions]
    registrations = Registration.objects.filter(mission_id__in=ids).order_by()
    participants = registrations.filter(state__in=PARTICIPANT_STATES)
    series = [
        *_over_time(registrations, ids),
        *_event_registrations(ids),
        _by_department(participants),
        _by_sector(participants),
        _by_country(participants),
        *_meetings(sessions),
        *b2b_figures(ids),
    ]
    return Figures(title, missions, _seats(missions, registrations), series)


def _seats(missions: list[Mission], registrations: QuerySet) -> list[MissionSeats]:
    counts = {
        row["mission_id"]: row
        for row in registrations.values("mission_id").annotate(
            confirmed=Count("pk", filter=Q(state=RegistrationState.CONFIRMED)),
            offered=Count("pk", filter=Q(state=RegistrationState.OFFERED)),
            waitlisted=Count("pk", filter=Q(state=RegistrationState.WAITLISTED)),
            applied=Count("pk", filter=Q(state=RegistrationState.APPLIED)),
        )
    }
    empty = {"confirmed": 0, "offered": 0, "waitlisted": 0, "applied": 0}
    return [
        MissionSeats(
            mission=mission,
            capacity=mission.capacity,
            **{key: counts.get(mission.pk, empty)[key] for key in empty},
        )
        for mission in missions
    ]


def _month_label(value) -> str:
    """The month in the page's language ("décembre 2026", "December 2026")."""
    return format_month(value.date() if isinstance(value, datetime) else value, get_language())


def _over_time(registrations: QuerySet, mission_ids: list[int]) -> list[Series]:
    """Applications received and confirmations given, per month (UTC)."""
    received = {
        row["month"].date(): row["count"]
        for row in registrations.annotate(month=TruncMonth("created_at"))
        .values("month")
        .annotate(count=Count("pk"))
    }
    confirmed = {
        row["month"].date(): row["count"]
        for row in RegistrationLog.objects.filter(
            registration__mission_id__in=mission_ids, to_state=RegistrationState.CONFIRMED
        )
        .order_by()
        .annotate(month=TruncMonth("at"))
        .values("month")
        .annotate(count=Count("pk"))
    }
    months = sorted(set(received) | set(confirmed))
    series = Series("applications", _("Applications received per month"))
    series.points = [(_month_label(month), received.get(month, 0)) for month in months]
    confirmations = Series("confirmations", _("Confirmations per month"))
    confirmations.points = [(_month_label(month), confirmed.get(month, 0)) for month in months]
    return [series, confirmations]


def _event_registrations(mission_ids: list[int]) -> list[Series]:
    """Registrations for the events of the missions' programmes: received per month
    (UTC), and where they stand (seats filled, offered, waitlists)."""
    rows = Registration.objects.filter(event__mission_id__in=mission_ids).order_by()
    monthly = Series("registrations", _("Event registrations received per month"))
    monthly.points = [
        (_month_label(row["month"]), row["count"])
        for row in rows.annotate(month=TruncMonth("created_at"))
        .values("month")
        .annotate(count=Count("pk"))
        .order_by("month")
    ]
    counts = rows.aggregate(
        confirmed=Count("pk", filter=Q(state=RegistrationState.CONFIRMED)),
        offered=Count("pk", filter=Q(state=RegistrationState.OFFERED)),
        waitlisted=Count("pk", filter=Q(state=RegistrationState.WAITLISTED)),
    )
    places = Series("event_seats", _("Event registrations by state"))
    places.points = [
        (_("Seats filled"), counts["confirmed"]),
        (_("Seats offered"), counts["offered"]),
        (_("Waitlist"), counts["waitlisted"]),
    ]
    return [monthly, places]


def _by_department(participants: QuerySet) -> Series:
    labels = dict(Department.choices)
    rows = (
        participants.values("person__organisation__department")
        .annotate(count=Count("pk"))
        .order_by("person__organisation__department")
    )
    series = Series("departments", _("Participants by department"))
    series.points = [
        (labels.get(row["person__organisation__department"]) or _("Outside the region"),
         row["count"])
        for row in rows
    ]  # fmt: skip
    return series


def _by_sector(participants: QuerySet) -> Series:
    """A participant counts once in each sector of their organisation."""
    rows = (
        participants.filter(person__organisation__sectors__isnull=False)
        .values(
            "person__organisation__sectors__slug",
            "person__organisation__sectors__name_fr",
            "person__organisation__sectors__name_en",
        )
        .annotate(count=Count("pk", distinct=True))
        .order_by("person__organisation__sectors__slug")
    )
    english = (get_language() or "fr").startswith("en")
    series = Series("sectors", _("Participants by sector"))
    series.points = [
        (
            row["person__organisation__sectors__name_en" if english else
                "person__organisation__sectors__name_fr"]
            or row["person__organisation__sectors__slug"],
            row["count"],
        )
        for row in rows
    ]  # fmt: skip
    return series


def _by_country(participants: QuerySet) -> Series:
    rows = (
        participants.values("person__organisation__country")
        .annotate(count=Count("pk"))
        .order_by("person__organisation__country")
    )
    series = Series("countries", _("Participants by country"))
    names = Locale.parse(babel_locale(get_language())).territories
    series.points = [
        (names.get(code, code) if (code := row["person__organisation__country"]) else "—",
         row["count"])
        for row in rows
    ]  # fmt: skip
    return series


def _meetings(sessions) -> list[Series]:
    """B2B meetings: requested, booked, held, no-show, disputed; outcomes of the meetings
    held. Counted as everywhere else, by `bookings.figures.b2b`."""
    counts = b2b_counts.meeting_counts(sessions)
    meetings = Series("meetings", _("B2B meetings"))
    meetings.points = [
        (_("Requested"), counts.requested),
        (_("Booked"), counts.booked),
        (_("Held"), counts.held),
        (_("No-show"), counts.no_shows),
        (_("Disputed"), counts.disputed),
    ]
    labels = dict(MeetingReport.Outcome.choices)
    outcomes = Series("outcomes", _("Outcomes of the meetings held"))
    outcomes.points = [(str(labels[o]), count) for o, count in counts.outcome_rows()]
    return [meetings, outcomes]


def b2b_figures(mission_ids: list[int]) -> list[Series]:
    """Series added by other apps: an `AppConfig.dashboard_series(mission_ids)` method."""
    providers = []
    for config in apps.get_app_configs():
        provider = getattr(config, "dashboard_series", None)
        if callable(provider):
            providers.append(provider)
    series: list[Series] = []
    for provider in providers:
        series.extend(provider(mission_ids))
    return series
