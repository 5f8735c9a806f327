"""iCalendar for events and missions: one builder shared by emails and feeds.

Small pieces that compose: `new_calendar()` opens a VCALENDAR, `event_component()`
and `mission_component()` make one VEVENT each, `add_time_zones()` adds exactly the
VTIMEZONEs used (yearly-rule form, computed from the IANA database), `to_bytes()`
serialises. `event_calendar()` and `mission_calendar()` are the single-object
downloads attached to confirmation emails. A feed builds one calendar, adds many
components, then the time zones.

Renders are reproducible: the UID is `event-<pk>@<host>` (or `mission-…`), DTSTAMP is
the object's `updated_at`, never the current time.
"""

from datetime import UTC, datetime, timedelta
from functools import lru_cache
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import icalendar
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from events.models import Event
from missions.models import Mission
from primi_site.bilingual import localized, page_language
from primi_site.timezones import transitions, zone
from primi_site.validators import country_codes

PRODID = "-//PRIMI//PRIMI international//EN"
WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


def host() -> str:
    return urlsplit(settings.SITE_URL).hostname or "localhost"


def uid_for(kind: str, pk: int) -> str:
    return f"{kind}-{pk}@{host()}"


def sequence_of(obj: Event | Mission) -> int:
    """The SEQUENCE of an object: a stored counter where the model keeps one."""
    return int(getattr(obj, "ical_sequence", 0) or 0)


def new_calendar(language: str, method: str | None = "PUBLISH") -> icalendar.Calendar:
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if method:
        calendar.add("method", method)
    return calendar


def _absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def _organizer() -> icalendar.vCalAddress:
    name, address = _parse_from(settings.DEFAULT_FROM_EMAIL)
    organizer = icalendar.vCalAddress(f"mailto:{address}")
    if name:
        organizer.params["cn"] = icalendar.vText(name)
    return organizer


def _parse_from(value: str) -> tuple[str, str]:
    from email.utils import parseaddr

    return parseaddr(value)


def _common(component: icalendar.Event, obj: Event | Mission, kind: str, language: str) -> None:
    component.add("uid", uid_for(kind, obj.pk))
    component.add("dtstamp", obj.updated_at.astimezone(UTC))
    component.add("created", obj.created_at.astimezone(UTC))
    component.add("last-modified", obj.updated_at.astimezone(UTC))
    component.add("sequence", sequence_of(obj))
    component.add("summary", localized(obj, "title", language).text)
    description = localized(obj, "description", language).text
    if description:
        component.add("description", description)
    component.add("url", _absolute(obj.get_absolute_url()))
    component.add("organizer", _organizer())
    cancelled = obj.status == "cancelled"
    component.add("status", "CANCELLED" if cancelled else "CONFIRMED")


def _country_name(code: str, language: str) -> str:
    from babel import Locale

    if code not in country_codes():
        return code
    return Locale.parse(language).territories.get(code, code)


def event_component(event: Event, language: str) -> icalendar.Event:
    component = icalendar.Event()
    with translation.override(language):
        _common(component, event, "event", language)
    if event.all_day and event.start_date and event.end_date:
        component.add("dtstart", event.start_date)
        component.add("dtend", event.end_date + timedelta(days=1))
    else:
        tz = zone(event.time_zone)
        component.add("dtstart", event.starts_at.astimezone(tz))
        component.add("dtend", event.ends_at.astimezone(tz))
    place = [event.venue_name, event.venue_address, event.city]
    if event.country:
        place.append(_country_name(event.country, language))
    location = ", ".join(part for part in place if part) or event.online_url
    if location:
        component.add("location", location)
    return component


def mission_component(mission: Mission, language: str) -> icalendar.Event:
    component = icalendar.Event()
    with translation.override(language):
        _common(component, mission, "mission", language)
        component.add("dtstart", mission.start_date)
        component.add("dtend", mission.end_date + timedelta(days=1))
        component.add(
            "location",
            f"{mission.destination_city}, {_country_name(mission.destination_country, language)}",
        )
        component.add("categories", [_("Trade mission")])
    return component


def add_time_zones(calendar: icalendar.Calendar) -> None:
    """Add one VTIMEZONE for each TZID the calendar's events use, and only those."""
    used: dict[str, set[int]] = {}
    for component in calendar.walk("VEVENT"):
        for prop in ("dtstart", "dtend"):
            value = component.decoded(prop, None)
            if isinstance(value, datetime) and isinstance(value.tzinfo, ZoneInfo):
                used.setdefault(value.tzinfo.key, set()).add(value.year)
    for name in sorted(used):
        # Rules start the year before, so the first event never precedes them.
        calendar.subcomponents.insert(0, vtimezone(name, min(used[name]) - 1))


def _nth_weekday(local: datetime) -> str:
    """The BYDAY of a transition's local day: "2SU", or "-1SU" for the last."""
    weekday = WEEKDAYS[local.weekday()]
    if (local + timedelta(days=7)).month != local.month:
        return f"-1{weekday}"
    return f"{(local.day - 1) // 7 + 1}{weekday}"


@lru_cache(maxsize=256)
def _rules(name: str, year: int) -> tuple[tuple, ...]:
    """(daylight?, local start, offset from, offset to, name, BYDAY) per observance."""
    tz = zone(name)
    start = datetime(year, 1, 1, tzinfo=UTC)
    changes = transitions(name, start, datetime(year + 1, 1, 1, tzinfo=UTC))
    if len(changes) != 2:
        local = start.astimezone(tz)
        epoch = datetime(1970, 1, 1, tzinfo=UTC).replace(tzinfo=None)
        return ((False, epoch, local.utcoffset(), local.utcoffset(), local.tzname(), None),)
    rules = []
    for instant in changes:
        before = (instant - timedelta(seconds=1)).astimezone(tz)
        after = instant.astimezone(tz)
        wall = (instant.astimezone(UTC) + before.utcoffset()).replace(tzinfo=None)
        rules.append(
            (
                bool(after.dst()),
                wall,
                before.utcoffset(),
                after.utcoffset(),
                after.tzname(),
                _nth_weekday(wall),
            )
        )
    return tuple(rules)


def vtimezone(name: str, year: int) -> icalendar.Timezone:
    """A VTIMEZONE in yearly-rule form from the zone's transitions in `year`."""
    component = icalendar.Timezone()
    component.add("tzid", name)
    for daylight, wall, offset_from, offset_to, tzname, byday in _rules(name, year):
        part = icalendar.TimezoneDaylight() if daylight else icalendar.TimezoneStandard()
        part.add("dtstart", wall)
        part.add("tzoffsetfrom", offset_from)
        part.add("tzoffsetto", offset_to)
        part.add("tzname", tzname)
        if byday:
            part.add("rrule", {"freq": "yearly", "bymonth": wall.month, "byday": byday})
        component.add_component(part)
    return component


def to_bytes(calendar: icalendar.Calendar) -> bytes:
    return calendar.to_ical()


def event_calendar(event: Event, language: str, method: str = "PUBLISH") -> bytes:
    calendar = new_calendar(page_language(language), method)
    calendar.add_component(event_component(event, page_language(language)))
    add_time_zones(calendar)
    return to_bytes(calendar)


def mission_calendar(mission: Mission, language: str, method: str = "PUBLISH") -> bytes:
    calendar = new_calendar(page_language(language), method)
    calendar.add_component(mission_component(mission, page_language(language)))
    return to_bytes(calendar)


def filename_for(obj: Event | Mission) -> str:
    return f"{obj.slug}.ics"


__all__ = [
    "add_time_zones",
    "event_calendar",
    "event_component",
    "mission_calendar",
    "mission_component",
    "new_calendar",
    "to_bytes",
    "uid_for",
    "vtimezone",
]
