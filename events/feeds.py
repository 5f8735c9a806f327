"""The calendar feeds: what each one holds, its validators, and its cached body.

A feed is described by a `Feed` (identity, language, name, how to list its items, and
its revision: SQL expressions over the rows it shows). `feed_state` answers "has it
changed?" in one query, without building anything: the revision's counts, key sums
and latest changes of the feed's own events and missions (and of the missions their
descriptions name), its cancellations that have outlived their 30 days, the latest
deletion of anything calendars showed, and for the private feed its sources'
fingerprints. The ETag hashes those values (the deletion aside), so a feed's
validator changes with what it shows and not with an edit elsewhere; Last-Modified
is the latest of their instants.
`feed_body` builds the bytes once per ETag and keeps them in the `feeds` cache, so a
new ETag is a new cache key and a change needs no explicit invalidation.
"""

import gzip
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.cache import caches
from django.db import connection
from django.db.models import DateTimeField, Expression, F, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import translation
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from events import queries
from events.feed_sources import private_sources
from events.ical import CalendarItem, build_calendar, event_item, mission_item
from events.models import Event, FeedVersion
from events.services import CALENDAR_SCOPE, DELETIONS_SCOPE, touch_feeds
from missions.models import Mission
from primi_site.validators import country_codes

RETENTION = timedelta(days=30)
FORMAT_VERSION = 2  # raise when the output changes for unchanged data
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
class Rows:
    """Rows a feed shows (or that date it): the revision holds how many there are, the
    sum of their keys (which, with the count, tells one row leaving and another joining
    from no change) and the latest of each of `instants`."""

    queryset: QuerySet
    instants: dict[str, Expression]


@dataclass(frozen=True)
class Feed:
    key: str
    language: str
    items: Callable[[datetime], list[CalendarItem]]  # given the retention cutoff
    # The public feeds: the rows they show, given the retention cutoff. Their SQL depends
    # on `key` and the cutoff alone, so it is compiled once per process.
    rows: Callable[[datetime], dict[str, Rows]] | None = None
    # The private feed: its sources' fingerprints (scalar expressions; they read the
    # clock and the person themselves).
    fingerprint: Callable[[], dict[str, Expression]] | None = None
    name: str | None = None  # a subscribed feed's name; None for a download


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


def _shown_rows(prefix: str, events, expired) -> dict[str, Rows]:
    """Shown events (their latest change, and that of the missions their descriptions
    name), and the cancellations that have left them (when the latest did)."""
    return {
        prefix: Rows(events, {"at": F("updated_at"), "missions_at": F("mission__updated_at")}),
        f"{prefix}_expired": Rows(expired, {"at": F("feed_cancelled_at")}),
    }


def public_events_feed(filters: queries.EventFilters, language: str) -> Feed:
    def items(cutoff: datetime) -> list[CalendarItem]:
        return [event_item(event, language) for event in queries.feed_events(cutoff, filters)]

    def rows(cutoff: datetime) -> dict[str, Rows]:
        expired = queries.filtered_events(filters).filter(
            status=Event.Status.CANCELLED, feed_cancelled_at__lt=cutoff
        )
        return _shown_rows("events", queries.feed_events(cutoff, filters), expired)

    with translation.override(language):
        name = _calendar_name(_("International events"))
    key = json.dumps(["events", filters.kinds, filters.countries, filters.missions, language])
    return Feed(key=key, language=language, items=items, rows=rows, name=name)


def mission_feed(mission: Mission, language: str) -> Feed:
    def items(cutoff: datetime) -> list[CalendarItem]:
        programme = queries.mission_programme(mission, cutoff)
        return [mission_item(mission, language)] + [
            event_item(event, language) for event in programme
        ]

    def rows(cutoff: datetime) -> dict[str, Rows]:
        expired = Event.objects.annotate(
            feed_cancelled_at=Coalesce("cancelled_at", "updated_at")
        ).filter(mission=mission, status=Event.Status.CANCELLED, feed_cancelled_at__lt=cutoff)
        programme = queries.mission_programme(mission, cutoff)
        return {
            "mission": Rows(Mission.objects.filter(pk=mission.pk), {"at": F("updated_at")}),
            **_shown_rows("programme", programme, expired),
        }

    with translation.override(language):
        name = _calendar_name(mission.tr("title", language).text)
    return Feed(
        key=json.dumps(["mission", mission.pk, language]),
        language=language,
        items=items,
        rows=rows,
        name=name,
    )


def event_download(event: Event, language: str) -> Feed:
    def rows(cutoff: datetime) -> dict[str, Rows]:
        return {
            "event": Rows(
                Event.objects.filter(pk=event.pk),
                {"at": F("updated_at"), "missions_at": F("mission__updated_at")},
            )
        }

    return Feed(
        key=json.dumps(["event", event.pk, language]),
        language=language,
        items=lambda cutoff: [event_item(event, language)],
        rows=rows,
    )


def private_feed(person, language: str) -> Feed:
    sources = private_sources()

    def items(cutoff: datetime) -> list[CalendarItem]:
        found: list[CalendarItem] = []
        for source in sources:
            found += source.items(person, language, cutoff)
        return found

    def fingerprint() -> dict[str, Expression]:
        fingerprint = {}
        for source in sources:
            for name, expression in source.fingerprint(person).items():
                fingerprint[f"{source.name}_{name}"] = expression
        return fingerprint

    with translation.override(language):
        name = _calendar_name(_("My international programme"))
    return Feed(
        key=json.dumps(["person", person.pk, language]),
        language=language,
        items=items,
        fingerprint=fingerprint,
        name=name,
    )


def _instant(value) -> datetime | None:
    """A datetime read by plain SQL: text or naive (UTC) on SQLite, aware on PostgreSQL."""
    if value is None:
        return None
    parsed = value if isinstance(value, datetime) else parse_datetime(str(value))
    if parsed is None:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _deletions() -> Subquery:
    return Subquery(
        FeedVersion.objects.filter(scope=DELETIONS_SCOPE).values("changed_at")[:1],
        output_field=DateTimeField(),
    )


def _fingerprint_row(feed: Feed) -> dict | None:
    """The private feed's revision: its sources' expressions, carried by the calendar's
    version row."""
    annotations = {"deleted_at": _deletions(), **feed.fingerprint()}
    return (
        FeedVersion.objects.filter(scope=CALENDAR_SCOPE)
        .annotate(**annotations)
        .values(*annotations)
        .first()
    )


def _rows_sql(rows: dict[str, Rows]) -> tuple[str, list]:
    """One row of aggregates, each set of rows scanned once (a derived table each)."""
    quote = connection.ops.quote_name
    rows = {
        **rows,
        "deleted": Rows(FeedVersion.objects.filter(scope=DELETIONS_SCOPE), {"at": F("changed_at")}),
    }
    tables, params = [], []
    for index, (name, part) in enumerate(rows.items()):
        values = {"feed_key": F("pk")} | {f"feed_{n}": e for n, e in part.instants.items()}
        inner, inner_params = part.queryset.order_by().values(**values).query.sql_with_params()
        columns = [
            f"COUNT(*) AS {quote(name + '_count')}",
            f"SUM(feed_key) AS {quote(name + '_keys')}",
        ]
        columns += [f"MAX(feed_{n}) AS {quote(f'{name}_{n}')}" for n in part.instants]
        tables.append(
            f"(SELECT {', '.join(columns)} FROM ({inner}) AS scanned_{index}) AS rows_{index}"
        )
        params += inner_params
    return f"SELECT * FROM {', '.join(tables)}", params


# The SQL of a public feed's revision depends on its key alone (the cutoff is its one
# varying parameter): it is compiled once per process, with this instant standing for
# the cutoff, because compiling the ORM's nested subqueries costs more than running them.
_SENTINEL = datetime(1999, 12, 31, 23, 59, 58, 987654, tzinfo=UTC)
_COMPILED: dict[str, tuple[str, list, list[tuple[int, bool]]]] = {}
_COMPILED_MAX = 512


def _compiled(feed: Feed) -> tuple[str, list, list[tuple[int, bool]]]:
    found = _COMPILED.get(feed.key)
    if found is None:
        sql, params = _rows_sql(feed.rows(_SENTINEL))
        adapted = connection.ops.adapt_datetimefield_value(_SENTINEL)
        slots = [
            (index, param == adapted and param != _SENTINEL)
            for index, param in enumerate(params)
            if param in (_SENTINEL, adapted)
        ]
        if len(_COMPILED) >= _COMPILED_MAX:
            _COMPILED.clear()
        found = _COMPILED[feed.key] = (sql, list(params), slots)
    return found


def _expiry_sql(model) -> str:
    """How many cancellations are older than the cutoff, and the latest of them."""
    table = connection.ops.quote_name(model._meta.db_table)
    moment = "COALESCE(expired.cancelled_at, expired.updated_at)"
    where = f"FROM {table} expired WHERE expired.status = 'cancelled' AND {moment} < %s"
    return f"(SELECT COUNT(*) {where}), (SELECT MAX({moment}) {where})"


def _calendar_version(cutoff) -> tuple | None:
    """Whatever any public feed shows changes this: the version row that every change
    and deletion of events and missions bumps, the cancellations that have left the
    feeds with time, and the latest keys (a row written without the services). Plain
    SQL, cheap (the status and primary key indexes): the 304 path."""
    quote = connection.ops.quote_name
    table = quote(FeedVersion._meta.db_table)
    latest_keys = ", ".join(
        f"(SELECT MAX(id) FROM {quote(model._meta.db_table)})" for model in (Event, Mission)
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT version.counter, version.changed_at, {_expiry_sql(Event)}, "
            f"{_expiry_sql(Mission)}, {latest_keys} FROM {table} version "
            "WHERE version.scope = %s",
            [cutoff] * 4 + [CALENDAR_SCOPE],
        )
        found = cursor.fetchone()
    return None if found is None else tuple(str(value) for value in found)


# A public feed's revision for each calendar version: while nothing changed anywhere,
# a request (a 304 above all) reads the version alone. After a change, each feed's next
# request reads its own rows once more, and its ETag moves only if they did.
_REVISIONS: dict[tuple, dict] = {}
_REVISIONS_MAX = 2048


def _revision_row(feed: Feed, cutoff: datetime) -> dict | None:
    if feed.fingerprint is not None:
        return _fingerprint_row(feed)
    version = _calendar_version(connection.ops.adapt_datetimefield_value(cutoff))
    if version is None:
        return None
    memo = (connection.vendor, connection.settings_dict["NAME"], feed.key, version)
    found = _REVISIONS.get(memo)
    if found is None:
        if len(_REVISIONS) >= _REVISIONS_MAX:
            _REVISIONS.clear()
        found = _REVISIONS[memo] = _rows_row(feed, cutoff)
    return found


def _rows_row(feed: Feed, cutoff: datetime) -> dict:
    sql, params, slots = _compiled(feed)
    params = list(params)
    adapted = connection.ops.adapt_datetimefield_value(cutoff)
    for index, adapt in slots:
        params[index] = adapted if adapt else cutoff
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        found = cursor.fetchone()
        names = [column[0] for column in cursor.description]
    return dict(zip(names, found, strict=True))


def _plain(value):
    """A revision value as JSON: an aware instant in UTC, a sum as an integer."""
    if isinstance(value, Decimal):
        return int(value)
    instant = _instant(value) if isinstance(value, datetime | str) else None
    return instant.astimezone(UTC).isoformat() if instant else value


def _last_modified(feed: Feed, etag: str, computed: datetime) -> datetime:
    """`computed` (the latest instant of the feed's own rows), moved past the one given
    with the feed's previous ETag when a change left no later instant (an event gone to
    draft or out of the filters): Last-Modified never stays put while the ETag moves."""
    cache = caches[CACHE_ALIAS]
    key = "state:" + hashlib.sha256(feed.key.encode()).hexdigest()[:32]
    seen = cache.get(key)
    instant = computed
    if seen is not None:
        seen_etag, seen_at = seen
        if seen_etag == etag:
            instant = max(computed, seen_at)
        elif seen_at >= computed:
            instant = seen_at + timedelta(seconds=1)
    if seen != (etag, instant):
        cache.set(key, (etag, instant), CACHE_TIMEOUT)
    return instant


def feed_state(feed: Feed, now: datetime) -> FeedState:
    """The feed's ETag and Last-Modified, in one query, without building it.

    The ETag hashes the feed's own revision: the counts, keys and latest changes of the
    rows it shows (and of the missions their descriptions name) and the cancellations
    that have outlived their 30 days. An edit of an event that a feed does not show
    leaves that feed's ETag alone. Last-Modified is the latest of those instants and of
    the latest deletion of anything calendars showed.
    """
    cutoff = now - RETENTION
    row = _revision_row(feed, cutoff)
    if row is None:  # a database without the version row yet (created by the first change)
        touch_feeds()
        return feed_state(feed, now)
    instants = [EPOCH]
    for name, value in row.items():
        instant = _instant(value) if isinstance(value, datetime | str) else None
        if instant is not None:
            instants.append(instant + RETENTION if name.endswith("_expired_at") else instant)
    # The latest deletion dates Last-Modified only: a deleted event leaves the counts of
    # the feeds that showed it, and no other feed's ETag should move with it.
    values = [FORMAT_VERSION, feed.key, settings.SITE_URL, settings.DEFAULT_FROM_EMAIL] + [
        [name, _plain(value)]
        for name, value in sorted(row.items())
        if not name.startswith("deleted_")
    ]
    digest = hashlib.sha256(json.dumps(values, default=str).encode()).hexdigest()[:40]
    etag = f'"{digest}"'
    computed = max(instants).astimezone(UTC).replace(microsecond=0)
    return FeedState(etag=etag, last_modified=_last_modified(feed, etag, computed))


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
