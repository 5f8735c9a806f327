"""The feed checklist as assertions, with three independent strict parsers.

`check_calendar(data, kind)` asserts every line of the checklist that a single
calendar object can show and returns what the parsers read, for the tests to
compare with what they expect.
"""

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import vobject
from ical.calendar_stream import IcsCalendarStream

UID_PATTERN = re.compile(r"^(event|mission|meeting|registration)-\d+@international\.primi$")


@dataclass
class ParsedEvent:
    uid: str
    summary: str
    description: str
    location: str
    start: datetime | date  # UTC instant, or the date of an all-day item
    end: datetime | date
    sequence: int
    status: str
    all_day: bool


def content_lines(data: bytes) -> list[str]:
    """Unfolded content lines."""
    unfolded = data.replace(b"\r\n ", b"").replace(b"\r\n\t", b"")
    return unfolded.decode("utf-8").split("\r\n")[:-1]


def check_file(data: bytes) -> None:
    # 1. UTF-8 without BOM, CRLF, folded at 75 octets without splitting a character.
    assert not data.startswith(b"\xef\xbb\xbf")
    assert data.endswith(b"\r\n")
    physical = data.split(b"\r\n")[:-1]
    for line in physical:
        assert b"\r" not in line and b"\n" not in line, line
        assert len(line) <= 75, (len(line), line)
        line.decode("utf-8")  # a character split across a fold would fail here
        text = line.decode("utf-8")
        assert not any((ord(c) < 32 and c != "\t") or ord(c) == 127 for c in text), line
    # 2. One VCALENDAR, VERSION:2.0, one PRODID.
    lines = content_lines(data)
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-1] == "END:VCALENDAR"
    assert lines.count("BEGIN:VCALENDAR") == 1
    assert lines.count("VERSION:2.0") == 1
    assert len([line for line in lines if line.startswith("PRODID:")]) == 1


def _components(lines: list[str], name: str) -> list[list[str]]:
    found, current = [], None
    for line in lines:
        if line == f"BEGIN:{name}":
            current = []
        elif line == f"END:{name}":
            found.append(current)
            current = None
        elif current is not None:
            current.append(line)
    return found


def _props(component: list[str], name: str) -> list[str]:
    return [line for line in component if re.match(rf"^{name}[;:]", line)]


def _value(line: str) -> str:
    # The value follows the first colon outside a quoted parameter.
    quoted = False
    for index, char in enumerate(line):
        if char == '"':
            quoted = not quoted
        elif char == ":" and not quoted:
            return line[index + 1 :]
    raise AssertionError(line)


def check_structure(data: bytes, kind: str) -> None:
    """Lines 3 to 11 of the checklist, read from the text itself."""
    lines = content_lines(data)
    top = []
    depth = 0
    for line in lines[1:-1]:
        if line.startswith("BEGIN:"):
            depth += 1
        elif line.startswith("END:"):
            depth -= 1
        elif depth == 0:
            top.append(line)
    methods = _props(top, "METHOD")
    events = _components(lines, "VEVENT")
    assert events, "no VEVENT"
    # 3. Method, organiser, attendees.
    if kind == "invitation":
        assert len(methods) == 1 and _value(methods[0]) in {"REQUEST", "CANCEL"}
    else:
        assert methods in ([], ["METHOD:PUBLISH"])
    for event in events:
        assert len(_props(event, "ORGANIZER")) == 1
        attendees = _props(event, "ATTENDEE")
        if kind == "invitation":
            # No reply asked for (none is read): see docs/feeds.md, "Invitations".
            assert attendees and all("RSVP=FALSE" in line for line in attendees)
            assert all("PARTSTAT=ACCEPTED" in line for line in attendees)
        else:
            assert attendees == []
    # 4. Name and refresh of subscribed feeds only.
    names = [_value(line) for line in _props(top, "NAME")]
    wr_names = [_value(line) for line in _props(top, "X-WR-CALNAME")]
    if kind == "feed":
        assert len(names) == 1 and names == wr_names and names[0]
        assert _props(top, "REFRESH-INTERVAL") == ["REFRESH-INTERVAL;VALUE=DURATION:PT1H"]
        assert _props(top, "X-PUBLISHED-TTL") == ["X-PUBLISHED-TTL:PT1H"]
    else:
        assert names == wr_names == []
        assert not _props(top, "REFRESH-INTERVAL") and not _props(top, "X-PUBLISHED-TTL")
    # 5. One UID, DTSTAMP, DTSTART each; UIDs unique, without personal data.
    uids = []
    used_zones = set()
    for event in events:
        for name in ("UID", "DTSTAMP", "DTSTART", "SEQUENCE"):  # 11: SEQUENCE present
            assert len(_props(event, name)) == 1, (name, event)
        uid = _value(_props(event, "UID")[0])
        assert UID_PATTERN.match(uid), uid
        uids.append(uid)
        # 6. UTC stamps.
        for name in ("DTSTAMP", "CREATED", "LAST-MODIFIED"):
            for line in _props(event, name):
                assert re.fullmatch(rf"{name}:\d{{8}}T\d{{6}}Z", line), line
        # 7. Same value type, no DTEND with DURATION.
        start = _props(event, "DTSTART")[0]
        ends = _props(event, "DTEND")
        assert not (ends and _props(event, "DURATION"))
        assert len(ends) == 1
        end = ends[0]
        # 8. Zone of timed items, VALUE=DATE with exclusive end for all-day ones.
        if "VALUE=DATE:" in start:
            assert "VALUE=DATE:" in end
            assert _value(end) > _value(start)
        else:
            for line in (start, end):
                value = _value(line)
                assert re.fullmatch(r"\d{8}T\d{6}Z?", value), line
                if value.endswith("Z"):
                    assert "TZID=" not in line
                else:
                    match = re.search(r"TZID=([^;:]+)", line)
                    assert match, f"floating time: {line}"
                    used_zones.add(match.group(1))
    assert len(uids) == len(set(uids)), "duplicate UID"
    # 9. One VTIMEZONE per TZID used, none unused, in the yearly-rule form.
    zones = _components(lines, "VTIMEZONE")
    tzids = [_value(_props(z, "TZID")[0]) for z in zones]
    assert sorted(tzids) == sorted(used_zones), (tzids, used_zones)


def check_vtimezones(data: bytes, years: dict[str, tuple[int, int]] | None = None) -> None:
    """9. Each VTIMEZONE agrees with zoneinfo hour by hour over the years it covers, in the
    rule form: one STANDARD and one DAYLIGHT with RRULE where the zone has daylight saving."""
    calendar = icalendar.Calendar.from_ical(data)
    starts: dict[str, list[int]] = {}
    for event in calendar.walk("VEVENT"):
        for name in ("DTSTART", "DTEND"):
            value = event.decoded(name)
            tzid = event[name].params.get("TZID")
            if tzid:
                starts.setdefault(tzid, []).append(value.year)
    for vtimezone in calendar.walk("VTIMEZONE"):
        tzid = str(vtimezone["TZID"])
        first, last = (years or {}).get(tzid) or (min(starts[tzid]), max(starts[tzid]))
        zone = ZoneInfo(tzid)
        standards = vtimezone.walk("STANDARD")
        daylights = vtimezone.walk("DAYLIGHT")
        has_dst = any(
            datetime(year, month, 1, tzinfo=UTC).astimezone(zone).dst()
            for year in range(first, last + 1)
            for month in range(1, 13)
        )
        if has_dst:
            assert len(standards) == 1 and len(daylights) == 1, vtimezone.to_ical()
            assert all("RRULE" in part for part in standards + daylights)
        else:
            assert len(standards) == 1 and not daylights
        parsed = vtimezone.to_tz()
        instant = datetime(first, 1, 1, tzinfo=UTC)
        while instant < datetime(last + 1, 1, 1, tzinfo=UTC):
            assert instant.astimezone(parsed).utcoffset() == instant.astimezone(zone).utcoffset(), (
                tzid,
                instant,
            )
            instant += timedelta(hours=1)


def _utc(value):
    if isinstance(value, datetime):
        assert value.tzinfo is not None, f"floating time {value}"
        return value.astimezone(UTC)
    return value


def parse_all(data: bytes) -> list[ParsedEvent]:
    """15. icalendar, vobject and ical accept it and agree on every instant and text."""
    text = data.decode("utf-8")
    by_icalendar = {}
    for event in icalendar.Calendar.from_ical(data).walk("VEVENT"):
        start = event.decoded("DTSTART")
        by_icalendar[str(event["UID"])] = ParsedEvent(
            uid=str(event["UID"]),
            summary=str(event.get("SUMMARY", "")),
            description=str(event.get("DESCRIPTION", "")),
            location=str(event.get("LOCATION", "")),
            start=_utc(start),
            end=_utc(event.decoded("DTEND")),
            sequence=int(event["SEQUENCE"]),
            status=str(event["STATUS"]),
            all_day=not isinstance(start, datetime),
        )
    by_vobject = {}
    for event in vobject.readOne(text, validate=True).vevent_list:
        by_vobject[event.uid.value] = (
            _utc(event.dtstart.value),
            _utc(event.dtend.value),
            event.summary.value,
            event.description.value if hasattr(event, "description") else "",
            event.location.value if hasattr(event, "location") else "",
        )
    by_ical = {}
    for event in IcsCalendarStream.calendar_from_ics(text).events:
        by_ical[event.uid] = (
            _utc(event.dtstart),
            _utc(event.dtend),
            event.summary,
            event.description or "",
            event.location or "",
        )
    assert set(by_icalendar) == set(by_vobject) == set(by_ical)
    for uid, parsed in by_icalendar.items():
        expected = (parsed.start, parsed.end, parsed.summary, parsed.description, parsed.location)
        assert by_vobject[uid] == expected, (uid, by_vobject[uid], expected)
        assert by_ical[uid] == expected, (uid, by_ical[uid], expected)
    return list(by_icalendar.values())


def check_calendar(data: bytes, kind: str = "feed") -> dict[str, ParsedEvent]:
    """Every checklist line one calendar object shows; `kind` is feed, download or
    invitation. Returns the events by UID."""
    check_file(data)
    check_structure(data, kind)
    check_vtimezones(data)
    parsed = parse_all(data)
    return {event.uid: event for event in parsed}
