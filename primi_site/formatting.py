"""Dates, times, numbers and money in the page's locale, with Babel.

An event is shown in its own local time with its zone, and beside it the viewer's
time where it differs: "10:00 Toronto · 16:00 Paris".
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from babel import Locale
from babel.dates import (
    format_date,
    format_interval,
    format_skeleton,
    format_time,
    get_timezone_location,
)
from babel.numbers import format_currency, format_decimal

from primi_site.bilingual import page_language
from primi_site.timezones import zone

EN_DASH = "\u2013"

# Babel's locale for each page language: English pages read British dates ("Friday,
# 15 January 2027", 24-hour clock), as the cluster's European partners write them.
BABEL_LOCALES = {"fr": "fr_FR", "en": "en_GB"}


def babel_locale(language: str | None = None) -> str:
    """The Babel locale of the page's language ("fr" → "fr_FR", "en" → "en_GB")."""
    return BABEL_LOCALES[page_language(language)]


def zone_label(zone_name: str, language: str | None = None) -> str:
    """The zone's exemplar city in the page's language ("Toronto", "Londres"); for a zone
    CLDR names otherwise (America/Argentina/Buenos_Aires), its own city ("Buenos Aires")."""
    city = get_timezone_location(zone(zone_name), locale=babel_locale(language), return_city=True)
    if "/" in city:
        city = zone_name.rsplit("/", 1)[-1].replace("_", " ")
    return city


def format_day(day: date, language: str | None = None, width: str = "full") -> str:
    return format_date(day, format=width, locale=babel_locale(language))


def format_clock(instant: datetime, zone_name: str, language: str | None = None) -> str:
    return format_time(
        instant, format="short", tzinfo=zone(zone_name), locale=babel_locale(language)
    )


def format_days(first: date, last: date, language: str | None = None) -> str:
    locale = babel_locale(language)
    if first == last:
        return format_date(first, format="long", locale=locale)
    return format_interval(first, last, skeleton="yMMMMd", locale=locale)


def format_money(amount: Decimal | int | float, currency: str, language: str | None = None) -> str:
    return format_currency(amount, currency, locale=babel_locale(language))


def format_number(value: int | float | Decimal, language: str | None = None) -> str:
    return format_decimal(value, locale=babel_locale(language))


@dataclass(frozen=True)
class Moment:
    """One way of reading a span of time: a day line, a clock range and a zone.

    A span that ends on a later day carries the end's day in `clock`, so that
    "`day`, `clock` `zone`" always reads as one span:
    "mardi 9 novembre 2027, 23:30 – mer. 10 nov., 01:00 Vancouver".
    """

    day: str
    clock: str
    zone: str

    @property
    def text(self) -> str:
        """The whole reading in plain text, zone named."""
        return f"{self.day}, {self.clock} {self.zone}" if self.clock else f"{self.day} {self.zone}"


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

    @property
    def text(self) -> str:
        """Plain text for places without markup (a `<select>` option, an email line):
        the local reading, and the viewer's after a middle dot where it differs."""
        if self.viewer is None:
            return self.local.text
        viewer = self.viewer
        if viewer.day == self.local.day:
            return f"{self.local.text} · {viewer.clock} {viewer.zone}"
        return f"{self.local.text} · {viewer.text}"


def _interval(first: str, second: str, locale: str) -> str:
    """Two readings joined by the locale's interval pattern ("{0} – {1}")."""
    pattern = Locale.parse(locale).interval_formats.get(None) or "{0}–{1}"
    return pattern.replace("{0}", first).replace("{1}", second)


def _day_and_clock(day: date, clock: str, locale: str, *, with_year: bool) -> str:
    """A short day with its clock in the locale's own pattern ("mer. 10 nov., 01:00")."""
    glue = Locale.parse(locale).datetime_formats["medium"]
    shown = format_skeleton("yMMMEd" if with_year else "MMMEd", day, locale=locale)
    return str(glue).replace("{1}", shown).replace("{0}", clock)


def _moment(start: datetime, end: datetime, zone_name: str, language: str) -> Moment:
    tz = zone(zone_name)
    local_start, local_end = start.astimezone(tz), end.astimezone(tz)
    day = format_day(local_start.date(), language)
    start_clock = format_clock(start, zone_name, language)
    end_clock = format_clock(end, zone_name, language)
    if local_end.date() == local_start.date():
        clock = EN_DASH.join((start_clock, end_clock))
    else:
        # Across midnight (or several days): the end names its own day, in Babel's
        # interval pattern, and its year only when it is not the start's.
        locale = babel_locale(language)
        ending = _day_and_clock(
            local_end.date(), end_clock, locale, with_year=local_end.year != local_start.year
        )
        clock = _interval(start_clock, ending, locale)
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


def format_month(day: date, language: str | None = None) -> str:
    """A month and its year in the page's language ("décembre 2026", "December 2026")."""
    return format_skeleton("yMMMM", day, locale=babel_locale(language))


def format_stamp(instant: datetime, zone_name: str, language: str | None = None) -> str:
    """A short date and time for lists and histories ("15 Jan 2027, 23:59"), in a zone."""
    locale = babel_locale(language)
    local = instant.astimezone(zone(zone_name))
    return _day_and_clock_medium(local.date(), format_clock(instant, zone_name, language), locale)


def _day_and_clock_medium(day: date, clock: str, locale: str) -> str:
    glue = Locale.parse(locale).datetime_formats["medium"]
    return str(glue).replace("{1}", format_date(day, "medium", locale=locale)).replace("{0}", clock)


def month_starts(first: date, count: int) -> list[date]:
    """The first days of `count` consecutive months from `first`'s month."""
    months = []
    day = first.replace(day=1)
    for _ in range(count):
        months.append(day)
        day = (day + timedelta(days=32)).replace(day=1)
    return months
