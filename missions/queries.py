"""Reads of missions shared by pages, the API and the feeds."""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Prefetch, Q, QuerySet

from events.models import Event
from missions.models import Mission

PUBLIC_STATUSES = [Mission.Status.PUBLISHED, Mission.Status.CLOSED, Mission.Status.CANCELLED]


def public_missions() -> QuerySet[Mission]:
    return Mission.objects.filter(status__in=PUBLIC_STATUSES)


def upcoming_missions(today: date) -> QuerySet[Mission]:
    return (
        public_missions()
        .filter(end_date__gte=today)
        .exclude(status=Mission.Status.CANCELLED)
        .order_by("start_date", "slug")
    )


@dataclass(frozen=True)
class MissionFilters:
    directions: list[str] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)
    text: str = ""


def matching_text(text: str) -> Q:
    """Missions whose title, summary or destination contain every word of `text`."""
    condition = Q()
    for word in text.split()[:8]:
        condition &= (
            Q(title_fr__icontains=word)
            | Q(title_en__icontains=word)
            | Q(summary_fr__icontains=word)
            | Q(summary_en__icontains=word)
            | Q(destination_city__icontains=word)
        )
    return condition


def filtered_upcoming_missions(today: date, filters: MissionFilters) -> QuerySet[Mission]:
    missions = upcoming_missions(today)
    if filters.directions:
        missions = missions.filter(direction__in=filters.directions)
    if filters.countries:
        missions = missions.filter(destination_country__in=filters.countries)
    if filters.text:
        missions = missions.filter(matching_text(filters.text))
    return missions


def public_mission(slug: str) -> Mission | None:
    programme = (
        Event.objects.filter(status__in=[Event.Status.PUBLISHED, Event.Status.CANCELLED])
        .select_related("mission")
        .order_by("starts_at", "slug")
    )
    return (
        public_missions()
        .prefetch_related(
            Prefetch("events", queryset=programme, to_attr="programme"),
            "partners",
        )
        .filter(slug=slug)
        .first()
    )


def public_mission_record(slug: str) -> Mission | None:
    """The public mission alone, without its programme (feeds read that themselves)."""
    return public_missions().filter(slug=slug).first()
