"""429 with Retry-After on writes and on failed authentication, per person or token."""

import pytest
from django.test import Client

from primi_site import api_throttle
from primi_site.models import ApiToken
from tests.api_support import API, ApiClient, assert_error
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

BODY = {"name": "t", "scope": "read"}


def test_writes_past_the_rate_answer_429_with_retry_after(settings):
    settings.API_THROTTLE_WRITES = "3/min"
    api = ApiClient(PersonFactory().user)
    statuses = [api.post("/tokens", BODY).status_code for _ in range(4)]
    assert statuses == [201, 201, 201, 429]
    response = api.post("/tokens", BODY)
    body = assert_error(response, 429, "throttled")
    assert 1 <= int(response["Retry-After"]) <= 60
    assert response["Retry-After"] in body["message"]
    assert ApiToken.objects.count() == 1 + 3


def test_reads_are_not_counted_as_writes(settings):
    settings.API_THROTTLE_WRITES = "1/min"
    api = ApiClient(PersonFactory().user)
    assert [api.get("/tokens").status_code for _ in range(5)] == [200] * 5
    assert api.post("/tokens", BODY).status_code == 201


def test_two_peoples_tokens_do_not_share_a_bucket(settings):
    settings.API_THROTTLE_WRITES = "2/min"
    first = ApiClient(PersonFactory().user)
    second = ApiClient(PersonFactory().user)
    # Same client address for both: the key is the token, not the address.
    assert [first.post("/tokens", BODY).status_code for _ in range(3)] == [201, 201, 429]
    assert [second.post("/tokens", BODY).status_code for _ in range(2)] == [201, 201]


def test_a_session_is_throttled_per_person(settings):
    settings.API_THROTTLE_WRITES = "1/min"
    person = PersonFactory()
    browser = Client()
    browser.force_login(person.user)
    post = lambda: browser.post(f"{API}/tokens", BODY, content_type="application/json")  # noqa: E731
    assert post().status_code == 201
    assert_error(post(), 429, "throttled")
    other = Client()
    other.force_login(PersonFactory().user)
    assert other.post(f"{API}/tokens", BODY, content_type="application/json").status_code == 201


def test_failed_authentication_is_throttled(settings):
    settings.API_THROTTLE_AUTH_FAILURES = "3/min"
    client = Client()
    headers = {"Authorization": "Bearer primi_" + "z" * 43}
    statuses = [client.get(f"{API}/me", headers=headers).status_code for _ in range(4)]
    assert statuses == [401, 401, 401, 429]
    response = client.get(f"{API}/me", headers={"Authorization": "Bearer primi_" + "y" * 43})
    assert_error(response, 429, "throttled")
    assert int(response["Retry-After"]) >= 1


def test_a_valid_token_is_not_blocked_by_others_failures(settings):
    settings.API_THROTTLE_AUTH_FAILURES = "2/min"
    client = Client()
    for _ in range(3):
        client.get(f"{API}/me", headers={"Authorization": "Bearer wrong"})
    api = ApiClient(PersonFactory().user)
    assert api.get("/me").status_code == 200


def test_rates_are_parsed_and_bad_ones_refused():
    assert api_throttle.parse_rate("60/min") == (60, 60)
    assert api_throttle.parse_rate("1000/day") == (1000, 86400)
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured):
        api_throttle.parse_rate("sixty a minute")


def test_behind_a_proxy_the_client_address_comes_from_x_forwarded_for(rf, settings):
    settings.AXES_IPWARE_PROXY_COUNT = 1
    request = rf.get("/", HTTP_X_FORWARDED_FOR="203.0.113.9, 198.51.100.2", REMOTE_ADDR="10.0.0.1")
    assert api_throttle.client_address(request) == "198.51.100.2"
    settings.AXES_IPWARE_PROXY_COUNT = None
    assert api_throttle.client_address(request) == "10.0.0.1"
