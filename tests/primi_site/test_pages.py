import re
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from events.models import Event
from missions.models import Mission
from tests.factories import EventFactory, MissionFactory, PartnerFactory

pytestmark = pytest.mark.django_db


def toronto_event(**kwargs) -> Event:
    start = datetime(timezone.now().year + 1, 1, 12, 15, tzinfo=UTC)  # 10:00 in Toronto
    defaults = {
        "slug": "toronto-showcase",
        "title_fr": "Vitrine d’animation à Toronto",
        "title_en": "Animation showcase in Toronto",
        "time_zone": "America/Toronto",
        "starts_at": start,
        "ends_at": start + timedelta(hours=2),
        "city": "Toronto",
        "country": "CA",
    }
    return EventFactory(**{**defaults, **kwargs})


def text_of(response) -> str:
    return re.sub(r"[ \t\r\n]+", " ", response.content.decode())


def test_root_redirects_by_the_browsers_language(client):
    assert client.get("/", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.8")["Location"] == "/en/"
    assert client.get("/", HTTP_ACCEPT_LANGUAGE="fr-CA,fr;q=0.9")["Location"] == "/fr/"
    assert client.get("/", HTTP_ACCEPT_LANGUAGE="de-DE")["Location"] == "/fr/"


def test_root_redirects_a_signed_in_person_to_their_language(client, django_user_model):
    from tests.factories import PersonFactory

    person = PersonFactory(language="en")
    client.force_login(person.user)
    assert client.get("/", HTTP_ACCEPT_LANGUAGE="fr")["Location"] == "/en/"


def test_unknown_language_prefix_is_404(client):
    assert client.get("/de/").status_code == 404
    assert client.get("/de/calendar/").status_code == 404


@pytest.mark.parametrize(
    ("language", "heading", "local", "viewer"),
    [
        ("fr", "Agenda", "10:00–12:00 Toronto", "16:00–18:00 Paris"),
        (
            "en",
            "Calendar",
            "10:00–12:00 Toronto",
            "16:00–18:00 Paris",
        ),
    ],
)
def test_calendar_shows_local_and_paris_times_in_each_language(
    client, language, heading, local, viewer
):
    toronto_event()
    response = client.get(f"/{language}/calendar/")
    assert response.status_code == 200
    page = text_of(response)
    assert f"<h1>{heading}</h1>" in page
    assert f'<html lang="{language}">' in page
    assert local in re.sub(r"<[^>]+>", "", page)
    assert viewer in re.sub(r"<[^>]+>", "", page)


def test_page_shows_the_viewers_account_zone(client):
    from tests.factories import PersonFactory

    person = PersonFactory(time_zone="America/Vancouver")
    client.force_login(person.user)
    toronto_event()
    html = text_of(client.get("/fr/calendar/"))
    page = re.sub(r"[\xa0\u202f]", " ", re.sub(r"<[^>]+>", "", html))
    assert "10:00–12:00 Toronto · Chez vous : 07:00–09:00 Vancouver" in page
    # "Chez vous :" is read by screen readers only; the title was for the mouse alone.
    assert re.search(r'· <span class="visually-hidden">Chez vous\W+: </span>07:00', html)


def test_missing_title_falls_back_and_is_marked_with_its_language(client):
    toronto_event(title_fr="", title_en="Only in English")
    page = text_of(client.get("/fr/events/toronto-showcase/"))
    assert '<h1><span lang="en">Only in English</span></h1>' in page
    english = text_of(client.get("/en/events/toronto-showcase/"))
    assert "<h1>Only in English</h1>" in english


def test_calendar_filters_by_kind_country_mission_and_month(client):
    mission = MissionFactory(slug="toronto-2027")
    toronto_event(mission=mission, kind=Event.Kind.WORKSHOP)
    EventFactory(slug="marseille-talk", title_en="Marseille talk", kind=Event.Kind.CONFERENCE)
    by_kind = text_of(client.get("/en/calendar/", {"kind": "workshop"}))
    assert "Animation showcase in Toronto" in by_kind
    assert "Marseille talk" not in by_kind
    by_country = text_of(client.get("/en/calendar/", {"country": "FR"}))
    assert "Marseille talk" in by_country
    assert "Animation showcase" not in by_country
    by_mission = text_of(client.get("/en/calendar/", {"mission": "toronto-2027"}))
    assert "Animation showcase" in by_mission and "Marseille talk" not in by_mission
    month = f"{timezone.now().year + 1}-01"
    by_month = text_of(client.get("/en/calendar/", {"month": month}))
    assert "Animation showcase" in by_month


def test_calendar_refuses_an_unknown_filter_value_with_a_message(client):
    toronto_event()
    response = client.get("/en/calendar/", {"kind": "rodeo"})
    assert response.status_code == 400
    assert "Select a valid choice. rodeo is not one of the available choices." in text_of(response)


def test_calendar_is_paginated(client):
    for index in range(25):
        EventFactory(slug=f"event-{index:02d}")
    first = text_of(client.get("/en/calendar/"))
    assert "25 events" in first and "Page 1 of 2" in first
    second = text_of(client.get("/en/calendar/", {"page": 2}))
    assert second.count('class="card event-card"') == 5


def test_drafts_and_past_events_are_not_listed(client):
    EventFactory(slug="draft-one", title_en="Draft one", status=Event.Status.DRAFT)
    past = timezone.now() - timedelta(days=3)
    EventFactory(
        slug="old-one", title_en="Old one", starts_at=past, ends_at=past + timedelta(hours=1)
    )
    page = text_of(client.get("/en/calendar/"))
    assert "Draft one" not in page and "Old one" not in page
    assert client.get("/en/events/draft-one/").status_code == 404


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("url", ["/fr/", "/en/calendar/", "/fr/missions/"])
def test_list_pages_query_count_does_not_grow_with_events(client, url):
    mission = MissionFactory()
    EventFactory(mission=mission)
    one = count_queries(client, url)
    for _ in range(2):
        other = MissionFactory()
        EventFactory(mission=other)
    three = count_queries(client, url)
    assert one == three
    assert three <= 4


def test_mission_page_query_count_does_not_grow_with_its_programme(client):
    mission = MissionFactory(slug="vancouver")
    mission.partners.add(PartnerFactory())
    EventFactory(mission=mission)
    one = count_queries(client, "/en/missions/vancouver/")
    EventFactory.create_batch(2, mission=mission)
    mission.partners.add(PartnerFactory(), PartnerFactory())
    assert count_queries(client, "/en/missions/vancouver/") == one == 3


def test_mission_page_shows_programme_partners_fee_and_deadline(client):
    partner = PartnerFactory(name="Demo cluster — Toronto", website="https://cluster.example")
    mission = MissionFactory(
        slug="toronto-2027",
        fee_amount=450,
        fee_currency="EUR",
        application_deadline=datetime(timezone.now().year + 1, 1, 15, 22, 59, tzinfo=UTC),
        start_date=datetime(timezone.now().year + 1, 3, 1).date(),
        end_date=datetime(timezone.now().year + 1, 3, 5).date(),
    )
    mission.partners.add(partner)
    toronto_event(mission=mission)
    page = text_of(client.get("/fr/missions/toronto-2027/"))
    assert "450,00\u00a0€" in page
    assert "Demo cluster — Toronto" in page
    assert "Vitrine d’animation à Toronto" in page
    assert "23:59 Paris" in re.sub(r"<[^>]+>", "", page)
    assert "Canada" in page


def test_cancelled_mission_is_shown_as_cancelled_and_drafts_are_hidden(client):
    MissionFactory(slug="gone", status=Mission.Status.CANCELLED)
    MissionFactory(slug="secret", status=Mission.Status.DRAFT)
    assert "Cette mission est annulée." in text_of(client.get("/fr/missions/gone/"))
    assert client.get("/fr/missions/secret/").status_code == 404


def test_language_switcher_points_to_the_same_page_in_the_other_language(client):
    toronto_event()
    page = text_of(client.get("/fr/events/toronto-showcase/"))
    assert 'href="/en/events/toronto-showcase/" hreflang="en" lang="en">English</a>' in page


def test_pages_have_landmarks_and_a_skip_link(client):
    page = text_of(client.get("/en/"))
    for fragment in (
        '<header class="site-header">',
        '<nav aria-label="Main">',
        '<main id="main"',
        "<footer",
        'href="#main"',
    ):
        assert fragment in page


def test_healthz_answers_when_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_healthz_answers_503_when_the_database_fails(client, monkeypatch):
    from django.db.utils import OperationalError

    def broken(*args, **kwargs):
        raise OperationalError("down")

    monkeypatch.setattr("django.db.backends.utils.CursorWrapper.execute", broken)
    response = client.get("/healthz")
    assert response.status_code == 503
