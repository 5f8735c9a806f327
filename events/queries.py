"""Reads of events shared by pages, the API and the feeds."""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import Q, QuerySet

from events.models import Event
from primi_site.timezones import local_midnight


@dataclass(frozen=True)
class EventFilters:
    kinds: list[str] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)
    missions: list[str] = field(default_factory=list)
    month: date | None = None
    text: str = ""


def published_events() -> QuerySet[Event]:
    return Event.objects.filter(
        status__in=[Event.Status.PUBLISHED, Event.Status.CANCELLED]
    ).select_related("mission")


def upcoming_events(
    now: datetime, filters: EventFilters | None = None, month_zone: str = "Europe/Paris"
) -> QuerySet[Event]:
    """Published events not yet over, filtered, in start order.

    A month filter takes the month's days in `month_zone` (the viewer's zone).
    """
    filters = filters or EventFilters()
    events = published_events().filter(ends_at__gt=now, status=Event.Status.PUBLISHED)
    if filters.kinds:
        events = events.filter(kind__in=filters.kinds)
    if filters.countries:
        events = events.filter(country__in=filters.countries)
    if filters.missions:
        events = events.filter(mission__slug__in=filters.missions)
    if filters.text:
        events = events.filter(matching_text(filters.text))
    if filters.month:
        first = filters.month.replace(day=1)
        following = (first + timedelta(days=32)).replace(day=1)
        events = events.filter(
            starts_at__lt=local_midnight(following, month_zone),
            ends_at__gt=local_midnight(first, month_zone),
        )
    return events.order_by("starts_at", "slug")


def matching_text(text: str) -> Q:
    """Events whose title, description, venue or city contain every word of `text`."""
    condition = Q()
    for word in text.split()[:8]:
        condition &= (
            Q(title_fr__icontains=word)
            | Q(title_en__icontains=word)
            | Q(description_fr__icontains=word)
            | Q(description_en__icontains=word)
            | Q(venue_name__icontains=word)
            | Q(city__icontains=word)
        )
    return condition


def public_event(slug: str) -> Event | None:
    return published_events().filter(slug=slug).first()


def countries_with_events(now: datetime) -> list[str]:
    return sorted(
        set(
            published_events()
            .filter(ends_at__gt=now, status=Event.Status.PUBLISHED)
            .exclude(country="")
            .values_list("country", flat=True)
        )
    )
