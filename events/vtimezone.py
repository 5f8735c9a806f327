"""VTIMEZONE components in the yearly-rule form, computed from the IANA database.

A library's automatic VTIMEZONE lists every past transition as RDATEs and puts the
onset of daylight time at the wrong wall-clock hour; calendar clients then shift
events near the changes. Here the transitions are read from `zoneinfo` over the
years a calendar covers and folded back into the rules they come from:

    BEGIN:DAYLIGHT                      BEGIN:STANDARD
    DTSTART:20250330T020000             DTSTART:20251026T030000
    RRULE:FREQ=YEARLY;BYMONTH=3;        RRULE:FREQ=YEARLY;BYMONTH=10;
     BYDAY=-1SU                          BYDAY=-1SU

`DTSTART` is the local time of the change read in the offset in force before it
(RFC 5545, 3.6.5). A rule that changed within the window ends with an `UNTIL` in
UTC; transitions that follow no weekday rule are listed as RDATEs; a zone without
daylight saving gets a single STANDARD.
"""

import calendar
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache

from icalendar import Timezone, TimezoneDaylight, TimezoneStandard

from primi_site.timezones import zone

WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
SCAN_STEP = timedelta(days=7)  # no zone changes twice within a week


@dataclass(frozen=True)
class Transition:
    utc: datetime
    local: datetime  # naive wall-clock time of the change, in the offset before it
    offset_from: timedelta
    offset_to: timedelta
    is_dst: bool
    name: str

    @property
    def key(self) -> tuple:
        return (
            self.is_dst,
            self.offset_from,
            self.offset_to,
            self.name,
            self.local.month,
            self.local.weekday(),
            self.local.time(),
        )

    @property
    def day_rules(self) -> frozenset:
        """The weekday rules this day satisfies: ("nth", 2), ("nth", -1), ("ge", 8)…"""
        day = self.local.day
        month_length = calendar.monthrange(self.local.year, self.local.month)[1]
        rules = {("ge", first) for first in range(max(1, day - 6), day + 1)}
        if day <= 28:
            rules.add(("nth", (day - 1) // 7 + 1))
        if day + 7 > month_length:
            rules.add(("nth", -1))
        return frozenset(rules)


@dataclass
class _Group:
    transitions: list[Transition] = field(default_factory=list)
    rules: frozenset = frozenset()


def _state(instant: datetime, tz) -> tuple[timedelta, timedelta, str]:
    local = instant.astimezone(tz)
    return local.utcoffset(), local.dst(), local.tzname()


def transitions(zone_name: str, start: datetime, end: datetime) -> list[Transition]:
    """Every change of offset, daylight flag or abbreviation in [start, end), to the second."""
    tz = zone(zone_name)
    found = []
    instant, state = start, _state(start, tz)
    while instant < end:
        following = min(instant + SCAN_STEP, end)
        next_state = _state(following, tz)
        if next_state != state:
            low, high = instant, following  # state(low) == state, state(high) differs
            while high - low > timedelta(seconds=1):
                middle = low + (high - low) / 2
                middle = middle.replace(microsecond=0)
                if middle <= low:
                    break
                if _state(middle, tz) == state:
                    low = middle
                else:
                    high = middle
            after = _state(high, tz)
            found.append(
                Transition(
                    utc=high,
                    local=(high + state[0]).replace(tzinfo=None),
                    offset_from=state[0],
                    offset_to=after[0],
                    is_dst=bool(after[1]),
                    name=after[2],
                )
            )
            state = after
            instant = high
            continue
        instant, state = following, next_state
    return found


def _groups(found: list[Transition]) -> list[_Group]:
    """Consecutive yearly transitions that one weekday rule describes."""
    groups: list[_Group] = []
    open_groups: dict[tuple, _Group] = {}
    for transition in found:
        group = open_groups.get(transition.key)
        if group is not None:
            last = group.transitions[-1]
            common = group.rules & transition.day_rules
            if last.local.year == transition.local.year - 1 and common:
                group.transitions.append(transition)
                group.rules = common
                continue
        group = _Group([transition], transition.day_rules)
        open_groups[transition.key] = group
        groups.append(group)
    return groups


def _byday(rules: frozenset, weekday: int) -> dict:
    code = WEEKDAYS[weekday]
    if ("nth", -1) in rules:
        return {"byday": f"-1{code}"}
    ordinals = sorted(n for kind, n in rules if kind == "nth" and n > 0)
    if ordinals:
        return {"byday": f"{ordinals[0]}{code}"}
    first = min(n for kind, n in rules if kind == "ge")
    return {"byday": code, "bymonthday": list(range(first, first + 7))}


def _component(first: Transition):
    component = TimezoneDaylight() if first.is_dst else TimezoneStandard()
    component.add("dtstart", first.local)
    component.add("tzoffsetfrom", first.offset_from)
    component.add("tzoffsetto", first.offset_to)
    component.add("tzname", first.name)
    return component


@lru_cache(maxsize=256)
def vtimezone(zone_name: str, first_year: int, last_year: int) -> Timezone:
    """The VTIMEZONE of `zone_name`, exact from `first_year` to `last_year` included.

    The scan starts a year earlier (so January of `first_year` follows an onset) and
    ends a year later (so a rule still in force at the end is left open).
    """
    scan_start = datetime(first_year - 1, 1, 1, tzinfo=UTC)
    scan_end = datetime(last_year + 2, 1, 1, tzinfo=UTC)
    found = transitions(zone_name, scan_start, scan_end)
    timezone = Timezone()
    timezone.add("tzid", zone_name)

    covered_start = datetime(first_year, 1, 1, tzinfo=UTC) - timedelta(days=1)
    if not found or found[0].utc > covered_start:
        tz = zone(zone_name)
        offset, dst, name = _state(scan_start, tz)
        initial = Transition(
            utc=scan_start,
            local=(scan_start + offset).replace(tzinfo=None),
            offset_from=offset,
            offset_to=offset,
            is_dst=bool(dst),
            name=name,
        )
        timezone.add_component(_component(initial))

    singles: dict[tuple, list[Transition]] = {}
    for group in _groups(found):
        first, last = group.transitions[0], group.transitions[-1]
        if len(group.transitions) == 1:
            singles.setdefault(
                (first.is_dst, first.offset_from, first.offset_to, first.name), []
            ).append(first)
            continue
        component = _component(first)
        rule = {"freq": "yearly", "bymonth": first.local.month}
        rule.update(_byday(group.rules, first.local.weekday()))
        if last.local.year < last_year + 1:
            rule["until"] = last.utc
        component.add("rrule", rule)
        timezone.add_component(component)
    for listed in singles.values():
        component = _component(listed[0])
        for extra in listed[1:]:
            component.add("rdate", extra.local)
        timezone.add_component(component)
    return timezone


def years_spanned(days: list[date]) -> tuple[int, int]:
    return min(day.year for day in days), max(day.year for day in days)
