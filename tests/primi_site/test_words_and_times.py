"""Pages read times, dates, counts and place names as a person of each language writes them."""

import re
from datetime import UTC, datetime

import pytest

from tests.factories import EventFactory, PersonFactory

pytestmark = pytest.mark.django_db


def words_of(response) -> str:
    """The visible text: tags removed, every kind of space made one plain space."""
    assert response.status_code == 200, response.content[:300]
    text = re.sub(r"<[^>]+>", "", response.content.decode())
    return re.sub(r"[\s\u202f\xa0\u2009]+", " ", text)


def vancouver_viewer(client):
    client.force_login(PersonFactory(time_zone="America/Vancouver").user)


# A viewer's time across midnight ----------------------------------------------------


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (
            "fr",
            "mardi 9 novembre 2027, 18:00 – mer. 10 nov., 02:30 Paris "
            "· Chez vous : 09:00–17:30 Vancouver",
        ),
        (
            "en",
            "Tuesday, 9 November 2027, 18:00 – Wed 10 Nov, 02:30 Paris "
            "· Your time: 09:00–17:30 Vancouver",
        ),
    ],
)
def test_a_paris_evening_past_midnight_reads_as_one_span_for_a_vancouver_viewer(
    client, language, expected
):
    EventFactory(
        slug="late-screening",
        starts_at=datetime(2027, 11, 9, 17, tzinfo=UTC),  # 18:00 Paris
        ends_at=datetime(2027, 11, 10, 1, 30, tzinfo=UTC),  # 02:30 Paris, the next day
    )
    vancouver_viewer(client)
    page = words_of(client.get(f"/{language}/events/late-screening/"))
    assert expected in page
    assert "→" not in page


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (
            "fr",
            "mercredi 10 novembre 2027, 08:30–10:00 Paris · Chez vous : "
            "mardi 9 novembre 2027, 23:30 – mer. 10 nov., 01:00 Vancouver",
        ),
        (
            "en",
            "Wednesday, 10 November 2027, 08:30–10:00 Paris · Your time: "
            "Tuesday, 9 November 2027, 23:30 – Wed 10 Nov, 01:00 Vancouver",
        ),
    ],
)
def test_a_paris_morning_reads_across_the_vancouver_viewers_midnight(client, language, expected):
    EventFactory(
        slug="breakfast",
        starts_at=datetime(2027, 11, 10, 7, 30, tzinfo=UTC),  # 08:30 Paris, 23:30 Vancouver
        ends_at=datetime(2027, 11, 10, 9, tzinfo=UTC),
    )
    vancouver_viewer(client)
    assert expected in words_of(client.get(f"/{language}/events/breakfast/"))


def test_a_span_over_a_new_year_names_the_end_year():
    from primi_site.formatting import describe_when

    when = describe_when(
        starts_at=datetime(2027, 12, 31, 20, tzinfo=UTC),
        ends_at=datetime(2028, 1, 1, 2, tzinfo=UTC),
        zone_name="Europe/Paris",
        viewer_zone="Europe/Paris",
        language="en",
    )
    assert when.text == "Friday, 31 December 2027, 21:00\u2009–\u2009Sat, 1 Jan 2028, 03:00 Paris"
