"""Calendar subscriptions through the API: list, create (address shown once), revoke."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from events import services
from events.models import FeedToken
from tests.api_support import assert_error, assert_private_everywhere

pytestmark = pytest.mark.django_db


def test_create_shows_the_address_once_and_it_serves_the_private_feed(two_people, client):
    created = two_people.owner.post("/feed-tokens", {"name": "Phone"})
    assert created.status_code == 201
    body = created.json()
    assert body["name"] == "Phone" and body["last_used_at"] is None
    assert body["feed_url"].startswith("http") and body["feed_url"].endswith(".ics")
    assert body["webcal_url"] == "webcal://" + body["feed_url"].split("://", 1)[1]
    path = "/" + body["feed_url"].split("/", 3)[3]
    feed = client.get(path)
    assert feed.status_code == 200 and feed["Content-Type"].startswith("text/calendar")
    listed = two_people.owner.get("/feed-tokens").json()
    assert listed == {
        "items": [
            {
                "id": body["id"],
                "name": "Phone",
                "created_at": body["created_at"],
                "rotated_at": None,
                "last_used_at": listed["items"][0]["last_used_at"],
            }
        ]
    }
    assert "feed_url" not in str(listed)
    duplicate = two_people.owner.post("/feed-tokens?lang=en", {"name": " Phone "})
    assert assert_error(duplicate, 409, "conflict")["errors"][0]["field"] == "name"
    assert two_people.other.get("/feed-tokens").json() == {"items": []}


def test_past_the_most_subscriptions_is_a_conflict_with_the_fields_message(two_people):
    person = two_people.owner.user.person
    for number in range(services.MAX_ACTIVE_TOKENS):
        services.create_feed_token(person, f"Device {number}")
    refused = two_people.owner.post("/feed-tokens?lang=fr", {"name": "One more"})
    error = assert_error(refused, 409, "conflict")
    assert error["errors"][0]["field"] == "name"
    assert "révoquez-en un" in error["errors"][0]["message"]
    assert FeedToken.objects.filter(person=person).count() == services.MAX_ACTIVE_TOKENS


def test_another_persons_token_is_a_404_and_revoking_ends_the_feed(two_people, client):
    token, secret = services.create_feed_token(two_people.owner.user.person, "Laptop")
    assert_private_everywhere(
        two_people, [("delete", f"/feed-tokens/{token.pk}", None)], owner_status=204
    )
    assert FeedToken.objects.get(pk=token.pk).revoked_at is not None
    assert client.get(f"/feeds/me/{secret}.ics").status_code == 404
    assert_error(two_people.owner.delete(f"/feed-tokens/{token.pk}"), 404, "not_found")
    assert two_people.owner.get("/feed-tokens").json() == {"items": []}


def test_a_read_token_cannot_create_a_subscription(two_people):
    from tests.api_support import ApiClient

    reader = ApiClient(two_people.owner.user, scope="read")
    assert_error(reader.post("/feed-tokens", {"name": "Phone"}), 403, "insufficient_scope")
    assert not FeedToken.objects.exists()


@pytest.mark.parametrize("count", [1, 3])
def test_the_list_keeps_a_constant_number_of_queries(two_people, count):
    for number in range(count):
        services.create_feed_token(two_people.owner.user.person, f"Device {number}")
    two_people.owner.get("/me")
    with CaptureQueriesContext(connection) as queries:
        assert len(two_people.owner.get("/feed-tokens").json()["items"]) == count
    assert len(queries) == 2  # the token with its person, the list
