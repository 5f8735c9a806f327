from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from primi_site.models import ApiToken
from primi_site.services import tokens
from tests.api_support import ApiClient, assert_error, assert_private_everywhere
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def test_a_created_token_is_shown_once_and_stored_only_as_a_digest():
    api = ApiClient(PersonFactory().user)
    response = api.post("/tokens", {"name": "CRM sync", "scope": "read", "expires_in_days": 30})
    assert response.status_code == 201
    body = response.json()
    raw = body["token"]
    assert raw.startswith("primi_") and len(raw) == 49
    stored = ApiToken.objects.get(pk=body["id"])
    assert stored.token_hash == tokens.digest(raw)
    assert raw not in {stored.token_hash, stored.prefix, stored.name}
    assert body["prefix"] == raw[:12] == stored.prefix
    assert body["scope"] == "read"
    assert 29 <= (stored.expires_at - timezone.now()).days <= 30
    listed = api.get("/tokens").json()["items"]
    assert {item["id"] for item in listed} == {body["id"], api_token_id(api)}
    assert all("token" not in item for item in listed)


def api_token_id(api: ApiClient) -> int:
    return ApiToken.objects.get(token_hash=tokens.digest(api.token)).pk


def test_tokens_carry_at_least_128_random_bits():
    user = PersonFactory().user
    raws = {tokens.create_token(user, name=f"t{i}", scope="read")[1] for i in range(5)}
    assert len(raws) == 5
    # 43 URL-safe characters after the prefix: 6 bits each, 258 bits in all.
    assert all(len(raw.removeprefix("primi_")) * 6 >= 128 for raw in raws)


def test_another_persons_token_is_a_404_on_every_route(two_people):
    token_id = api_token_id(two_people.owner)
    assert_private_everywhere(
        two_people,
        [("get", f"/tokens/{token_id}", None), ("delete", f"/tokens/{token_id}", None)],
    )
    other_ids = {item["id"] for item in two_people.other.get("/tokens").json()["items"]}
    assert token_id not in other_ids
    assert ApiToken.objects.get(pk=token_id).revoked_at is not None  # the owner's delete ran


def test_a_revoked_token_answers_401_token_revoked_and_leaves_the_list():
    api = ApiClient(PersonFactory().user)
    second = api.post("/tokens", {"name": "second", "scope": "write"}).json()
    assert api.delete(f"/tokens/{second['id']}").status_code == 204
    revoked = ApiClient(client=None)
    revoked.token = second["token"]
    body = assert_error(revoked.get("/me"), 401, "token_revoked")
    assert body["errors"] == []
    assert second["id"] not in {item["id"] for item in api.get("/tokens").json()["items"]}
    assert_error(api.get(f"/tokens/{second['id']}"), 404, "not_found")


def test_an_expired_token_answers_401_token_expired():
    user = PersonFactory().user
    _token, raw = tokens.create_token(
        user, name="old", scope="read", expires_at=timezone.now() - timedelta(seconds=1)
    )
    api = ApiClient()
    api.token = raw
    response = api.get("/me")
    assert_error(response, 401, "token_expired")
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_an_unknown_or_malformed_token_answers_401_invalid_token():
    api = ApiClient()
    api.token = "primi_" + "x" * 43
    assert_error(api.get("/me"), 401, "invalid_token")
    api.token = "not-a-token"
    assert_error(api.get("/me"), 401, "invalid_token")


def test_no_credentials_answers_401_not_authenticated(client):
    response = client.get("/api/v1/me")
    assert_error(response, 401, "not_authenticated")


def test_last_use_is_recorded_at_most_once_a_minute():
    api = ApiClient(PersonFactory().user)
    record = ApiToken.objects.get(pk=api_token_id(api))
    assert record.last_used_at is None
    api.get("/me")
    first = ApiToken.objects.get(pk=record.pk).last_used_at
    assert first is not None
    api.get("/me")
    assert ApiToken.objects.get(pk=record.pk).last_used_at == first
    ApiToken.objects.filter(pk=record.pk).update(last_used_at=first - timedelta(minutes=2))
    api.get("/me")
    assert ApiToken.objects.get(pk=record.pk).last_used_at > first - timedelta(minutes=1)


def test_a_read_token_may_read_but_not_write():
    api = ApiClient(PersonFactory().user, scope="read")
    assert api.get("/tokens").status_code == 200
    body = assert_error(
        api.post("/tokens", {"name": "x", "scope": "read"}), 403, "insufficient_scope"
    )
    assert "read" in body["message"].lower() or "lecture" in body["message"].lower()
    assert ApiToken.objects.count() == 1


def test_a_person_has_at_most_twenty_active_tokens():
    api = ApiClient(PersonFactory().user)
    for index in range(tokens.MAX_ACTIVE_TOKENS - 1):
        assert api.post("/tokens", {"name": f"t{index}", "scope": "read"}).status_code == 201
    assert_error(
        api.post("/tokens", {"name": "one too many", "scope": "read"}), 409, "too_many_tokens"
    )


def test_me_says_who_is_calling_and_how():
    person = PersonFactory(role="delegate", language="en", time_zone="America/Toronto")
    api = ApiClient(person.user, scope="read")
    body = api.get("/me").json()
    assert body["username"] == person.user.username
    assert body["role"] == "delegate"
    assert body["language"] == "en"
    assert body["time_zone"] == "America/Toronto"
    assert body["organisation"]["slug"] == person.organisation.slug
    assert body["authenticated_with"] == "token"
    assert body["token_scope"] == "read"
    assert body["is_staff"] is False


@pytest.mark.parametrize("count", [1, 3])
def test_my_tokens_keep_a_constant_number_of_queries(count):
    api = ApiClient(PersonFactory().user)
    for index in range(count - 1):
        api.post("/tokens", {"name": f"t{index}", "scope": "read"})
    api.get("/me")  # records the token's last use, once a minute
    with CaptureQueriesContext(connection) as queries:
        assert len(api.get("/tokens").json()["items"]) == count
    assert len(queries) == 2  # the token (its last use is fresh), the list
