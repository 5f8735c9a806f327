"""The calendar feeds: what each one holds, its validators, and its cached body.

A feed is described by a `Feed` (identity, language, name, how to list its items).
`feed_state` answers "has it changed?" in one query, without building anything:
the calendar version (bumped by every change of events and missions, deletions
included), the cancellations that have outlived their 30 days since, and the
fingerprints of the private sources. The ETag hashes those values; Last-Modified
is the latest of their instants. `feed_body` builds the bytes once per ETag and
keeps them in the `feeds` cache, so a new ETag is a new cache key and a change
needs no explicit invalidation.
"""

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from django.core.cache import caches
from django.db.models import Expression
from django.db.models.functions import Coalesce
from django.utils import translation
from django.utils.translation import gettext as _

from events import queries
from events.feed_sources import count_of, latest, private_sources
from events.ical import CalendarItem, build_calendar, event_item, mission_item
from events.models import Event, FeedVersion
from events.services import CALENDAR_SCOPE, touch_feeds
from missions.models import Mission
from primi_site.validators import country_codes

RETENTION = timedelta(days=30)
FORMAT_VERSION = 1  # raise when the output changes for unchanged data
CACHE_ALIAS = "feeds"
CACHE_TIMEOUT = 24 * 3600
LANGUAGES = ("fr", "en")
EPOCH = datetime(2000, 1, 1, tzinfo=UTC)


class FeedRequestError(Exception):
    """A parameter the feed cannot honour; the message is in the active language."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Feed:
    key: str
    language: str
    items: Callable[[datetime], list[CalendarItem]]  # given the retention cutoff
    name: str | None = None  # a subscribed feed's name; None for a download
    fingerprint: dict[str, Expression] = field(default_factory=dict)


@dataclass(frozen=True)
class FeedState:
    etag: str
    last_modified: datetime


def parse_language(values: list[str], default: str) -> str:
    wanted = {value.strip().lower() for value in values if value.strip()}
    if not wanted:
        return default
    if len(wanted) > 1 or not wanted <= set(LANGUAGES):
        raise FeedRequestError(
            _("Unknown language “%(value)s”: use lang=fr or lang=en.")
            % {"value": ", ".join(sorted(wanted))}
        )
    return wanted.pop()


def parse_filters(query) -> queries.EventFilters:
    """The `kind`, `mission` and `country` filters, each repeatable; unknown values refused."""
    kinds = sorted({value.strip() for value in query.getlist("kind") if value.strip()})
    countries = sorted({value.strip().upper() for value in query.getlist("country") if value})
    missions = sorted({value.strip() for value in query.getlist("mission") if value.strip()})
    unknown = [kind for kind in kinds if kind not in Event.Kind.values]
    if unknown:
        raise FeedRequestError(
            _("Unknown kind: %(values)s. Known kinds: %(kinds)s.")
            % {"values": ", ".join(unknown), "kinds": ", ".join(Event.Kind.values)}
        )
    unknown = [code for code in countries if code not in country_codes()]
    if unknown:
        raise FeedRequestError(
            _("Unknown country: %(values)s. Use ISO 3166-1 codes of two letters, such as FR.")
            % {"values": ", ".join(unknown)}
        )
    if missions:
        known = set(
            Mission.objects.filter(
                slug__in=missions, status__in=["published", "closed", "cancelled"]
            ).values_list("slug", flat=True)
        )
        unknown = [slug for slug in missions if slug not in known]
        if unknown:
            raise FeedRequestError(
                _("Unknown mission: %(values)s. Use the slug of a published mission.")
                % {"values": ", ".join(unknown)}
            )
    return queries.EventFilters(kinds=kinds, countries=countries, missions=missions)


def _calendar_name(*parts: str) -> str:
    return " · ".join(["PRIMI", *parts])


def public_events_feed(filters: queries.EventFilters, language: str) -> Feed:
    def items(cutoff: datetime) -> list[CalendarItem]:
        return [event_item(event, language) for event in queries.feed_events(cutoff, filters)]

    with translation.override(language):
        name = _calendar_name(_("International events"))
    key = json.dumps(["events", filters.kinds, filters.countries, filters.missions, language])
    return Feed(key=key, language=language, items=items, name=name)


def mission_feed(mission: Mission, language: str) -> Feed:
    def items(cutoff: datetime) -> list[CalendarItem]:
        programme = queries.mission_programme(mission, cutoff)
        return [mission_item(mission, language)] + [
            event_item(event, language) for event in programme
        ]

    with translation.override(language):
        name = _calendar_name(mission.tr("title", language).text)
    return Feed(
        key=json.dumps(["mission", mission.pk, language]), language=language, items=items, name=name
    )


def event_download(event: Event, language: str) -> Feed:
    return Feed(
        key=json.dumps(["event", event.pk, language]),
        language=language,
        items=lambda cutoff: [event_item(event, language)],
    )


def private_feed(person, language: str) -> Feed:
    sources = private_sources()

    def items(cutoff: datetime) -> list[CalendarItem]:
        found: list[CalendarItem] = []
        for source in sources:
            found += source.items(person, language, cutoff)
        return found

    fingerprint = {}
    for source in sources:
        for name, expression in source.fingerprint(person).items():
            fingerprint[f"{source.name}_{name}"] = expression
    with translation.override(language):
        name = _calendar_name(_("My international programme"))
    return Feed(
        key=json.dumps(["person", person.pk, language]),
        language=language,
        items=items,
        name=name,
        fingerprint=fingerprint,
    )


def _expired(model, cutoff: datetime):
    return model.objects.annotate(feed_cancelled_at=Coalesce("cancelled_at", "updated_at")).filter(
        status="cancelled", feed_cancelled_at__lt=cutoff
    )


def feed_state(feed: Feed, now: datetime) -> FeedState:
    """The feed's ETag and Last-Modified, in one query, without building it."""
    cutoff = now - RETENTION
    annotations = {
        "expired_events": count_of(_expired(Event, cutoff)),
        "expired_events_at": latest(_expired(Event, cutoff), "feed_cancelled_at"),
        "expired_missions": count_of(_expired(Mission, cutoff)),
        "expired_missions_at": latest(_expired(Mission, cutoff), "feed_cancelled_at"),
        **feed.fingerprint,
    }
    row = (
        FeedVersion.objects.filter(scope=CALENDAR_SCOPE)
        .annotate(**annotations)
        .values("counter", "changed_at", *annotations)
        .first()
    )
    if row is None:  # a database without the row yet (created by the first change)
        touch_feeds()
        return feed_state(feed, now)
    instants = [row["changed_at"]]
    for name in ("expired_events_at", "expired_missions_at"):
        if row[name] is not None:
            instants.append(row[name] + RETENTION)
    instants += [value for value in row.values() if isinstance(value, datetime)]
    values = [FORMAT_VERSION, feed.key] + [
        value.isoformat() if isinstance(value, datetime) else value
        for _name, value in sorted(row.items())
    ]
    digest = hashlib.sha256(json.dumps(values, default=str).encode()).hexdigest()[:40]
    return FeedState(etag=f'"{digest}"', last_modified=max(instants).astimezone(UTC))


def build_feed(feed: Feed, now: datetime) -> bytes:
    with translation.override(feed.language):
        return build_calendar(feed.items(now - RETENTION), name=feed.name)


def feed_body(feed: Feed, state: FeedState, now: datetime) -> bytes:
    """The feed's bytes for this state: from the cache, or built and cached."""
    cache = caches[CACHE_ALIAS]
    key = f"body:{state.etag.strip(chr(34))}"
    body = cache.get(key)
    if body is None:
        body = build_feed(feed, now)
        cache.set(key, body, CACHE_TIMEOUT)
    return body
