from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from events.models import Event
from tests.api_support import API, assert_error
from tests.factories import EventFactory, MissionFactory

pytestmark = pytest.mark.django_db


def get(client, query: str = "", language: str | None = None):
    headers = {"Accept-Language": language} if language else {}
    return client.get(f"{API}/events{query}", headers=headers)


def test_the_list_shows_upcoming_published_events_in_start_order(client):
    soon = EventFactory(starts_at=timezone.now() + timedelta(days=2))
    later = EventFactory(starts_at=timezone.now() + timedelta(days=9))
    EventFactory(status=Event.Status.DRAFT)
    EventFactory(
        starts_at=timezone.now() - timedelta(days=3), ends_at=timezone.now() - timedelta(days=2)
    )
    body = get(client).json()
    assert [item["slug"] for item in body["items"]] == [soon.slug, later.slug]
    assert body["count"] == 2
    assert body["limit"] == 20 and body["offset"] == 0 and body["next_offset"] is None


def test_filters_combine_and_repeat(client):
    mission = MissionFactory(slug="toronto-2027")
    workshop_ca = EventFactory(kind="workshop", country="CA", city="Toronto", mission=mission)
    EventFactory(kind="workshop", country="FR")
    conference_ca = EventFactory(kind="conference", country="CA", city="Toronto")
    EventFactory(kind="market", country="BE", city="Brussels")
    slugs = lambda q: [i["slug"] for i in get(client, q).json()["items"]]  # noqa: E731
    assert slugs("?kind=workshop&country=CA") == [workshop_ca.slug]
    assert set(slugs("?kind=workshop&kind=conference&country=CA")) == {
        workshop_ca.slug,
        conference_ca.slug,
    }
    assert slugs("?mission=toronto-2027") == [workshop_ca.slug]
    assert slugs("?country=JP") == []


def test_text_search_finds_every_word(client):
    match = EventFactory(title_en="Animation showcase", title_fr="Vitrine", city="Toronto")
    EventFactory(title_en="Animation market", title_fr="Marché", city="Annecy")
    slugs = [i["slug"] for i in get(client, "?q=animation%20toronto").json()["items"]]
    assert slugs == [match.slug]


def test_the_month_filter_takes_the_months_days(client):
    year = timezone.now().year + 1
    march = EventFactory(starts_at=datetime(year, 3, 10, 9, tzinfo=UTC))
    EventFactory(starts_at=datetime(year, 4, 10, 9, tzinfo=UTC))
    slugs = [i["slug"] for i in get(client, f"?month={year}-03").json()["items"]]
    assert slugs == [march.slug]
    assert_error(get(client, f"?month={year}-13"), 422, "invalid")


def test_pagination_is_bounded_and_reports_the_next_offset(client):
    for _ in range(5):
        EventFactory()
    body = get(client, "?limit=2&offset=2").json()
    assert body["count"] == 5 and len(body["items"]) == 2 and body["next_offset"] == 4
    assert get(client, "?limit=2&offset=4").json()["next_offset"] is None
    assert get(client, "?offset=50").json()["items"] == []


def test_the_language_follows_lang_then_accept_language_and_reports_fallbacks(client):
    EventFactory(slug="only-fr", title_fr="Atelier", title_en="")
    EventFactory(slug="both", title_fr="Conférence", title_en="Conference")
    english = {i["slug"]: i for i in get(client, "?lang=en").json()["items"]}
    assert english["both"]["title"] == "Conference" and english["both"]["title_lang"] == "en"
    assert english["only-fr"]["title"] == "Atelier" and english["only-fr"]["title_lang"] == "fr"
    assert english["both"]["kind_label"] == "Conference"
    assert english["both"]["url"].endswith("/en/events/both/")
    by_header = {i["slug"]: i for i in get(client, language="en-CA,en;q=0.9").json()["items"]}
    assert by_header == english
    french = {i["slug"]: i for i in get(client).json()["items"]}
    assert french["both"]["title"] == "Conférence" and french["both"]["kind_label"] == "Conférence"
    assert french["both"]["url"].endswith("/fr/events/both/")


def test_detail_by_slug_in_the_requested_language(client):
    mission = MissionFactory(title_fr="Mission Toronto", title_en="Toronto mission")
    event = EventFactory(
        slug="showcase",
        mission=mission,
        description_fr="",
        description_en="Studios show their work.",
        capacity=40,
    )
    body = client.get(f"{API}/events/showcase?lang=fr").json()
    assert body["slug"] == "showcase"
    assert body["title"] == event.title_fr
    assert body["description"] == "Studios show their work." and body["description_lang"] == "en"
    assert body["mission"] == {
        "slug": mission.slug,
        "title": "Mission Toronto",
        "title_lang": "fr",
    }
    assert body["capacity"] == 40
    assert body["starts_at"].endswith("Z") or body["starts_at"].endswith("+00:00")


def test_a_draft_event_is_a_404(client):
    EventFactory(slug="secret", status=Event.Status.DRAFT)
    assert_error(client.get(f"{API}/events/secret"), 404, "not_found")


@pytest.mark.parametrize("count", [1, 3])
def test_the_list_keeps_a_constant_number_of_queries(client, count):
    for _ in range(count):
        EventFactory(mission=MissionFactory())
    with CaptureQueriesContext(connection) as queries:
        body = get(client, "?limit=50").json()
    assert len(body["items"]) == count
    # The cache generation, the count and the page (events with their missions).
    assert len(queries) == 3, [q["sql"] for q in queries]


def test_the_cached_list_is_invalidated_by_every_change(client):
    event = EventFactory(title_fr="Avant")
    assert get(client).json()["items"][0]["title"] == "Avant"
    with CaptureQueriesContext(connection) as queries:
        assert get(client).json()["items"][0]["title"] == "Avant"
    assert len(queries) == 1  # served from the cache: only the generation is read

    event.title_fr = "Après"
    event.save()
    assert get(client).json()["items"][0]["title"] == "Après"

    event.mission = MissionFactory(title_fr="Mission A")
    event.save()
    assert get(client).json()["items"][0]["mission"]["title"] == "Mission A"
    mission = event.mission
    mission.title_fr = "Mission B"
    mission.save()
    assert get(client).json()["items"][0]["mission"]["title"] == "Mission B"

    second = EventFactory()
    assert get(client).json()["count"] == 2
    second.delete()
    assert get(client).json()["count"] == 1
    event.status = Event.Status.DRAFT
    event.save()
    assert get(client).json()["count"] == 0


def test_different_queries_and_languages_are_cached_apart(client):
    EventFactory(kind="workshop", title_fr="Atelier", title_en="Workshop")
    EventFactory(kind="conference")
    assert get(client, "?kind=workshop").json()["count"] == 1
    assert get(client).json()["count"] == 2
    assert get(client, "?lang=en&kind=workshop").json()["items"][0]["title"] == "Workshop"
    assert get(client, "?kind=workshop").json()["items"][0]["title"] == "Atelier"
