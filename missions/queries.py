"""Reads of missions shared by pages, the API and the feeds."""

from datetime import date

from django.db.models import Prefetch, QuerySet

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
