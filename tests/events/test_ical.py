from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest

from events.ical import (
    Attendee,
    build_calendar,
    clean_text,
    event_calendar,
    event_item,
    mission_calendar,
    mission_item,
)
from events.vtimezone import vtimezone
from tests.events.ical_checks import check_calendar, check_vtimezones, content_lines
from tests.factories import EventFactory, MissionFactory

pytestmark = pytest.mark.django_db

NASTY = 'Atelier, «\u00a0son\u00a0»; C:\\temp\\ "quoted" : fin\nligne 2 — été 🎬🇨🇦'

# Both changes of 2027 (and one of 2026) in each zone the cluster travels to.
DST_DAYS = {
    "Europe/Paris": [date(2027, 3, 28), date(2027, 10, 31)],
    "Europe/Brussels": [date(2027, 3, 28), date(2027, 10, 31)],
    "Europe/London": [date(2027, 3, 28), date(2027, 10, 31)],
    "America/Toronto": [date(2027, 3, 14), date(2027, 11, 7), date(2026, 11, 1)],
    "America/Vancouver": [date(2027, 3, 14), date(2027, 11, 7), date(2026, 3, 8)],
}


def local(zone_name: str, day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=ZoneInfo(zone_name))


def timed(zone_name: str, start: datetime, hours: float = 2, **kwargs):
    starts_at = start.astimezone(UTC)
    return EventFactory(
        time_zone=zone_name,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=hours),
        **kwargs,
    )


def test_events_on_daylight_saving_days_keep_their_instant_in_every_parser():
    events = []
    for zone_name, days in DST_DAYS.items():
        for day in days:
            # Just before the change, across it, and just after it.
            events.append(timed(zone_name, local(zone_name, day, 0, 30), hours=4))
            events.append(timed(zone_name, local(zone_name, day, 4)))
            events.append(timed(zone_name, local(zone_name, day - timedelta(days=1), 23), 5))
    data = build_calendar([event_item(e, "en") for e in events], name="Test")
    parsed = check_calendar(data)
    assert len(parsed) == len(events)
    for event in events:
        item = parsed[f"event-{event.pk}@international.primi"]
        assert item.start == event.starts_at
        assert item.end == event.ends_at
    tzids = {str(z["TZID"]) for z in icalendar.Calendar.from_ical(data).walk("VTIMEZONE")}
    assert tzids == set(DST_DAYS)


def test_timed_events_carry_their_zone_and_local_wall_clock():
    event = timed("America/Toronto", local("America/Toronto", date(2027, 1, 12), 10))
    lines = content_lines(event_calendar(event, "en"))
    assert "DTSTART;TZID=America/Toronto:20270112T100000" in lines
    assert "DTEND;TZID=America/Toronto:20270112T120000" in lines


@pytest.mark.parametrize("zone_name", sorted(DST_DAYS))
def test_vtimezone_is_in_rule_form_and_matches_zoneinfo_hour_by_hour(zone_name):
    component = vtimezone(zone_name, 2025, 2035)
    data = b"BEGIN:VCALENDAR\r\n" + component.to_ical() + b"END:VCALENDAR\r\n"
    check_vtimezones(data, {zone_name: (2025, 2035)})
    text = component.to_ical().decode()
    assert "RDATE" not in text and text.count("RRULE:FREQ=YEARLY") == 2


@pytest.mark.parametrize(
    ("zone_name", "years"),
    [
        ("America/Toronto", (2005, 2009)),  # the US and Canada moved their dates in 2007
        ("Europe/Moscow", (2009, 2016)),  # permanent summer time, then winter time
        ("Asia/Tokyo", (2025, 2027)),  # no daylight saving at all
        ("Asia/Jerusalem", (2024, 2030)),  # a "Friday before the last Sunday" rule
        ("Australia/Lord_Howe", (2025, 2027)),  # half an hour of daylight saving
    ],
)
def test_vtimezone_follows_rule_changes_and_odd_zones(zone_name, years):
    component = vtimezone(zone_name, *years)
    parsed = component.to_tz()
    zone = ZoneInfo(zone_name)
    instant = datetime(years[0], 1, 1, tzinfo=UTC)
    while instant < datetime(years[1] + 1, 1, 1, tzinfo=UTC):
        assert instant.astimezone(parsed).utcoffset() == instant.astimezone(zone).utcoffset()
        instant += timedelta(hours=1)


def test_the_librarys_own_vtimezone_is_not_the_rule_form():
    """Why events.vtimezone exists: icalendar lists RDATEs and starts DST at 03:00."""
    generated = icalendar.Timezone.from_tzid(
        "America/Toronto", first_date=date(2026, 1, 1), last_date=date(2028, 1, 1)
    ).to_ical()
    assert b"RRULE" not in generated and b"RDATE" in generated
    ours = vtimezone("America/Toronto", 2026, 2027).to_ical()
    # Daylight time starts at 02:00 standard time (RFC 5545 reads DTSTART in TZOFFSETFROM).
    assert b"DTSTART:20250309T020000\r\nRRULE:FREQ=YEARLY;BYDAY=2SU;BYMONTH=3" in ours


def test_a_time_in_the_repeated_hour_is_written_in_utc():
    # 01:30 happens twice in Toronto on 7 November 2027; this is the second one (EST).
    start = datetime(2027, 11, 7, 6, 30, tzinfo=UTC)
    event = EventFactory(
        time_zone="America/Toronto", starts_at=start, ends_at=start + timedelta(hours=1)
    )
    data = event_calendar(event, "fr")
    lines = content_lines(data)
    assert "DTSTART:20271107T063000Z" in lines
    assert "DTEND:20271107T073000Z" in lines
    assert not any(line.startswith("BEGIN:VTIMEZONE") for line in lines)
    parsed = check_calendar(data, "download")
    assert parsed[f"event-{event.pk}@international.primi"].start == start


def test_all_day_events_use_dates_with_an_exclusive_end():
    event = EventFactory(
        all_day=True,
        time_zone="Europe/Paris",
        start_date=date(2027, 6, 14),
        end_date=date(2027, 6, 19),
        starts_at=datetime(2027, 6, 13, 22, tzinfo=UTC),
        ends_at=datetime(2027, 6, 19, 22, tzinfo=UTC),
    )
    data = event_calendar(event, "fr")
    lines = content_lines(data)
    assert "DTSTART;VALUE=DATE:20270614" in lines
    assert "DTEND;VALUE=DATE:20270620" in lines
    assert not any("VTIMEZONE" in line for line in lines)
    parsed = check_calendar(data, "download")
    assert parsed[f"event-{event.pk}@international.primi"].all_day


def test_hostile_text_comes_back_unchanged_and_cannot_inject_a_property():
    injection = "Title\r\nATTENDEE:mailto:spy@example.org\r\nX-EVIL:1"
    event = timed(
        "Europe/Brussels",
        local("Europe/Brussels", date(2027, 2, 2), 9),
        title_en=injection,
        description_en=NASTY * 8,
        venue_name="Salle « Moebius », niveau −1; aile C:\\",
        city="Bruxelles",
        country="BE",
    )
    data = event_calendar(event, "en")
    parsed = check_calendar(data, "download")[f"event-{event.pk}@international.primi"]
    assert parsed.summary == "Title\nATTENDEE:mailto:spy@example.org\nX-EVIL:1"
    assert parsed.description.startswith(NASTY * 8)
    assert parsed.location == "Salle « Moebius », niveau −1; aile C:\\, Bruxelles, Belgium"
    lines = content_lines(data)
    assert not any(line.startswith(("ATTENDEE", "X-EVIL")) for line in lines)


def test_control_characters_are_dropped():
    event = timed(
        "Europe/Paris", local("Europe/Paris", date(2027, 2, 2), 9), title_fr="Bip\x07 fin\x1b"
    )
    data = event_calendar(event, "fr")
    parsed = check_calendar(data, "download")
    assert parsed[f"event-{event.pk}@international.primi"].summary == "Bip fin"
    # PostgreSQL stores no NUL; text from elsewhere is cleaned all the same.
    assert clean_text("a\x00b\x7fc\x85d\te\r\nf\rg") == "abcd\te\nf\ng"


def test_two_renders_of_unchanged_data_are_byte_identical():
    mission = MissionFactory()
    events = [
        timed("America/Vancouver", local("America/Vancouver", date(2027, 4, d), 9), mission=mission)
        for d in (1, 2)
    ]
    first = build_calendar([event_item(e, "fr") for e in events], name="A")
    second = build_calendar([event_item(e, "fr") for e in reversed(events)], name="A")
    assert first == second
    assert mission_calendar(mission, "fr") == mission_calendar(mission, "fr")


def test_uids_are_stable_and_carry_no_personal_data():
    event = EventFactory(title_en="Meeting of someone@example.org")
    assert (
        event_item(event, "fr").uid
        == event_item(event, "en").uid
        == f"event-{event.pk}@international.primi"
    )
    event.slug = "renamed"
    event.title_en = "Another title"
    assert event_item(event, "en").uid == f"event-{event.pk}@international.primi"


def test_content_follows_the_language_asked_for():
    mission = MissionFactory(title_fr="Mission à Toronto", title_en="Toronto mission")
    event = EventFactory(
        title_fr="Vitrine",
        title_en="Showcase",
        mission=mission,
        description_fr="",
        description_en="About",
    )
    fr = check_calendar(event_calendar(event, "fr"), "download")[
        f"event-{event.pk}@international.primi"
    ]
    en = check_calendar(event_calendar(event, "en"), "download")[
        f"event-{event.pk}@international.primi"
    ]
    assert fr.summary == "Vitrine" and en.summary == "Showcase"
    assert "Fait partie de\u00a0: Mission à Toronto" in fr.description
    assert "Part of: Toronto mission" in en.description
    assert "/fr/events/" in fr.description and "/en/events/" in en.description
    assert fr.location == "Marseille, France"


def test_event_calendar_and_mission_calendar_keep_the_shared_signatures():
    mission = MissionFactory(start_date=date(2027, 5, 10), end_date=date(2027, 5, 14))
    event = EventFactory(mission=mission)
    download = check_calendar(mission_calendar(mission, "en"), "download")
    assert set(download) == {
        f"mission-{mission.pk}@international.primi",
        f"event-{event.pk}@international.primi",
    }
    days = download[f"mission-{mission.pk}@international.primi"]
    assert (days.start, days.end) == (date(2027, 5, 10), date(2027, 5, 15))
    attendee = Attendee("delegate@example.org", "Demo delegate")
    request = mission_calendar(mission, "en", method="REQUEST", attendee=attendee)
    parsed = check_calendar(request, "invitation")
    assert set(parsed) == {f"mission-{mission.pk}@international.primi"}  # one UID per iTIP message
    assert "METHOD:REQUEST" in content_lines(request)
    cancel = event_calendar(
        event, "fr", method="CANCEL", attendee=attendee, sequence=event.sequence + 1
    )
    parsed = check_calendar(cancel, "invitation")[f"event-{event.pk}@international.primi"]
    assert parsed.status == "CANCELLED" and parsed.sequence == 1


def test_feed_items_carry_organizer_url_and_categories():
    event = EventFactory(kind="workshop")
    lines = content_lines(event_calendar(event, "en"))
    assert 'ORGANIZER;CN="PRIMI international":mailto:international@primi.example' in lines
    assert f"URL:http://localhost:8000/en/events/{event.slug}/" in lines
    assert "CATEGORIES:Workshop" in lines


def test_unknown_method_is_refused():
    with pytest.raises(ValueError, match="Unknown iTIP method"):
        build_calendar([], method="PUBLISHED")


def test_mission_item_spans_the_mission_days_in_its_zone():
    mission = MissionFactory(
        status="cancelled", start_date=date(2027, 9, 1), end_date=date(2027, 9, 3)
    )
    item = mission_item(mission, "fr")
    assert item.all_day and item.cancelled
    assert (item.first_day, item.last_day) == (date(2027, 9, 1), date(2027, 9, 3))
