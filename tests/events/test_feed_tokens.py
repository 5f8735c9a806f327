import hashlib
import math
import re
from datetime import timedelta

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from events import services
from events.models import FeedToken
from tests.events.ical_checks import check_calendar, content_lines
from tests.factories import (
    ApplicationFactory,
    EventFactory,
    MissionFactory,
    PartnerFactory,
    PersonFactory,
)

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery"


@pytest.fixture(autouse=True)
def _empty_feed_cache():
    caches["feeds"].clear()


def delegate(**kwargs):
    return PersonFactory(organisation=PartnerFactory(), role="delegate", **kwargs)


def confirm(person, mission):
    """The person's confirmed application: the mission and its programme join their feed."""
    return ApplicationFactory(person=person, mission=mission, state="confirmed")


def test_token_has_256_random_bits_and_only_its_hash_is_stored():
    person = PersonFactory()
    token, secret = services.create_feed_token(person, "Phone")
    assert len(secret) >= 43 and math.log2(64) * len(secret) >= 128
    assert re.fullmatch(r"[A-Za-z0-9_-]+", secret)
    stored = FeedToken.objects.get(pk=token.pk)
    assert stored.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in str(FeedToken.objects.filter(pk=token.pk).values().first())
    _other, other_secret = services.create_feed_token(person, "Laptop")
    assert other_secret != secret


def test_names_are_unique_among_active_tokens_and_bounded_in_number():
    person = PersonFactory()
    services.create_feed_token(person, "Phone")
    with pytest.raises(services.SubscriptionRefused) as caught:
        services.create_feed_token(person, "  Phone ")
    assert (caught.value.field, str(caught.value)) == (
        "name",
        "Vous avez déjà un abonnement de ce nom.",
    )
    for number in range(services.MAX_ACTIVE_TOKENS - 1):
        services.create_feed_token(person, f"Device {number}")
    with pytest.raises(services.SubscriptionRefused):
        services.create_feed_token(person, "One too many")


def test_private_feed_shows_the_programme_of_the_persons_missions(client):
    person = delegate(language="en")
    mission = MissionFactory(title_en="Delegation to Marseille")
    confirm(person, mission)
    inside = EventFactory(mission=mission, title_en="Studio visit")
    EventFactory(title_en="Not mine")
    MissionFactory()  # a mission of others
    _token, secret = services.create_feed_token(person, "Phone")
    response = client.get(f"/feeds/me/{secret}.ics")
    assert response.status_code == 200
    parsed = check_calendar(response.content, "feed")
    assert set(parsed) == {
        f"mission-{mission.pk}@international.primi",
        f"event-{inside.pk}@international.primi",
    }
    assert parsed[f"event-{inside.pk}@international.primi"].summary == "Studio visit"
    assert "NAME:PRIMI · My international programme" in content_lines(response.content)
    assert response["Cache-Control"] == "private, max-age=0, must-revalidate"
    assert response["Referrer-Policy"] == "no-referrer"
    assert response["X-Robots-Tag"] == "noindex, nofollow"


def test_private_feed_language_defaults_to_the_owner_and_follows_lang(client):
    person = delegate(language="en")
    mission = MissionFactory(title_fr="Délégation", title_en="Delegation")
    confirm(person, mission)
    _token, secret = services.create_feed_token(person, "Phone")
    assert "SUMMARY:Delegation" in content_lines(client.get(f"/feeds/me/{secret}.ics").content)
    french = client.get(f"/feeds/me/{secret}.ics?lang=fr")
    assert "SUMMARY:Délégation" in content_lines(french.content)
    assert client.get(f"/feeds/me/{secret}.ics?lang=es").status_code == 400


def test_wrong_rotated_and_revoked_tokens_get_the_same_bare_404(client):
    person = PersonFactory()
    token, secret = services.create_feed_token(person, "Phone")
    assert client.get(f"/feeds/me/{secret}.ics").status_code == 200
    wrong = client.get("/feeds/me/not-a-token.ics")
    new_secret = services.rotate_feed_token(token)
    rotated = client.get(f"/feeds/me/{secret}.ics")
    assert client.get(f"/feeds/me/{new_secret}.ics").status_code == 200
    services.revoke_feed_token(token)
    revoked = client.get(f"/feeds/me/{new_secret}.ics")
    for response in (wrong, rotated, revoked):
        assert response.status_code == 404
        assert response.content == wrong.content
        assert response["Referrer-Policy"] == "no-referrer"


def test_private_feed_etag_moves_when_the_persons_registration_changes(client):
    person = delegate()
    mission = MissionFactory()
    application = confirm(person, mission)
    _token, secret = services.create_feed_token(person, "Phone")
    first = client.get(f"/feeds/me/{secret}.ics")
    assert (
        client.get(f"/feeds/me/{secret}.ics", headers={"If-None-Match": first["ETag"]}).status_code
        == 304
    )
    application.delete()  # a deletion too (the admin's)
    second = client.get(f"/feeds/me/{secret}.ics", headers={"If-None-Match": first["ETag"]})
    assert second.status_code == 200
    assert b"BEGIN:VEVENT" not in second.content


def test_last_use_is_recorded_at_most_hourly(client):
    person = PersonFactory()
    token, secret = services.create_feed_token(person, "Phone")
    client.get(f"/feeds/me/{secret}.ics")
    token.refresh_from_db()
    first_use = token.last_used_at
    assert first_use is not None
    client.get(f"/feeds/me/{secret}.ics")
    token.refresh_from_db()
    assert token.last_used_at == first_use
    services.record_feed_use(token, first_use + timedelta(hours=2))
    token.refresh_from_db()
    assert token.last_used_at == first_use + timedelta(hours=2)


def private_feed_queries(client, secret: str) -> int:
    client.get(f"/feeds/me/{secret}.ics")
    caches["feeds"].clear()
    with CaptureQueriesContext(connection) as captured:
        assert client.get(f"/feeds/me/{secret}.ics").status_code == 200
    return len(captured)


def test_private_feed_query_count_does_not_grow_with_items(client):
    person = delegate()
    mission = MissionFactory()
    confirm(person, mission)
    EventFactory(mission=mission)
    _token, secret = services.create_feed_token(person, "Phone")
    one = private_feed_queries(client, secret)
    EventFactory.create_batch(2, mission=mission)
    other = MissionFactory()
    confirm(person, other)
    three = private_feed_queries(client, secret)
    assert one == three == 5  # token, version, registrations, programmes, meetings


def sign_in(client, person, language="en"):
    client.post(
        f"/{language}/account/login/", {"username": person.user.username, "password": PASSWORD}
    )


def test_account_page_creates_a_token_shown_once_with_links(client):
    person = PersonFactory(language="en")
    sign_in(client, person)
    response = client.post("/en/account/calendar/new/", {"token-name": "Phone"})
    assert response["Location"] == "/en/account/#calendar-subscriptions"
    page = client.get("/en/account/").content.decode()
    match = re.search(r'value="(http://testserver/feeds/me/([A-Za-z0-9_-]+)\.ics)"', page)
    assert match, page
    _url, secret = match.groups()
    assert f"webcal://testserver/feeds/me/{secret}.ics" in page
    assert (
        "https://calendar.google.com/calendar/render?cid=webcal%3A%2F%2Ftestserver%2Ffeeds%2Fme%2F"
        in page
    )
    assert (
        "https://outlook.live.com/calendar/0/addfromweb?url=http%3A%2F%2Ftestserver%2Ffeeds%2Fme%2F"
        in page
    )
    assert client.get(f"/feeds/me/{secret}.ics").status_code == 200
    again = client.get("/en/account/").content.decode()
    assert secret not in again  # shown once
    assert "<td>Phone</td>" in again


def test_account_page_rotates_and_revokes_with_csrf(client):
    person = PersonFactory(language="en")
    token, secret = services.create_feed_token(person, "Phone")
    sign_in(client, person)
    client.post(f"/en/account/calendar/{token.pk}/rotate/")
    page = client.get("/en/account/").content.decode()
    new_secret = re.search(r"/feeds/me/([A-Za-z0-9_-]+)\.ics", page).group(1)
    assert new_secret != secret
    assert client.get(f"/feeds/me/{secret}.ics").status_code == 404
    client.post(f"/en/account/calendar/{token.pk}/revoke/")
    assert client.get(f"/feeds/me/{new_secret}.ics").status_code == 404
    page = client.get("/en/account/").content.decode()
    assert "“Phone” is revoked; its address no longer works." in page
    assert "<td>Phone</td>" not in page
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    sign_in(strict, person)
    assert strict.post("/en/account/calendar/new/", {"token-name": "Tablet"}).status_code == 403


def test_another_persons_token_is_a_404(client):
    owner, intruder = PersonFactory(), PersonFactory()
    token, secret = services.create_feed_token(owner, "Phone")
    sign_in(client, intruder)
    assert client.post(f"/en/account/calendar/{token.pk}/revoke/").status_code == 404
    assert client.post(f"/en/account/calendar/{token.pk}/rotate/").status_code == 404
    assert client.get(f"/feeds/me/{secret}.ics").status_code == 200


def test_a_duplicate_name_is_reported_in_the_page_language(client):
    person = PersonFactory(language="fr")
    services.create_feed_token(person, "Téléphone")
    sign_in(client, person, "fr")
    client.post("/fr/account/calendar/new/", {"token-name": "Téléphone"})
    page = client.get("/fr/account/").content.decode()
    assert "Vous avez déjà un abonnement de ce nom." in page
    assert FeedToken.objects.filter(person=person).count() == 1


class FakeMeetingSource:
    """A source as the registrations and B2B apps will plug in: items and a fingerprint."""

    name = "meetings"

    def fingerprint(self, person):
        from django.db.models import Value

        return {"revision": Value(FakeMeetingSource.revision)}

    def items(self, person, language, cutoff):
        from events.ical import CalendarItem

        start = timezone.now().replace(microsecond=0) + timedelta(days=3)
        return [
            CalendarItem(
                uid="meeting-7@international.primi",
                sequence=FakeMeetingSource.revision,
                cancelled=False,
                summary=f"Meeting, table {FakeMeetingSource.revision}",
                starts_at=start,
                ends_at=start + timedelta(minutes=30),
                time_zone="Europe/Paris",
                last_modified=start - timedelta(days=10),
                location=f"Table {FakeMeetingSource.revision}",
            ),
            # The same UID again from a broader source: the first listed wins.
            CalendarItem(
                uid=f"mission-{FakeMeetingSource.mission_pk}@international.primi",
                sequence=99,
                cancelled=False,
                summary="Shadowed by the first source",
                starts_at=start,
                ends_at=start + timedelta(hours=1),
                time_zone="Europe/Paris",
                last_modified=start,
            ),
        ]


def test_a_plugged_source_adds_items_and_moves_the_etag(client, settings):
    from events import feed_sources

    person = delegate(language="en")
    mission = MissionFactory(title_en="Delegation")
    confirm(person, mission)
    FakeMeetingSource.revision, FakeMeetingSource.mission_pk = 1, mission.pk
    settings.CALENDAR_FEED_SOURCES = [
        "bookings.feed_sources.RegistrationSource",
        "tests.events.test_feed_tokens.FakeMeetingSource",
    ]
    feed_sources._load.cache_clear()
    try:
        _token, secret = services.create_feed_token(person, "Phone")
        first = client.get(f"/feeds/me/{secret}.ics")
        parsed = check_calendar(first.content, "feed")
        assert parsed["meeting-7@international.primi"].location == "Table 1"
        assert parsed[f"mission-{mission.pk}@international.primi"].summary == "Delegation"
        FakeMeetingSource.revision = 2
        second = client.get(f"/feeds/me/{secret}.ics", headers={"If-None-Match": first["ETag"]})
        assert second.status_code == 200
        assert check_calendar(second.content)["meeting-7@international.primi"].sequence == 2
    finally:
        feed_sources._load.cache_clear()


@pytest.mark.redis
def test_built_feeds_are_shared_through_redis(client, settings):
    import redis

    url = "redis://127.0.0.1:6379/15"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("Redis does not answer at 127.0.0.1:6379")
    settings.CACHES = {
        **settings.CACHES,
        "feeds": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url,
            "KEY_PREFIX": "test-feeds",
        },
    }
    from unittest import mock

    from events import feeds

    caches["feeds"].clear()
    EventFactory()
    first = client.get("/feeds/events.ics")
    with mock.patch.object(feeds, "build_feed", side_effect=AssertionError("rebuilt")):
        assert client.get("/feeds/events.ics").content == first.content
    caches["feeds"].clear()


@pytest.mark.parametrize("accept", [None, "", "text/html", "*/*", "application/json;q=0.1", "ù"])
def test_the_private_feed_ignores_the_accept_header_and_mission_feeds_too(client, accept):
    person = PersonFactory()
    mission = MissionFactory()
    confirm(person, mission)
    _token, secret = services.create_feed_token(person, "Phone")
    headers = {} if accept is None else {"Accept": accept}
    for url in (f"/feeds/me/{secret}.ics", f"/feeds/missions/{mission.slug}.ics"):
        response = client.get(url, headers=headers)
        assert response.status_code == 200, url
        assert response["Content-Type"] == "text/calendar; charset=utf-8"
        assert f"mission-{mission.pk}@international.primi" in check_calendar(response.content)
    assert client.get(f"/feeds/me/{secret}.ics?lang=xx", headers=headers).status_code == 400
