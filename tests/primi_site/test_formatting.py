from datetime import UTC, date, datetime

from primi_site.formatting import describe_moment, describe_when, format_money


def when(start, end, zone, viewer, language):
    return describe_when(
        starts_at=start, ends_at=end, zone_name=zone, viewer_zone=viewer, language=language
    )


def test_toronto_morning_reads_in_toronto_and_paris_time():
    result = when(
        datetime(2027, 1, 12, 15, tzinfo=UTC),
        datetime(2027, 1, 12, 17, tzinfo=UTC),
        "America/Toronto",
        "Europe/Paris",
        "fr",
    )
    assert (result.local.clock, result.local.zone) == ("10:00–12:00", "Toronto")
    assert (result.viewer.clock, result.viewer.zone) == ("16:00–18:00", "Paris")
    assert result.local.day == "mardi 12 janvier 2027"


def test_english_page_uses_english_formats():
    result = when(
        datetime(2027, 1, 12, 15, tzinfo=UTC),
        datetime(2027, 1, 12, 17, tzinfo=UTC),
        "America/Toronto",
        "Europe/Paris",
        "en",
    )
    assert result.local.day == "Tuesday, 12 January 2027"
    assert result.local.clock == "10:00–12:00"
    assert result.viewer.clock == "16:00–18:00"


def test_no_second_time_when_the_viewer_is_in_the_event_zone():
    result = when(
        datetime(2027, 5, 3, 8, tzinfo=UTC),
        datetime(2027, 5, 3, 10, tzinfo=UTC),
        "Europe/Paris",
        "Europe/Paris",
        "fr",
    )
    assert result.viewer is None
    assert result.local.clock == "10:00–12:00"


def test_same_offset_in_another_zone_shows_no_second_time():
    result = when(
        datetime(2027, 5, 3, 8, tzinfo=UTC),
        datetime(2027, 5, 3, 10, tzinfo=UTC),
        "Europe/Brussels",
        "Europe/Paris",
        "fr",
    )
    assert result.viewer is None
    assert result.local.zone == "Bruxelles"


def test_between_american_and_european_clock_changes_the_gap_is_five_hours():
    # 2027-03-14 North America moves to daylight time, Europe only on 2027-03-28.
    result = when(
        datetime(2027, 3, 20, 14, tzinfo=UTC),
        datetime(2027, 3, 20, 15, tzinfo=UTC),
        "America/Toronto",
        "Europe/Paris",
        "fr",
    )
    assert result.local.clock == "10:00–11:00"
    assert result.viewer.clock == "15:00–16:00"


def test_on_the_paris_clock_change_day_times_follow_the_new_offset():
    # 2027-03-28: Paris moves from UTC+1 to UTC+2 at 02:00 local.
    result = when(
        datetime(2027, 3, 28, 8, tzinfo=UTC),
        datetime(2027, 3, 28, 10, tzinfo=UTC),
        "Europe/Paris",
        "America/Vancouver",
        "en",
    )
    assert result.local.clock == "10:00–12:00"
    assert result.viewer.clock == "01:00–03:00"


def test_viewer_day_shown_when_the_date_differs():
    result = when(
        datetime(2027, 2, 1, 2, tzinfo=UTC),
        datetime(2027, 2, 1, 3, tzinfo=UTC),
        "America/Vancouver",
        "Europe/Paris",
        "fr",
    )
    assert result.local.day == "dimanche 31 janvier 2027"
    assert result.viewer.day == "lundi 1 février 2027"


def test_all_day_events_show_their_days_only():
    result = describe_when(
        starts_at=datetime(2027, 6, 13, 22, tzinfo=UTC),
        ends_at=datetime(2027, 6, 19, 22, tzinfo=UTC),
        zone_name="Europe/Paris",
        viewer_zone="America/Toronto",
        all_day=True,
        first_day=date(2027, 6, 14),
        last_day=date(2027, 6, 19),
        language="fr",
    )
    assert result.all_day and result.viewer is None
    assert result.local.day == "14–19 juin 2027"


def test_a_deadline_reads_in_both_zones():
    local, viewer = describe_moment(
        datetime(2027, 1, 15, 22, 59, tzinfo=UTC), "Europe/Paris", "America/Toronto", "en"
    )
    assert local == "Friday, 15 January 2027, 23:59 Paris"
    assert viewer == "Friday, 15 January 2027, 17:59 Toronto"


def test_money_follows_the_page_locale():
    assert format_money(450, "EUR", "fr") == "450,00\u00a0€"
    assert format_money(450, "EUR", "en") == "€450.00"
    assert format_money(1200, "CAD", "fr") == "1\u202f200,00\u00a0$CA"
