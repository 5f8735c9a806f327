import pytest
from django.test import RequestFactory

from missions.models import Sector
from primi_site.api_idempotency import request_digest
from primi_site.models import IdempotencyKey
from tests.api_support import ApiClient, assert_error
from tests.factories import PersonFactory

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.primi_site.idempotency_urls")]


def post(api: ApiClient, body: dict, key: str | None = None):
    headers = {"Idempotency-Key": key} if key else {}
    return api.client.post(
        "/test-api/sectors",
        body,
        content_type="application/json",
        headers={**api.headers(None), **headers},
    )


def test_a_retry_with_the_same_key_gets_the_first_answer_and_creates_nothing():
    api = ApiClient(PersonFactory().user)
    first = post(api, {"slug": "animation-x", "name": "Animation"}, key="k-1")
    second = post(api, {"slug": "animation-x", "name": "Animation"}, key="k-1")
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()
    assert second["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first
    assert Sector.objects.filter(slug="animation-x").count() == 1


def test_the_same_key_with_another_body_is_a_422():
    api = ApiClient(PersonFactory().user)
    assert post(api, {"slug": "games-x", "name": "Games"}, key="k-2").status_code == 201
    response = post(api, {"slug": "games-y", "name": "Games"}, key="k-2")
    body = assert_error(response, 422, "idempotency_key_reused")
    assert body["errors"][0]["field"] == "Idempotency-Key"
    assert not Sector.objects.filter(slug="games-y").exists()


def test_keys_belong_to_one_person():
    first = ApiClient(PersonFactory().user)
    second = ApiClient(PersonFactory().user)
    assert post(first, {"slug": "a-x", "name": "A"}, key="shared").status_code == 201
    response = post(second, {"slug": "b-x", "name": "B"}, key="shared")
    assert response.status_code == 201
    assert response.json()["slug"] == "b-x"
    assert IdempotencyKey.objects.filter(key="shared").count() == 2


def test_without_a_key_each_request_creates():
    api = ApiClient(PersonFactory().user)
    post(api, {"slug": "one-x", "name": "One"})
    post(api, {"slug": "two-x", "name": "Two"})
    assert Sector.objects.filter(slug__in=["one-x", "two-x"]).count() == 2
    assert not IdempotencyKey.objects.exists()


def test_a_refused_request_keeps_no_answer_so_the_retry_runs():
    api = ApiClient(PersonFactory().user)
    refused = post(api, {"slug": "x", "name": "X", "extra": 1}, key="k-3")
    assert_error(refused, 422, "invalid")
    assert not IdempotencyKey.objects.exists()  # validation failed before the work
    assert post(api, {"slug": "x-ok", "name": "X"}, key="k-3").status_code == 201


def test_a_key_still_in_progress_is_a_409():
    api = ApiClient(PersonFactory().user)
    body = {"slug": "busy-x", "name": "Busy"}
    same_request = RequestFactory().post("/test-api/sectors", body, content_type="application/json")
    IdempotencyKey.objects.create(
        user=api.user, key="k-4", request_hash=request_digest(same_request)
    )
    assert_error(post(api, body, key="k-4"), 409, "idempotency_key_in_use")
    assert not Sector.objects.filter(slug="busy-x").exists()


def test_an_overlong_key_is_a_422_on_the_header():
    api = ApiClient(PersonFactory().user)
    body = assert_error(post(api, {"slug": "long-x", "name": "L"}, key="k" * 256), 422, "invalid")
    assert body["errors"][0]["loc"] == ["header", "Idempotency-Key"]
    assert not Sector.objects.filter(slug="long-x").exists()
