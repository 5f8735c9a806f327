from datetime import UTC, datetime, timedelta
from unittest import mock

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.http import parse_http_date

from events import feeds, services
from events.models import Event
from missions import services as mission_services
from tests.events.ical_checks import check_calendar, content_lines
from tests.factories import EventFactory, MissionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_feed_cache():
    caches["feeds"].clear()
    yield
    caches["feeds"].clear()


def uid(obj) -> str:
    kind = "mission" if obj._meta.model_name == "mission" else "event"
    return f"{kind}-{obj.pk}@international.primi"


def get(client, url, **headers):
    return client.get(url, headers=headers)


def test_public_feed_lists_published_events_with_name_and_refresh(client):
    shown = EventFactory(title_en="Animation day")
    EventFactory(status=Event.Status.DRAFT)
    response = client.get("/feeds/events.ics?lang=en")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    parsed = check_calendar(response.content, "feed")
    assert set(parsed) == {uid(shown)}
    assert parsed[uid(shown)].summary == "Animation day"
    lines = content_lines(response.content)
    assert "NAME:PRIMI · International events" in lines
    assert "X-WR-CALNAME:PRIMI · International events" in lines
    assert response["Content-Language"] == "en"


def test_feed_is_french_by_default(client):
    EventFactory(title_fr="Journée animation", title_en="Animation day")
    response = client.get("/feeds/events.ics")
    lines = content_lines(response.content)
    assert "SUMMARY:Journée animation" in lines
    assert "NAME:PRIMI · Événements internationaux" in lines


@pytest.mark.parametrize("accept", [None, "", "text/html", "*/*", "application/json;q=0.1", "ù"])
def test_any_accept_header_gets_the_calendar(client, accept):
    EventFactory()
    headers = {} if accept is None else {"Accept": accept}
    response = client.get("/feeds/events.ics", headers=headers)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response.content.startswith(b"BEGIN:VCALENDAR\r\n")


def test_filters_by_kind_mission_and_country_are_repeatable(client):
    mission = MissionFactory()
    workshop = EventFactory(kind="workshop", country="CA", city="Toronto", mission=mission)
    festival = EventFactory(kind="festival", country="BE", city="Bruxelles")
    conference = EventFactory(kind="conference", country="FR")
    by_kind = check_calendar(client.get("/feeds/events.ics?kind=workshop&kind=festival").content)
    assert set(by_kind) == {uid(workshop), uid(festival)}
    by_country = check_calendar(client.get("/feeds/events.ics?country=fr&country=BE").content)
    assert set(by_country) == {uid(festival), uid(conference)}
    by_mission = check_calendar(client.get(f"/feeds/events.ics?mission={mission.slug}").content)
    assert set(by_mission) == {uid(workshop)}


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("lang=de", "Unknown language “de”: use lang=fr or lang=en."),
        ("lang=en&kind=party", "Unknown kind: party. Known kinds: conference,"),
        ("lang=en&country=XX", "Unknown country: XX. Use ISO 3166-1 codes"),
        ("lang=en&mission=nowhere", "Unknown mission: nowhere. Use the slug of a published"),
        ("lang=fr&country=XX", "Pays inconnu\u00a0: XX."),
        ("lang=fr&kind=party", "Type inconnu\u00a0: party."),
    ],
)
def test_unknown_parameters_get_a_clear_400(client, query, message):
    response = client.get(f"/feeds/events.ics?{query}", headers={"Accept-Language": "en"})
    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert message in response.content.decode()


def test_a_draft_mission_is_an_unknown_filter(client):
    mission = MissionFactory(status="draft")
    response = client.get(f"/feeds/events.ics?lang=en&mission={mission.slug}")
    assert response.status_code == 400


def test_mission_feed_holds_the_mission_and_its_programme(client):
    mission = MissionFactory(title_en="Toronto 2027")
    inside = EventFactory(mission=mission, time_zone="America/Toronto")
    EventFactory()
    response = client.get(f"/feeds/missions/{mission.slug}.ics?lang=en")
    parsed = check_calendar(response.content, "feed")
    assert set(parsed) == {uid(mission), uid(inside)}
    assert "NAME:PRIMI · Toronto 2027" in content_lines(response.content)
    assert client.get("/feeds/missions/unknown.ics").status_code == 404
    draft = MissionFactory(status="draft")
    assert client.get(f"/feeds/missions/{draft.slug}.ics").status_code == 404


def test_one_event_download_has_no_name_nor_refresh(client):
    event = EventFactory()
    response = client.get(f"/feeds/events/{event.slug}.ics?lang=en")
    parsed = check_calendar(response.content, "download")
    assert set(parsed) == {uid(event)}
    assert response["Content-Disposition"] == f'attachment; filename="{event.slug}.ics"'
    draft = EventFactory(status="draft")
    assert client.get(f"/feeds/events/{draft.slug}.ics").status_code == 404


def test_conditional_request_gets_304_without_building(client):
    EventFactory()
    first = client.get("/feeds/events.ics")
    assert first["ETag"] and first["Last-Modified"]
    with mock.patch.object(feeds, "build_feed", side_effect=AssertionError("rebuilt")):
        again = client.get("/feeds/events.ics", headers={"If-None-Match": first["ETag"]})
        assert again.status_code == 304
        assert again.content == b""
        assert again["ETag"] == first["ETag"]
        since = client.get(
            "/feeds/events.ics", headers={"If-Modified-Since": first["Last-Modified"]}
        )
        assert since.status_code == 304


def test_304_does_not_build_even_with_a_cold_cache(client):
    EventFactory()
    etag = client.get("/feeds/events.ics")["ETag"]
    caches["feeds"].clear()
    with mock.patch.object(feeds, "build_feed", side_effect=AssertionError("rebuilt")):
        assert client.get("/feeds/events.ics", headers={"If-None-Match": etag}).status_code == 304


def test_built_feed_is_cached_and_a_change_invalidates_it(client):
    event = EventFactory(title_fr="Avant")
    first = client.get("/feeds/events.ics")
    with mock.patch.object(feeds, "build_feed", side_effect=AssertionError("rebuilt")):
        cached = client.get("/feeds/events.ics")
    assert cached.content == first.content
    event.title_fr = "Après"
    services.save_event(event)
    changed = client.get("/feeds/events.ics")
    assert changed["ETag"] != first["ETag"]
    assert "SUMMARY:Après" in content_lines(changed.content)


def test_a_deleted_event_leaves_the_feed_and_changes_etag_and_last_modified(client):
    kept, deleted = EventFactory(), EventFactory()
    first = client.get("/feeds/events.ics")
    later = timezone.now() + timedelta(seconds=5)
    with mock.patch("django.utils.timezone.now", return_value=later):
        services.delete_event(deleted)
    second = client.get("/feeds/events.ics", headers={"If-None-Match": first["ETag"]})
    assert second.status_code == 200
    assert second["ETag"] != first["ETag"]
    assert set(check_calendar(second.content)) == {uid(kept)}
    from django.utils.http import parse_http_date

    assert parse_http_date(second["Last-Modified"]) > parse_http_date(first["Last-Modified"])


def test_an_unpublished_event_leaves_the_feed(client):
    event = EventFactory()
    first = client.get("/feeds/events.ics")
    event.status = Event.Status.DRAFT
    services.save_event(event)
    second = client.get("/feeds/events.ics")
    assert second["ETag"] != first["ETag"]
    assert b"BEGIN:VEVENT" not in second.content


def test_cancelled_event_stays_thirty_days_with_higher_sequence(client):
    event = EventFactory()
    before = check_calendar(client.get("/feeds/events.ics").content)[uid(event)]
    event.status = Event.Status.CANCELLED
    services.save_event(event)
    event.refresh_from_db()
    assert event.cancelled_at is not None and event.sequence == before.sequence + 1
    response = client.get("/feeds/events.ics")
    after = check_calendar(response.content)[uid(event)]
    assert after.status == "CANCELLED" and after.sequence > before.sequence
    in_29_days = event.cancelled_at + timedelta(days=29)
    in_31_days = event.cancelled_at + timedelta(days=31)
    with mock.patch("django.utils.timezone.now", return_value=in_29_days):
        still = client.get("/feeds/events.ics", headers={"If-None-Match": response["ETag"]})
    assert still.status_code == 304
    with mock.patch("django.utils.timezone.now", return_value=in_31_days):
        gone = client.get("/feeds/events.ics", headers={"If-None-Match": response["ETag"]})
    assert gone.status_code == 200
    assert b"BEGIN:VEVENT" not in gone.content


def test_sequence_rises_with_title_description_time_place_or_status_only(client):
    event = EventFactory()
    event.capacity = 40  # not in the calendar
    services.save_event(event)
    assert event.sequence == 0
    event.title_fr = "Nouveau titre"
    services.save_event(event)
    assert event.sequence == 1
    event.starts_at += timedelta(hours=1)
    event.ends_at += timedelta(hours=1)
    services.save_event(event)
    assert event.sequence == 2
    event.city = "Nice"
    services.save_event(event)
    assert event.sequence == 3
    event.status = Event.Status.CANCELLED
    services.save_event(event)
    event.status = Event.Status.PUBLISHED
    services.save_event(event)
    event.refresh_from_db()
    assert event.sequence == 5 and event.cancelled_at is None
    event.description_en = "New description"
    services.save_event(event)
    assert event.sequence == 6
    stale = Event.objects.get(pk=event.pk)
    stale.sequence = 0  # a stale copy never lowers it
    services.save_event(stale)
    assert Event.objects.get(pk=event.pk).sequence == 6


def test_mission_sequence_and_cancellation(client):
    mission = MissionFactory()
    mission.end_date += timedelta(days=1)
    mission_services.save_mission(mission)
    mission.status = "cancelled"
    mission_services.save_mission(mission)
    mission.refresh_from_db()
    assert mission.sequence == 2 and mission.cancelled_at is not None
    parsed = check_calendar(client.get(f"/feeds/missions/{mission.slug}.ics").content)
    assert parsed[uid(mission)].status == "CANCELLED"


def test_two_requests_without_change_are_byte_identical(client):
    EventFactory(time_zone="Europe/London")
    first = client.get("/feeds/events.ics").content
    caches["feeds"].clear()
    assert client.get("/feeds/events.ics").content == first


def test_head_is_answered_with_the_headers(client):
    EventFactory()
    response = client.head("/feeds/events.ics")
    assert response.status_code == 200 and response["ETag"]
    assert client.post("/feeds/events.ics").status_code == 405


def feed_queries(client, url: str) -> int:
    client.get(url)  # the first request may create the version row
    caches["feeds"].clear()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def test_public_feed_query_count_does_not_grow_with_events(client):
    mission = MissionFactory()
    EventFactory(mission=mission)
    one = feed_queries(client, f"/feeds/events.ics?mission={mission.slug}")
    EventFactory.create_batch(2, mission=mission)
    three = feed_queries(client, f"/feeds/events.ics?mission={mission.slug}")
    assert one == three == 3  # the mission filter, the version, the events


def test_mission_feed_query_count_does_not_grow_with_events(client):
    mission = MissionFactory()
    EventFactory(mission=mission)
    one = feed_queries(client, f"/feeds/missions/{mission.slug}.ics")
    EventFactory.create_batch(2, mission=mission)
    three = feed_queries(client, f"/feeds/missions/{mission.slug}.ics")
    assert one == three == 3  # the mission, the version, the programme


def test_304_costs_one_query(client):
    EventFactory.create_batch(3)
    etag = client.get("/feeds/events.ics")["ETag"]
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/feeds/events.ics", headers={"If-None-Match": etag}).status_code == 304
    assert len(captured) == 1


def test_admin_change_goes_through_the_service(admin_client):
    event = EventFactory(
        slug="vitrine",
        time_zone="America/Toronto",
        starts_at=datetime(2027, 1, 12, 15, tzinfo=UTC),
        ends_at=datetime(2027, 1, 12, 17, tzinfo=UTC),
        city="Toronto",
        country="CA",
    )
    data = {
        "kind": "conference",
        "status": "published",
        "slug": "vitrine",
        "title_fr": "Vitrine",
        "title_en": "Showcase",
        "time_zone": "America/Toronto",
        "local_start_0": "2027-01-12",
        "local_start_1": "11:00",
        "local_end_0": "2027-01-12",
        "local_end_1": "13:00",
        "city": "Toronto",
        "country": "CA",
        "waitlist_enabled": "on",
        "waitlist_mode": "confirm",
        "offer_hours": "48",
    }
    response = admin_client.post(f"/admin/events/event/{event.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    event.refresh_from_db()
    assert event.starts_at == datetime(2027, 1, 12, 16, tzinfo=UTC)
    assert event.sequence == 1
    version = services.FeedVersion.objects.get(scope="calendar").counter
    admin_client.post(f"/admin/events/event/{event.pk}/delete/", {"post": "yes"})
    assert not Event.objects.filter(pk=event.pk).exists()
    assert services.FeedVersion.objects.get(scope="calendar").counter == version + 1


def test_gzip_is_served_to_clients_that_ask_with_a_weak_etag(client):
    import gzip

    EventFactory()
    plain = client.get("/feeds/events.ics")
    packed = client.get("/feeds/events.ics", headers={"Accept-Encoding": "gzip, deflate"})
    assert packed["Content-Encoding"] == "gzip"
    assert gzip.decompress(packed.content) == plain.content
    assert packed["ETag"] == f"W/{plain['ETag']}"
    assert "Accept-Encoding" in packed["Vary"]
    again = client.get(
        "/feeds/events.ics",
        headers={"Accept-Encoding": "gzip", "If-None-Match": packed["ETag"]},
    )
    assert again.status_code == 304


def test_event_mission_and_calendar_pages_offer_calendar_links(client):
    mission = MissionFactory()
    event = EventFactory(
        mission=mission,
        title_en="Pitch day",
        time_zone="America/Toronto",
        starts_at=datetime(2027, 1, 12, 15, tzinfo=UTC),
        ends_at=datetime(2027, 1, 12, 17, tzinfo=UTC),
    )
    page = client.get(f"/en/events/{event.slug}/").content.decode()
    assert f'href="http://testserver/feeds/events/{event.slug}.ics?lang=en"' in page
    assert (
        "https://calendar.google.com/calendar/render?action=TEMPLATE&amp;text=Pitch+day"
        "&amp;dates=20270112T150000Z%2F20270112T170000Z"
    ) in page
    assert "ctz=America%2FToronto" in page
    assert "https://outlook.live.com/calendar/0/deeplink/compose?" in page
    assert f'href="webcal://testserver/feeds/missions/{mission.slug}.ics?lang=en"' in page
    mission_page = client.get(f"/fr/missions/{mission.slug}/").content.decode()
    assert f'href="webcal://testserver/feeds/missions/{mission.slug}.ics?lang=fr"' in mission_page
    assert (
        "https://calendar.google.com/calendar/render?cid=webcal%3A%2F%2Ftestserver" in mission_page
    )
    assert (
        "https://outlook.live.com/calendar/0/addfromweb?url=http%3A%2F%2Ftestserver" in mission_page
    )
    calendar_page = client.get("/en/calendar/?kind=conference").content.decode()
    assert (
        'href="webcal://testserver/feeds/events.ics?lang=en&amp;kind=conference"' in calendar_page
    )


@pytest.mark.parametrize(
    ("accept_language", "message"),
    [
        ("en", "Unknown kind: party. Known kinds: conference,"),
        ("en-GB,en;q=0.9,fr;q=0.5", "Unknown kind: party."),
        ("fr-FR,fr;q=0.9", "Type inconnu\u00a0: party."),
        (None, "Type inconnu\u00a0: party."),  # no preference: the site's language
    ],
)
def test_without_lang_a_bad_filter_is_answered_in_the_clients_language(
    client, accept_language, message
):
    headers = {"Accept-Language": accept_language} if accept_language else {}
    response = client.get("/feeds/events.ics?kind=party", headers=headers)
    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert message in response.content.decode()
    asked = client.get("/feeds/events.ics?lang=fr&kind=party", headers={"Accept-Language": "en"})
    assert "Type inconnu\u00a0: party." in asked.content.decode()  # lang wins


@pytest.mark.parametrize(
    ("accept_encoding", "gzipped"),
    [
        ("gzip;q=0", False),
        ("GZIP; Q=0.000", False),
        ("deflate, br, gzip;q=0", False),
        ("*;q=0", False),
        ("identity;q=1, gzip;q=0.5", False),
        ("gzip;q=nonsense", False),
        ("x-gzip", True),
        ("gzip;q=0.5", True),
        ("br;q=1, gzip;q=0.1", True),
        ("*", True),
        ("gzip, deflate, br", True),
    ],
)
def test_gzip_only_where_accept_encoding_accepts_it(client, accept_encoding, gzipped):
    import gzip

    EventFactory()
    plain = client.get("/feeds/events.ics")
    response = client.get("/feeds/events.ics", headers={"Accept-Encoding": accept_encoding})
    assert response.status_code == 200
    if gzipped:
        assert response["Content-Encoding"] == "gzip"
        assert gzip.decompress(response.content) == plain.content
        assert response["ETag"] == f"W/{plain['ETag']}"
    else:
        assert "Content-Encoding" not in response
        assert response.content == plain.content
        assert response["ETag"] == plain["ETag"]
    assert "Accept-Encoding" in response["Vary"]


def test_unknown_feed_objects_are_a_bare_404(client):
    draft_mission = MissionFactory(status="draft")
    draft_event = EventFactory(status="draft")
    for url in (
        "/feeds/missions/unknown.ics",
        f"/feeds/missions/{draft_mission.slug}.ics",
        "/feeds/events/unknown.ics?lang=en",
        f"/feeds/events/{draft_event.slug}.ics",
        "/feeds/me/not-a-token.ics",
    ):
        response = client.get(url, headers={"Accept": "text/html", "Accept-Language": "en"})
        assert response.status_code == 404, url
        assert response["Content-Type"] == "text/plain; charset=utf-8", url
        assert response.content == b"Not found.\n", url


def _validators(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response["ETag"], response["Last-Modified"], response.content


def test_an_edit_elsewhere_leaves_a_feeds_validators_alone(client):
    """Subscribers of a feed download it again only when its bytes change."""
    mission = MissionFactory()
    inside = EventFactory(mission=mission, kind="workshop", country="CA", title_en="Inside")
    elsewhere = EventFactory(kind="festival", country="BE", title_en="Elsewhere")
    urls = [
        "/feeds/events.ics?kind=workshop",
        "/feeds/events.ics?country=CA&lang=en",
        f"/feeds/events.ics?mission={mission.slug}",
        f"/feeds/missions/{mission.slug}.ics",
        f"/feeds/events/{inside.slug}.ics",
    ]
    before = {url: _validators(client, url) for url in urls}
    whole = _validators(client, "/feeds/events.ics")
    later = timezone.now() + timedelta(seconds=5)
    with mock.patch("django.utils.timezone.now", return_value=later):
        elsewhere.title_en = "Elsewhere, renamed"
        elsewhere.starts_at += timedelta(hours=1)
        elsewhere.ends_at += timedelta(hours=1)
        services.save_event(elsewhere)
        EventFactory(kind="conference", country="FR")  # a new event elsewhere
        services.delete_event(EventFactory(status=Event.Status.DRAFT, kind="workshop"))
        MissionFactory(title_en="Another mission")
    caches["feeds"].clear()  # no help from the cache: the validators come from the rows
    for url, (etag, last_modified, content) in before.items():
        again = client.get(url, headers={"If-None-Match": etag})
        assert again.status_code == 304, url
        assert again["ETag"] == etag and again["Last-Modified"] == last_modified, url
        assert _validators(client, url) == (etag, last_modified, content), url
    assert _validators(client, "/feeds/events.ics")[0] != whole[0]  # it shows that event
    # An edit of the event the feeds show changes each of them, bytes and validators.
    with mock.patch("django.utils.timezone.now", return_value=later + timedelta(seconds=5)):
        inside.title_en = "Inside, renamed"
        services.save_event(inside)
    for url, (etag, last_modified, content) in before.items():
        changed = client.get(url, headers={"If-None-Match": etag})
        assert changed.status_code == 200, url
        assert changed["ETag"] != etag and changed.content != content, url
        assert parse_http_date(changed["Last-Modified"]) > parse_http_date(last_modified), url
        assert client.get(url, headers={"If-None-Match": changed["ETag"]}).status_code == 304


def test_an_event_leaving_a_filtered_feed_moves_its_validators_forward(client):
    staying = EventFactory(kind="workshop")
    leaving = EventFactory(kind="workshop")  # the feed's latest change
    url = "/feeds/events.ics?kind=workshop"
    etag, last_modified, _content = _validators(client, url)
    leaving.kind = "festival"  # gone from the feed: no row of it is left to date the change
    services.save_event(leaving)
    response = client.get(url, headers={"If-None-Match": etag})
    assert response.status_code == 200
    assert set(check_calendar(response.content)) == {uid(staying)}
    assert parse_http_date(response["Last-Modified"]) > parse_http_date(last_modified)
    assert client.get(url, headers={"If-None-Match": response["ETag"]}).status_code == 304


def test_a_deleted_mission_is_seen_by_the_feeds_of_its_events(client):
    mission = MissionFactory(title_en="Toronto 2027")
    event = EventFactory(mission=mission)
    etag, _last_modified, content = _validators(client, "/feeds/events.ics?lang=en")
    assert b"Toronto 2027" in content
    mission_services.delete_mission(mission)
    response = client.get("/feeds/events.ics?lang=en", headers={"If-None-Match": etag})
    assert response.status_code == 200
    assert b"Toronto 2027" not in response.content
    assert uid(event) in check_calendar(response.content)
