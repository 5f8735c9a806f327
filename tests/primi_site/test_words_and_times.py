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


# 12.23: the time-zone box --------------------------------------------------------------


def options_of(html: str, name: str) -> list[tuple[str, str]]:
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S).group(1)
    return re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', select)


@pytest.mark.parametrize(
    ("language", "vancouver", "kolkata"),
    [
        ("fr", r"Canada — Vancouver \(UTC-0[78]:00\)", r"Inde — Kolkata \(UTC\+05:30\)"),
        ("en", r"Canada — Vancouver \(GMT-0[78]:00\)", r"India — Kolkata \(GMT\+05:30\)"),
    ],
)
def test_the_account_offers_canonical_zones_named_by_country_city_and_offset(
    client, language, vancouver, kolkata
):
    vancouver_viewer(client)
    html = client.get(f"/{language}/account/").content.decode()
    zones = dict(options_of(html, "time_zone"))
    assert "Asia/Kolkata" in zones and "Asia/Calcutta" not in zones
    assert not {"US/Pacific", "Canada/Pacific", "Europe/Kiev", "GB", "Etc/GMT+8"} & set(zones)
    assert 380 < len(zones) < 450
    assert re.fullmatch(vancouver, zones["America/Vancouver"].replace("&#x27;", "'"))
    assert re.fullmatch(kolkata, zones["Asia/Kolkata"])
    assert re.search(r'<option value="America/Vancouver" selected>', html)
    labels = list(zones.values())
    assert labels.index(zones["Asia/Kabul"]) == 0  # "Afghanistan — …" first, by country


def test_an_older_zone_name_already_chosen_stays_offered(client):
    person = PersonFactory(time_zone="Asia/Calcutta")
    client.force_login(person.user)
    zones = dict(options_of(client.get("/en/account/").content.decode(), "time_zone"))
    assert "Asia/Calcutta" in zones


@pytest.mark.parametrize(
    ("country", "expected"), [("CA", "America/Toronto"), ("BE", "Europe/Brussels")]
)
def test_a_guest_starts_on_the_zone_of_their_country_and_the_browser_may_say_better(
    client, country, expected
):
    from bookings.registrations.services.invitations import create_invitation
    from tests.factories import PartnerFactory, StaffUserFactory

    _invitation, token = create_invitation(
        email="guest@example.org",
        target=EventFactory(),
        language="en",
        by=StaffUserFactory(),
        organisation=PartnerFactory(country=country),
    )
    html = client.get(f"/en/invitations/{token}/").content.decode()
    assert re.search(rf'<option value="{expected}" selected>', html)
    assert 'data-browser-zone="1"' in html
    assert "primi/browser_zone.js" in html


# 12.24: city names in the reader's language ----------------------------------------------


@pytest.mark.parametrize(
    ("language", "london", "montreal"),
    [
        ("fr", "Londres, Royaume-Uni", "Montréal, Canada"),
        ("en", "London, United Kingdom", "Montreal, Canada"),
    ],
)
def test_cities_read_in_the_pages_language(client, language, london, montreal):
    from tests.factories import MissionFactory

    EventFactory(slug="kings-cross", city="London", country="GB", time_zone="Europe/London")
    MissionFactory(slug="quebec-games", destination_city="Montréal", destination_country="CA")
    assert london in words_of(client.get(f"/{language}/events/kings-cross/"))
    assert london in words_of(client.get(f"/{language}/calendar/"))
    assert montreal in words_of(client.get(f"/{language}/missions/quebec-games/"))


def test_a_city_abroad_of_the_same_name_keeps_its_own():
    from primi_site.places import city_name

    assert city_name("London", "CA", "fr") == "London"  # Ontario
    assert city_name("Marseille", "FR", "en") == "Marseille"
    assert city_name("Bruxelles", "BE", "en") == "Brussels"


@pytest.mark.parametrize(
    ("language", "expected"), [("en", "1,234 events"), ("fr", "1 234 événements")]
)
def test_the_calendar_counts_its_events_in_the_readers_numbers(client, language, expected):
    from unittest import mock

    from django.core.paginator import Paginator

    EventFactory()
    with mock.patch.object(Paginator, "count", new_callable=mock.PropertyMock) as count:
        count.return_value = 1234
        assert expected in words_of(client.get(f"/{language}/calendar/"))


def test_djangos_own_english_formats_are_british_too():
    """The admin and any `|date` read day before month, on a 24-hour clock."""
    from django.template import Context, Template
    from django.utils import translation

    template = Template('{{ d|date:"SHORT_DATETIME_FORMAT" }} · {{ d|date:"DATE_FORMAT" }}')
    with translation.override("en"):
        text = template.render(Context({"d": datetime(2027, 3, 4, 15, 30)}))
    assert text == "04/03/2027 15:30 · 4 Mar 2027"
