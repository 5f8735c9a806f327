from datetime import UTC, date, datetime

import pytest
from django.core.exceptions import ValidationError

from primi_site.timezones import local_midnight, local_to_utc, transitions, validate_time_zone


def test_local_time_converts_to_utc_with_the_zone_offset():
    assert local_to_utc(datetime(2027, 1, 12, 10, 0), "America/Toronto") == datetime(
        2027, 1, 12, 15, 0, tzinfo=UTC
    )
    assert local_to_utc(datetime(2027, 7, 12, 10, 0), "America/Toronto") == datetime(
        2027, 7, 12, 14, 0, tzinfo=UTC
    )


@pytest.mark.parametrize(
    ("local", "zone"),
    [
        (datetime(2027, 3, 28, 2, 30), "Europe/Paris"),
        (datetime(2027, 3, 14, 2, 30), "America/Toronto"),
        (datetime(2027, 3, 14, 2, 0), "America/Vancouver"),
    ],
)
def test_a_time_in_the_spring_gap_is_refused(local, zone):
    with pytest.raises(ValidationError) as caught:
        local_to_utc(local, zone)
    assert caught.value.code == "nonexistent_time"
    assert zone in caught.value.messages[0]


@pytest.mark.parametrize(
    ("local", "zone"),
    [
        (datetime(2027, 10, 31, 2, 30), "Europe/Paris"),
        (datetime(2027, 11, 7, 1, 30), "America/Toronto"),
        (datetime(2027, 10, 31, 1, 15), "Europe/London"),
    ],
)
def test_a_time_in_the_repeated_autumn_hour_is_refused(local, zone):
    with pytest.raises(ValidationError) as caught:
        local_to_utc(local, zone)
    assert caught.value.code == "ambiguous_time"


def test_times_just_outside_the_gap_are_accepted():
    assert local_to_utc(datetime(2027, 3, 28, 3, 0), "Europe/Paris") == datetime(
        2027, 3, 28, 1, 0, tzinfo=UTC
    )
    assert local_to_utc(datetime(2027, 3, 28, 1, 59), "Europe/Paris") == datetime(
        2027, 3, 28, 0, 59, tzinfo=UTC
    )


def test_unknown_time_zone_is_refused_with_its_name():
    with pytest.raises(ValidationError) as caught:
        validate_time_zone("Europe/Marseille")
    assert "Europe/Marseille" in caught.value.messages[0]
    validate_time_zone("America/Vancouver")


def test_local_midnight_is_the_first_instant_of_the_local_day():
    assert local_midnight(date(2027, 6, 1), "Europe/Paris") == datetime(
        2027, 5, 31, 22, 0, tzinfo=UTC
    )
    # Santiago skips midnight when daylight saving time starts: the day begins at 01:00.
    assert local_midnight(date(2026, 9, 6), "America/Santiago") == datetime(
        2026, 9, 6, 4, 0, tzinfo=UTC
    )


def test_transitions_finds_both_clock_changes_of_a_year():
    found = transitions(
        "Europe/Paris", datetime(2027, 1, 1, tzinfo=UTC), datetime(2028, 1, 1, tzinfo=UTC)
    )
    assert found == [
        datetime(2027, 3, 28, 1, 0, tzinfo=UTC),
        datetime(2027, 10, 31, 1, 0, tzinfo=UTC),
    ]
