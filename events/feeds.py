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

import gzip
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from django.core.cache import caches
from django.db import connection
from django.db.models import DateTimeField, Expression, IntegerField
from django.db.models.expressions import RawSQL
from django.utils import translation
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from events import queries
from events.feed_sources import private_sources
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


def _expiry_sql(model, aggregate: str) -> str:
    """Cancellations older than the cutoff: their number, or the latest of them.

    Plain SQL (portable: COALESCE, COUNT, MAX) because this runs on every request,
    304s included, and the ORM's nested subqueries cost more to compile than to run.
    """
    table = connection.ops.quote_name(model._meta.db_table)
    moment = "COALESCE(expired.cancelled_at, expired.updated_at)"
    selected = "COUNT(*)" if aggregate == "count" else f"MAX({moment})"
    return (
        f"SELECT {selected} FROM {table} expired "
        f"WHERE expired.status = 'cancelled' AND {moment} < %s"
    )


def _as_datetime(value) -> datetime | None:
    """A datetime read by plain SQL: text or naive (UTC) on SQLite, aware on PostgreSQL."""
    if value is None:
        return None
    parsed = value if isinstance(value, datetime) else parse_datetime(str(value))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _public_state(cutoff: str) -> dict | None:
    names = ("expired_events", "expired_events_at", "expired_missions", "expired_missions_at")
    subqueries = ", ".join(
        f"({_expiry_sql(model, aggregate)})"
        for model in (Event, Mission)
        for aggregate in ("count", "max")
    )
    table = connection.ops.quote_name(FeedVersion._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT version.counter, version.changed_at, {subqueries} "
            f"FROM {table} version WHERE version.scope = %s",
            [cutoff] * 4 + [CALENDAR_SCOPE],
        )
        found = cursor.fetchone()
    if found is None:
        return None
    return {"counter": found[0], "changed_at": _as_datetime(found[1])} | dict(
        zip(names, found[2:], strict=True)
    )


def feed_state(feed: Feed, now: datetime) -> FeedState:
    """The feed's ETag and Last-Modified, in one query, without building it."""
    cutoff = connection.ops.adapt_datetimefield_value(now - RETENTION)
    annotations = {
        "expired_events": RawSQL(_expiry_sql(Event, "count"), (cutoff,), IntegerField()),
        "expired_events_at": RawSQL(_expiry_sql(Event, "max"), (cutoff,), DateTimeField()),
        "expired_missions": RawSQL(_expiry_sql(Mission, "count"), (cutoff,), IntegerField()),
        "expired_missions_at": RawSQL(_expiry_sql(Mission, "max"), (cutoff,), DateTimeField()),
        **feed.fingerprint,
    }
    if feed.fingerprint:
        row = (
            FeedVersion.objects.filter(scope=CALENDAR_SCOPE)
            .annotate(**annotations)
            .values("counter", "changed_at", *annotations)
            .first()
        )
    else:  # the public feeds, polled most: no ORM compilation at all
        row = _public_state(cutoff)
    if row is None:  # a database without the row yet (created by the first change)
        touch_feeds()
        return feed_state(feed, now)
    for name in ("expired_events_at", "expired_missions_at"):
        row[name] = _as_datetime(row[name])
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


def feed_body(feed: Feed, state: FeedState, now: datetime, gzipped: bool = False) -> bytes:
    """The feed's bytes for this state, plain or gzipped: from the cache, or built and
    cached (both forms at once; gzip with a fixed mtime, so it is byte-stable too)."""
    cache = caches[CACHE_ALIAS]
    digest = state.etag.strip('"')
    key = f"body:{digest}:{'gzip' if gzipped else 'identity'}"
    body = cache.get(key)
    if body is None:
        plain = build_feed(feed, now)
        compressed = gzip.compress(plain, compresslevel=6, mtime=0)
        cache.set_many(
            {f"body:{digest}:identity": plain, f"body:{digest}:gzip": compressed}, CACHE_TIMEOUT
        )
        body = compressed if gzipped else plain
    return body
