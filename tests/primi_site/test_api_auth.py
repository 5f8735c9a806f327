"""Session authentication (CSRF on unsafe methods), Bearer tokens, staff-only routes."""

import pytest
from django.test import Client

from primi_site.models import ApiToken, WebhookEndpoint
from tests.api_support import API, ApiClient, assert_error
from tests.factories import PersonFactory, UserFactory

pytestmark = pytest.mark.django_db

TOKEN_BODY = {"name": "from the browser", "scope": "read"}


def signed_in(enforce_csrf: bool = True) -> tuple[Client, object]:
    person = PersonFactory()
    browser = Client(enforce_csrf_checks=enforce_csrf)
    browser.force_login(person.user)
    return browser, person


def csrf_token_of(browser: Client) -> str:
    browser.get("/fr/account/")  # any page that renders a form sets the cookie
    return browser.cookies["csrftoken"].value


def test_a_session_may_read_without_a_csrf_token():
    browser, person = signed_in()
    response = browser.get(f"{API}/me")
    assert response.status_code == 200
    assert response.json()["authenticated_with"] == "session"
    assert response.json()["username"] == person.user.username


def test_a_session_write_without_a_csrf_token_is_refused():
    browser, person = signed_in()
    response = browser.post(f"{API}/tokens", TOKEN_BODY, content_type="application/json")
    assert_error(response, 403, "csrf_failed")
    assert not ApiToken.objects.filter(user=person.user).exists()


def test_a_session_write_with_a_wrong_csrf_token_is_refused():
    browser, person = signed_in()
    csrf_token_of(browser)
    response = browser.post(
        f"{API}/tokens",
        TOKEN_BODY,
        content_type="application/json",
        headers={"X-CSRFToken": "x" * 64},
    )
    assert_error(response, 403, "csrf_failed")
    assert not ApiToken.objects.filter(user=person.user).exists()


def test_a_session_write_with_the_csrf_token_goes_through():
    browser, person = signed_in()
    token = csrf_token_of(browser)
    response = browser.post(
        f"{API}/tokens",
        TOKEN_BODY,
        content_type="application/json",
        headers={"X-CSRFToken": token},
    )
    assert response.status_code == 201, response.content
    assert ApiToken.objects.get(user=person.user).name == "from the browser"
    created = response.json()["id"]
    deleted = browser.delete(f"{API}/tokens/{created}", headers={"X-CSRFToken": token})
    assert deleted.status_code == 204


def test_a_bearer_write_needs_no_csrf_token():
    person = PersonFactory()
    api = ApiClient(person.user)
    api.client = Client(enforce_csrf_checks=True)
    response = api.post("/tokens", TOKEN_BODY)
    assert response.status_code == 201
    assert ApiToken.objects.filter(user=person.user).count() == 2


def test_a_bad_bearer_token_is_refused_even_with_a_valid_session():
    browser, _person = signed_in(enforce_csrf=False)
    response = browser.get(f"{API}/me", headers={"Authorization": "Bearer primi_wrong"})
    assert_error(response, 401, "invalid_token")


@pytest.mark.parametrize("role", ["member", "delegate"])
def test_staff_only_routes_refuse_members_and_delegates(role):
    api = ApiClient(PersonFactory(role=role).user)
    assert_error(api.get("/webhooks/endpoints"), 403, "staff_only")
    body = {"url": "https://partner.example/hook", "event_types": ["meeting.created"]}
    assert_error(api.post("/webhooks/endpoints", body), 403, "staff_only")
    assert not WebhookEndpoint.objects.exists()


def test_staff_only_routes_accept_the_staff_role_and_staff_accounts():
    by_role = ApiClient(PersonFactory(role="staff").user)
    assert by_role.get("/webhooks/endpoints").json()["count"] == 0
    by_flag = ApiClient(UserFactory(is_staff=True))
    assert by_flag.get("/webhooks/endpoints").status_code == 200
    assert by_flag.get("/me").json()["is_staff"] is True
