"""iCalendar building, shared by the feeds and the emailed invitations.

Everything a calendar shows goes through `CalendarItem`: an event, a mission, a
registration or a B2B meeting is first turned into items (in the language asked
for), then `build_calendar` writes them. Views and emails only return what this
module builds.

What the output guarantees (see the feed checklist in the docs):
- stable UIDs without personal data (`event-12@…`, `mission-3@…`, `meeting-7@…`);
- in feeds (PUBLISH), DTSTAMP, CREATED and LAST-MODIFIED from the stored data, never
  "now", so two renders of unchanged data are byte-identical; in an emailed
  invitation (REQUEST, CANCEL), DTSTAMP is when the message is created (RFC 5545
  §3.8.7.2: with a METHOD it dates the iTIP message, not the event's last change);
- timed items in their IANA zone with a VTIMEZONE in the yearly-rule form
  (`events.vtimezone`), or in UTC when the local time is a repeated hour;
- all-day items as `VALUE=DATE` with an exclusive end;
- text stripped of control characters, escaped and folded by `icalendar`.
"""

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from email.utils import parseaddr
from functools import lru_cache

from babel import Locale
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from icalendar import Calendar, vCalAddress, vDuration, vText
from icalendar import Event as VEvent

from events.models import Event
from events.vtimezone import vtimezone
from missions.models import Mission
from primi_site.bilingual import localized, page_language
from primi_site.timezones import zone

UID_DOMAIN = "international.primi"
PRODID = "-//PRIMI//PRIMI international calendar//EN"
REFRESH = timedelta(hours=1)
METHODS = ("PUBLISH", "REQUEST", "CANCEL")


@dataclass(frozen=True)
class Attendee:
    """The recipient of an invitation."""

    email: str
    name: str = ""


@dataclass(frozen=True)
class CalendarItem:
    """One VEVENT, already in the calendar's language."""

    uid: str
    sequence: int
    cancelled: bool
    summary: str
    starts_at: datetime  # UTC
    ends_at: datetime  # UTC
    time_zone: str
    last_modified: datetime
    created: datetime | None = None
    all_day: bool = False
    first_day: date | None = None
    last_day: date | None = None  # inclusive
    description: str = ""
    location: str = ""
    url: str = ""
    categories: tuple[str, ...] = ()


def uid_for(kind: str, pk: int) -> str:
    """The UID of an event, mission or meeting: the same in every feed and email, forever."""
    return f"{kind}-{pk}@{UID_DOMAIN}"


def site_url(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")


def clean_text(text: str) -> str:
    """Text without control characters (tab and line breaks kept, as LF)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return CONTROL_CHARACTERS.sub("", text).strip()


@lru_cache(maxsize=4)
def _territories(language: str) -> dict:
    return dict(Locale.parse(language).territories)


def country_name(code: str, language: str) -> str:
    return _territories(language).get(code, code) if code else ""


@lru_cache(maxsize=16)
def _page_url_pattern(route: str, language: str, base: str) -> str:
    with translation.override(language):
        return base + reverse(route, kwargs={"slug": "SLUG"})


def _page_url(route: str, slug: str, language: str) -> str:
    # Slugs are [-a-zA-Z0-9_]: the pattern's placeholder can be replaced as text.
    return _page_url_pattern(route, language, settings.SITE_URL).replace("SLUG", slug, 1)


@lru_cache(maxsize=64)
def _label(choice, language: str) -> str:
    """The label of a choice (an enum member, hashable) in `language`."""
    with translation.override(language):
        return str(choice.label)


def _join_lines(*parts: str) -> str:
    return "\n\n".join(part for part in parts if part)


def place_of(target, language: str) -> str:
    """Where an event happens (venue, address, city, country), or a mission goes (its
    destination), in `language`; empty for an event online only."""
    if isinstance(target, Mission):
        parts = (target.destination_city, country_name(target.destination_country, language))
    else:
        parts = (
            target.venue_name,
            target.venue_address,
            target.city,
            country_name(target.country, language),
        )
    return ", ".join(part for part in parts if part)


def event_item(event, language: str) -> CalendarItem:
    """The calendar item of an event (its mission, if any, selected with it)."""
    language = page_language(language)
    with translation.override(language):
        url = _page_url("event_detail", event.slug, language)
        place = place_of(event, language)
        online = _("Online: %(url)s") % {"url": event.online_url} if event.online_url else ""
        mission = (
            _("Part of: %(mission)s") % {"mission": localized(event.mission, "title", language)}
            if event.mission_id and event.mission
            else ""
        )
        description = _join_lines(
            localized(event, "description", language).text,
            online,
            mission,
            _("Details: %(url)s") % {"url": url},
        )
        return CalendarItem(
            uid=uid_for("event", event.pk),
            sequence=event.sequence,
            cancelled=event.status == "cancelled",
            summary=localized(event, "title", language).text,
            starts_at=event.starts_at,
            ends_at=event.ends_at,
            time_zone=event.time_zone,
            all_day=event.all_day,
            first_day=event.start_date,
            last_day=event.end_date,
            description=description,
            location=place or event.online_url,
            url=url,
            created=event.created_at,
            last_modified=event.updated_at,
            categories=(_label(Event.Kind(event.kind), language),),
        )


def mission_item(mission, language: str) -> CalendarItem:
    """The calendar item of a mission: its days, all day, in the destination's zone."""
    language = page_language(language)
    with translation.override(language):
        url = _page_url("mission_detail", mission.slug, language)
        description = _join_lines(
            localized(mission, "summary", language).text,
            localized(mission, "description", language).text,
            _("Details: %(url)s") % {"url": url},
        )
        return CalendarItem(
            uid=uid_for("mission", mission.pk),
            sequence=mission.sequence,
            cancelled=mission.status == "cancelled",
            summary=localized(mission, "title", language).text,
            starts_at=mission.starts_at.astimezone(UTC),
            ends_at=(mission.starts_at + timedelta(days=1)).astimezone(UTC),
            time_zone=mission.time_zone,
            all_day=True,
            first_day=mission.start_date,
            last_day=mission.end_date,
            description=description,
            location=place_of(mission, language),
            url=url,
            created=mission.created_at,
            last_modified=mission.updated_at,
            categories=(_label(Mission.Direction(mission.direction), language),),
        )


def organizer() -> vCalAddress:
    return _organizer(settings.DEFAULT_FROM_EMAIL)


@lru_cache(maxsize=4)
def _organizer(sender: str) -> vCalAddress:
    """The ORGANIZER: the address invitations come from (shared, never modified)."""
    name, email = parseaddr(sender)
    address = vCalAddress(f"mailto:{email}")
    if name:
        address.params["CN"] = name
    return address


def _utc(instant: datetime) -> datetime:
    return instant.astimezone(UTC).replace(microsecond=0)


def _local(instant: datetime, zone_name: str) -> datetime | None:
    """The wall-clock time in the zone, or None when that reading happens twice."""
    local = instant.astimezone(zone(zone_name)).replace(microsecond=0)
    other = local.replace(fold=1 - local.fold)
    if other.utcoffset() != local.utcoffset():
        return None
    return local


def _vevent(
    item: CalendarItem,
    method: str,
    attendee: Attendee | None,
    organizer_address: vCalAddress,
    stamp: datetime | None = None,
) -> tuple[VEvent, set]:
    """The VEVENT and the (zone, year) pairs its times use."""
    vevent = VEvent()
    vevent.add("uid", item.uid)
    vevent.add("dtstamp", _utc(stamp or item.last_modified))
    zones = set()
    if item.all_day:
        vevent.add("dtstart", item.first_day)
        vevent.add("dtend", item.last_day + timedelta(days=1))
    else:
        start, end = _local(item.starts_at, item.time_zone), _local(item.ends_at, item.time_zone)
        if start is None or end is None:
            start, end = _utc(item.starts_at), _utc(item.ends_at)
        else:
            zones = {(item.time_zone, start.year), (item.time_zone, end.year)}
        vevent.add("dtstart", start)
        vevent.add("dtend", end)
    if item.created:
        vevent.add("created", _utc(item.created))
    vevent.add("last-modified", _utc(item.last_modified))
    cancelled = item.cancelled or method == "CANCEL"
    vevent.add("sequence", item.sequence)
    vevent.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    vevent.add("summary", vText(clean_text(item.summary)))
    if item.description:
        vevent.add("description", vText(clean_text(item.description)))
    if item.location:
        vevent.add("location", vText(clean_text(item.location)))
    if item.url:
        vevent.add("url", item.url)
    if item.categories:
        vevent.add("categories", [clean_text(category) for category in item.categories])
    vevent.add("organizer", organizer_address)
    if attendee is not None and method != "PUBLISH":
        address = vCalAddress(f"mailto:{attendee.email}")
        if attendee.name:
            address.params["CN"] = clean_text(attendee.name)
        address.params["ROLE"] = "REQ-PARTICIPANT"
        # No reply is asked for, and none is read: the person registered (or booked the
        # meeting) already, and changes or cancels it on the site, where the email's text
        # points. Calendars then show no "Going? Yes / No" that would change nothing.
        address.params["PARTSTAT"] = "ACCEPTED"
        address.params["RSVP"] = "FALSE"
        vevent.add("attendee", address)
    return vevent, zones


def build_calendar(
    items: Iterable[CalendarItem],
    *,
    name: str | None = None,
    method: str = "PUBLISH",
    attendee: Attendee | None = None,
    created_at: datetime | None = None,
) -> bytes:
    """The iCalendar bytes of `items`, sorted by start then UID, one per UID (the first
    given wins).

    `name` makes it a subscribed feed: NAME and X-WR-CALNAME, and a refresh hint.
    A download (`name` None) carries neither. REQUEST and CANCEL are invitations:
    they carry the attendee, and their DTSTAMP is `created_at` (default: now), the
    message's own creation; a PUBLISH keeps each item's last change.
    """
    if method not in METHODS:
        raise ValueError(f"Unknown iTIP method {method!r}.")
    stamp = None if method == "PUBLISH" else (created_at or timezone.now())
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)
    if name:
        calendar.add("name", vText(clean_text(name)))
        calendar.add("x-wr-calname", vText(clean_text(name)))
        calendar.add("refresh-interval", vDuration(REFRESH), parameters={"VALUE": "DURATION"})
        calendar.add("x-published-ttl", vDuration(REFRESH))
    years: dict[str, set[int]] = {}
    sender = organizer()
    events = []
    unique: dict[str, CalendarItem] = {}
    for item in items:
        unique.setdefault(item.uid, item)  # the first given wins
    for item in sorted(unique.values(), key=lambda item: (item.starts_at, item.uid)):
        vevent, zones = _vevent(item, method, attendee, sender, stamp)
        events.append(vevent)
        for zone_name, year in zones:
            years.setdefault(zone_name, set()).add(year)
    for zone_name in sorted(years):
        calendar.add_component(vtimezone(zone_name, min(years[zone_name]), max(years[zone_name])))
    for vevent in events:
        calendar.add_component(vevent)
    return calendar.to_ical()


def _invitation_item(item: CalendarItem, method: str, sequence: int | None) -> CalendarItem:
    changes = {"cancelled": item.cancelled or method == "CANCEL"}
    if sequence is not None:
        changes["sequence"] = sequence
    return replace(item, **changes)


def event_calendar(
    event,
    language: str,
    method: str = "PUBLISH",
    *,
    attendee: Attendee | None = None,
    sequence: int | None = None,
) -> bytes:
    """One event as a download (PUBLISH) or an invitation (REQUEST, CANCEL).

    `sequence` overrides the event's own for an invitation whose state is the
    person's rather than the event's (a registration cancelled while the event
    goes on).
    """
    item = _invitation_item(event_item(event, language), method, sequence)
    return build_calendar([item], method=method, attendee=attendee)


def mission_calendar(
    mission,
    language: str,
    method: str = "PUBLISH",
    *,
    attendee: Attendee | None = None,
    sequence: int | None = None,
    programme: Sequence | None = None,
) -> bytes:
    """A mission as a download or an invitation.

    An invitation holds the mission alone (iTIP: one UID per message); a download
    (PUBLISH) also holds its programme, the published and cancelled events given in
    `programme` (or read from the mission).
    """
    item = _invitation_item(mission_item(mission, language), method, sequence)
    items = [item]
    if method == "PUBLISH":
        if programme is None:
            from events.queries import mission_programme

            programme = mission_programme(mission)
        items += [event_item(event, language) for event in programme]
    return build_calendar(items, method=method, attendee=attendee)


def filename_for(obj) -> str:
    """The attachment name of an event's or a mission's calendar file."""
    return f"{obj.slug}.ics"
