from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from events.models import Event
from missions.models import Mission
from tests.api_support import API, assert_error
from tests.factories import EventFactory, MissionFactory, PartnerFactory

pytestmark = pytest.mark.django_db


def slugs(client, query: str = "") -> list[str]:
    return [item["slug"] for item in client.get(f"{API}/missions{query}").json()["items"]]


def test_the_list_shows_upcoming_public_missions(client):
    today = timezone.localdate()
    soon = MissionFactory(start_date=today + timedelta(days=5))
    MissionFactory(status=Mission.Status.DRAFT)
    MissionFactory(status=Mission.Status.CANCELLED)
    MissionFactory(start_date=today - timedelta(days=20), end_date=today - timedelta(days=15))
    closed = MissionFactory(status=Mission.Status.CLOSED, start_date=today + timedelta(days=9))
    assert slugs(client) == [soon.slug, closed.slug]


def test_filters_by_direction_country_and_text(client):
    toronto = MissionFactory(destination_city="Toronto", destination_country="CA")
    brussels = MissionFactory(
        destination_city="Bruxelles",
        destination_country="BE",
        title_en="Brussels animation days",
        title_fr="Journées de l’animation à Bruxelles",
    )
    inbound = MissionFactory(
        direction=Mission.Direction.INBOUND, destination_city="Marseille", destination_country="FR"
    )
    assert slugs(client, "?direction=inbound") == [inbound.slug]
    assert set(slugs(client, "?country=CA&country=BE")) == {toronto.slug, brussels.slug}
    assert slugs(client, "?q=bruxelles") == [brussels.slug]
    assert_error(client.get(f"{API}/missions?country=canada"), 422, "invalid")
    assert_error(client.get(f"{API}/missions?direction=sideways"), 422, "invalid")


def test_detail_has_partners_and_programme_in_the_requested_language(client):
    mission = MissionFactory(
        slug="toronto-2027",
        title_fr="Mission à Toronto",
        title_en="",
        summary_en="Meet the studios.",
        fee_amount="450.00",
    )
    partner = PartnerFactory(name="Demo partner cluster, Toronto")
    mission.partners.add(partner)
    EventFactory(mission=mission, slug="opening", title_en="Opening", title_fr="Ouverture")
    EventFactory(mission=mission, slug="draft-one", status=Event.Status.DRAFT)
    body = client.get(f"{API}/missions/toronto-2027", headers={"Accept-Language": "en"}).json()
    assert body["title"] == "Mission à Toronto" and body["title_lang"] == "fr"
    assert body["summary"] == "Meet the studios." and body["summary_lang"] == "en"
    assert body["direction_label"] == "Trade mission abroad"
    assert body["partners"] == [
        {
            "name": partner.name,
            "slug": partner.slug,
            "kind": "cluster",
            "country": "CA",
            "city": "Toronto",
            "website": "",
        }
    ]
    assert [event["slug"] for event in body["programme"]] == ["opening"]
    assert body["programme"][0]["title"] == "Opening"
    assert body["fee_amount"] in ("450.00", "450.0", 450.0)
    assert body["url"].endswith("/en/missions/toronto-2027/")


def test_a_draft_mission_is_a_404(client):
    MissionFactory(slug="secret", status=Mission.Status.DRAFT)
    assert_error(client.get(f"{API}/missions/secret"), 404, "not_found")


@pytest.mark.parametrize("count", [1, 3])
def test_the_list_keeps_a_constant_number_of_queries(client, count):
    for _ in range(count):
        MissionFactory()
    with CaptureQueriesContext(connection) as queries:
        body = client.get(f"{API}/missions?limit=50").json()
    assert len(body["items"]) == count
    assert len(queries) == 3  # cache generation, count, page


def test_a_mission_change_invalidates_the_cached_list(client):
    mission = MissionFactory(title_fr="Avant")
    assert client.get(f"{API}/missions").json()["items"][0]["title"] == "Avant"
    mission.title_fr = "Après"
    mission.save()
    assert client.get(f"{API}/missions").json()["items"][0]["title"] == "Après"
    mission.partners.add(PartnerFactory())
    mission.delete()
    assert client.get(f"{API}/missions").json()["count"] == 0
