"""The figures of the B2B meetings, defined once: the session and mission figures pages,
their CSV, the staff dashboard (page and CSV) and the API all count through here.

A meeting counts when it is booked (not cancelled). Each side may report whether it took
place and what came of it; the status of a meeting follows from those reports:

- **held**: at least one side says it took place, and no side says it did not;
- **no-show**: at least one side says it did not take place, and no side says it did;
- **disputed**: one side says it took place, the other that it did not;
- **not reported**: no report yet.

A report therefore counts unless the other side contradicts it. A disputed meeting is
counted apart, neither held nor no-show: the figures a funder reads as "meetings held"
are those someone attests and nobody denies, and a contradiction is shown to staff
rather than settled by a guess. When the day-of-operations check-in exists, a meeting
both sides checked in to will be held whatever the reports say, and one a side missed a
no-show; the reports then only fill the gaps.

Outcomes (lead, partnership, contract, follow-up) count per meeting, not per report: a
held meeting counts once for each outcome either side reports (two sides reporting a lead
make one lead). Meetings held are also counted by department and country, once for each
side's.

Every figure is an aggregate computed by the database, in a fixed number of queries.
"""

from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from bookings.models import B2BParticipant, B2BSession, Meeting, MeetingReport, MeetingRequest

OUTCOMES = [o for o in MeetingReport.Outcome.values if o != MeetingReport.Outcome.NONE]

# The status of a meeting, on meetings annotated by `with_reports`.
HELD = Q(said_held=True, said_missed=False)
NO_SHOW = Q(said_held=False, said_missed=True)
DISPUTED = Q(said_held=True, said_missed=True)
UNREPORTED = Q(said_held=False, said_missed=False)


@dataclass
class Figures:
    booked: int = 0
    held: int = 0
    no_shows: int = 0
    disputed: int = 0
    unreported: int = 0
    requested: int = 0
    outcomes: Counter = field(default_factory=Counter)
    held_by_department: Counter = field(default_factory=Counter)
    held_by_country: Counter = field(default_factory=Counter)
    participants: int = 0

    def outcome_rows(self) -> list[tuple[str, int]]:
        return [(o, self.outcomes.get(o, 0)) for o in OUTCOMES]

    def department_rows(self) -> list[tuple[str, int]]:
        return sorted(self.held_by_department.items(), key=lambda item: (-item[1], item[0]))

    def country_rows(self) -> list[tuple[str, int]]:
        return sorted(self.held_by_country.items(), key=lambda item: (-item[1], item[0]))


def with_reports(meetings: QuerySet) -> QuerySet:
    """`meetings` annotated with what the sides said: `said_held`, `said_missed`, and one
    `said_<outcome>` per outcome (hyphens as underscores)."""
    reports = MeetingReport.objects.filter(meeting=OuterRef("pk"))
    outcomes = {
        f"said_{o.replace('-', '_')}": Exists(reports.filter(took_place=True, outcome=o))
        for o in OUTCOMES
    }
    return meetings.annotate(
        said_held=Exists(reports.filter(took_place=True)),
        said_missed=Exists(reports.filter(took_place=False)),
        **outcomes,
    )


def booked_meetings(sessions) -> QuerySet:
    return Meeting.objects.filter(session__in=sessions, state=Meeting.State.BOOKED).order_by()


def meeting_counts(sessions) -> Figures:
    """Booked, held, no-show, disputed, not reported, requested and outcomes: two queries."""
    counts = with_reports(booked_meetings(sessions)).aggregate(
        booked=Count("pk"),
        held=Count("pk", filter=HELD),
        no_shows=Count("pk", filter=NO_SHOW),
        disputed=Count("pk", filter=DISPUTED),
        unreported=Count("pk", filter=UNREPORTED),
        **{
            f"outcome_{o}": Count("pk", filter=HELD & Q(**{f"said_{o.replace('-', '_')}": True}))
            for o in OUTCOMES
        },
    )
    outcomes = Counter({o: counts.pop(f"outcome_{o}") for o in OUTCOMES})
    requested = MeetingRequest.objects.filter(session__in=sessions).count()
    return Figures(**counts, requested=requested, outcomes=+outcomes)


def figures(sessions) -> Figures:
    """Every figure of the sessions, with the approved participants and the meetings held
    by department and country (the figures pages, their CSV and the API)."""
    result = meeting_counts(sessions)
    result.participants = B2BParticipant.objects.filter(
        session__in=sessions, status=B2BParticipant.Status.APPROVED
    ).count()
    held = with_reports(booked_meetings(sessions)).filter(HELD)
    for side in ("participant_a", "participant_b"):
        for key, counter in (
            ("department", result.held_by_department),
            ("country", result.held_by_country),
        ):
            rows = held.values(f"{side}__{key}").annotate(count=Count("pk"))
            for row in rows:
                counter[row[f"{side}__{key}"] or "—"] += row["count"]
    return result


def season_sessions(year: int, missions) -> QuerySet:
    """The B2B sessions of a season: those of its missions' events, and those of events
    in no mission that start that year (a B2B day of its own belongs to its year)."""
    return B2BSession.objects.filter(
        Q(event__mission__in=missions) | Q(event__mission__isnull=True, event__starts_at__year=year)
    )


def mission_sessions(missions) -> QuerySet:
    return B2BSession.objects.filter(event__mission__in=missions)
