"""Dates, times, numbers and money in the page's locale, with Babel.

An event is shown in its own local time with its zone, and beside it the viewer's
time where it differs: "10:00 Toronto · 16:00 Paris".
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from babel.dates import format_date, format_interval, format_time, get_timezone_location
from babel.numbers import format_currency, format_decimal

from primi_site.bilingual import page_language
from primi_site.timezones import zone

EN_DASH = "\u2013"


def zone_label(zone_name: str, language: str | None = None) -> str:
    """The zone's exemplar city in the page's language ("Toronto", "Londres")."""
    return get_timezone_location(zone(zone_name), locale=page_language(language), return_city=True)


def format_day(day: date, language: str | None = None, width: str = "full") -> str:
    return format_date(day, format=width, locale=page_language(language))


def format_clock(instant: datetime, zone_name: str, language: str | None = None) -> str:
    return format_time(
        instant, format="short", tzinfo=zone(zone_name), locale=page_language(language)
    )


def format_days(first: date, last: date, language: str | None = None) -> str:
    locale = page_language(language)
    if first == last:
        return format_date(first, format="long", locale=locale)
    return format_interval(first, last, skeleton="yMMMMd", locale=locale)


def format_money(amount: Decimal | int | float, currency: str, language: str | None = None) -> str:
    return format_currency(amount, currency, locale=page_language(language))


def format_number(value: int | float | Decimal, language: str | None = None) -> str:
    return format_decimal(value, locale=page_language(language))


@dataclass(frozen=True)
class Moment:
    """One way of reading a span of time: a day line, a clock range and a zone."""

    day: str
    clock: str
    zone: str


@dataclass(frozen=True)
class When:
    """How to show when an event happens, locally and for the viewer."""

    all_day: bool
    local: Moment
    viewer: Moment | None
    start_utc: datetime
    end_utc: datetime

    @property
    def start_iso(self) -> str:
        return self.start_utc.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _moment(start: datetime, end: datetime, zone_name: str, language: str) -> Moment:
    tz = zone(zone_name)
    local_start, local_end = start.astimezone(tz), end.astimezone(tz)
    day = format_day(local_start.date(), language)
    clock = EN_DASH.join(
        (format_clock(start, zone_name, language), format_clock(end, zone_name, language))
    )
    if local_end.date() != local_start.date():
        day = format_interval(
            local_start.date(), local_end.date(), skeleton="yMMMMEEEEd", locale=language
        )
        clock = (
            f"{format_clock(start, zone_name, language)} → "
            f"{format_day(local_end.date(), language, 'medium')} "
            f"{format_clock(end, zone_name, language)}"
        )
    return Moment(day=day, clock=clock, zone=zone_label(zone_name, language))


def describe_when(
    *,
    starts_at: datetime,
    ends_at: datetime,
    zone_name: str,
    viewer_zone: str,
    all_day: bool = False,
    first_day: date | None = None,
    last_day: date | None = None,
    language: str | None = None,
) -> When:
    """The local reading of an event, plus the viewer's where their clock differs."""
    language = page_language(language)
    if all_day and first_day and last_day:
        local = Moment(
            day=format_days(first_day, last_day, language),
            clock="",
            zone=zone_label(zone_name, language),
        )
        return When(True, local, None, starts_at, ends_at)
    local = _moment(starts_at, ends_at, zone_name, language)
    viewer = None
    if _wall_clock_differs(starts_at, zone_name, viewer_zone) or _wall_clock_differs(
        ends_at, zone_name, viewer_zone
    ):
        viewer = _moment(starts_at, ends_at, viewer_zone, language)
    return When(False, local, viewer, starts_at, ends_at)


def _wall_clock_differs(instant: datetime, zone_a: str, zone_b: str) -> bool:
    return (
        instant.astimezone(zone(zone_a)).utcoffset() != instant.astimezone(zone(zone_b)).utcoffset()
    )


def describe_moment(
    instant: datetime, zone_name: str, viewer_zone: str, language: str | None = None
) -> tuple[str, str | None]:
    """An instant as "Friday 15 January 2027, 23:59 Paris", and the viewer's if it differs."""
    language = page_language(language)

    def reading(name: str) -> str:
        local = instant.astimezone(zone(name))
        return (
            f"{format_day(local.date(), language)}, "
            f"{format_clock(instant, name, language)} {zone_label(name, language)}"
        )

    viewer = reading(viewer_zone) if _wall_clock_differs(instant, zone_name, viewer_zone) else None
    return reading(zone_name), viewer


def month_starts(first: date, count: int) -> list[date]:
    """The first days of `count` consecutive months from `first`'s month."""
    months = []
    day = first.replace(day=1)
    for _ in range(count):
        months.append(day)
        day = (day + timedelta(days=32)).replace(day=1)
    return months
