from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest

from events.ical import event_calendar, mission_calendar, vtimezone
from tests.factories import EventFactory, MissionFactory

pytestmark = pytest.mark.django_db


def toronto_event(**kwargs):
    start = datetime(2027, 1, 12, 15, tzinfo=UTC)  # 10:00 in Toronto
    return EventFactory(
        slug="toronto-showcase",
        title_en='Showcase, Toronto; "animation"',
        title_fr="Vitrine d’animation à Toronto",
        time_zone="America/Toronto",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        city="Toronto",
        country="CA",
        **kwargs,
    )


def test_event_calendar_has_a_stable_uid_local_times_and_its_time_zone():
    event = toronto_event()
    data = event_calendar(event, "en")
    assert b"\r\n" in data and b"\n" not in data.replace(b"\r\n", b"")
    calendar = icalendar.Calendar.from_ical(data)
    (vevent,) = calendar.walk("VEVENT")
    assert str(vevent["uid"]) == f"event-{event.pk}@localhost"
    assert str(vevent["summary"]) == 'Showcase, Toronto; "animation"'
    start = vevent.decoded("dtstart")
    assert start.tzinfo.key == "America/Toronto" and start.hour == 10
    assert vevent.decoded("dtstamp") == event.updated_at.astimezone(UTC).replace(microsecond=0)
    assert vevent["location"] == "Toronto, Canada"
    assert str(calendar["method"]) == "PUBLISH"
    (timezone_component,) = calendar.walk("VTIMEZONE")
    assert str(timezone_component["tzid"]) == "America/Toronto"
    assert data == event_calendar(event, "en")  # byte-identical when nothing changed


def test_event_calendar_speaks_the_recipients_language():
    calendar = icalendar.Calendar.from_ical(event_calendar(toronto_event(), "fr"))
    (vevent,) = calendar.walk("VEVENT")
    assert str(vevent["summary"]) == "Vitrine d’animation à Toronto"
    assert vevent["location"] == "Toronto, Canada"
    assert "/fr/events/toronto-showcase/" in str(vevent["url"])


def test_mission_calendar_is_all_day_with_an_exclusive_end():
    mission = MissionFactory(start_date=date(2027, 3, 1), end_date=date(2027, 3, 5))
    calendar = icalendar.Calendar.from_ical(mission_calendar(mission, "en"))
    (vevent,) = calendar.walk("VEVENT")
    assert vevent.decoded("dtstart") == date(2027, 3, 1)
    assert vevent.decoded("dtend") == date(2027, 3, 6)
    assert str(vevent["uid"]) == f"mission-{mission.pk}@localhost"
    assert not calendar.walk("VTIMEZONE")


@pytest.mark.parametrize("name", ["Europe/Paris", "America/Toronto", "America/Vancouver"])
def test_vtimezone_rules_agree_with_the_iana_database_hour_by_hour(name):
    """Read back through icalendar's parser, the yearly rules give zoneinfo's offsets."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//test//EN")
    calendar.add("version", "2.0")
    calendar.add_component(vtimezone(name, 2026))
    parsed = icalendar.Calendar.from_ical(calendar.to_ical())
    tz = parsed.walk("VTIMEZONE")[0].to_tz()
    real = ZoneInfo(name)
    instant = datetime(2027, 1, 1, tzinfo=UTC)
    while instant < datetime(2028, 1, 1, tzinfo=UTC):
        assert instant.astimezone(tz).utcoffset() == instant.astimezone(real).utcoffset(), instant
        instant += timedelta(hours=1)
