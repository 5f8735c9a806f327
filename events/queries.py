"""Reads of events shared by pages, the API and the feeds."""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import Q, QuerySet
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from events.models import Event, FeedToken
from events.services import hash_feed_secret
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


def shown_in_feeds(cutoff: datetime, prefix: str = "") -> Q:
    """Published items, and cancelled ones whose cancellation is not older than `cutoff`.

    `prefix` reaches the status of a related row (`"mission__"`)."""
    return Q(**{f"{prefix}status": "published"}) | Q(
        **{f"{prefix}status": "cancelled", f"{prefix}feed_cancelled_at__gte": cutoff}
    )


def filtered_events(filters: EventFilters | None = None) -> QuerySet[Event]:
    """Events of any status that the public feed's filters select, annotated with
    `feed_cancelled_at` (for `shown_in_feeds`)."""
    filters = filters or EventFilters()
    events = Event.objects.annotate(feed_cancelled_at=Coalesce("cancelled_at", "updated_at"))
    if filters.kinds:
        events = events.filter(kind__in=filters.kinds)
    if filters.countries:
        events = events.filter(country__in=filters.countries)
    if filters.missions:
        events = events.filter(mission__slug__in=filters.missions)
    return events


def feed_events(cutoff: datetime, filters: EventFilters | None = None) -> QuerySet[Event]:
    """Events of the public feed: published, and cancelled within the retention, filtered."""
    return (
        filtered_events(filters)
        .filter(shown_in_feeds(cutoff))
        .select_related("mission")
        .order_by("starts_at", "pk")
    )


def mission_programme(mission, cutoff: datetime | None = None) -> QuerySet[Event]:
    """The events of a mission shown in calendars (all published and cancelled ones when
    `cutoff` is None)."""
    events = Event.objects.filter(mission=mission).select_related("mission")
    if cutoff is None:
        events = events.filter(status__in=[Event.Status.PUBLISHED, Event.Status.CANCELLED])
    else:
        events = events.annotate(feed_cancelled_at=Coalesce("cancelled_at", "updated_at")).filter(
            shown_in_feeds(cutoff)
        )
    return events.order_by("starts_at", "pk")


def active_feed_token(secret: str):
    """The active token whose secret this is, with its person, or None."""
    if not secret or len(secret) > 100:
        return None
    return (
        FeedToken.objects.select_related("person")
        .filter(token_hash=hash_feed_secret(secret), revoked_at__isnull=True)
        .first()
    )


def feed_tokens_of(person):
    return FeedToken.objects.filter(person=person, revoked_at__isnull=True).order_by("name", "pk")


def get_feed_token_for_person_or_404(person, pk: int):
    """The person's own active token, or 404 (another person's token is a 404 too)."""
    return get_object_or_404(FeedToken, pk=pk, person=person, revoked_at__isnull=True)
