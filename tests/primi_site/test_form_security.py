"""Forms: CSRF on every POST, per-person limits on registering, no personal data in URLs,
`Cache-Control: private` on personal pages."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import EventFactory, MissionFactory, PersonFactory
from tests.primi_site.test_url_permissions import RULES, named_patterns, url_for

pytestmark = pytest.mark.django_db

# Capability tokens, ids and verbs (a B2B request's "accept") may appear in a URL; nothing
# else that names a person.
ALLOWED_PARAMETERS = {
    "slug",
    "pk",
    "token_id",
    "year",
    "registration_id",
    "endpoint_id",
    "delivery_id",
    "token",
    "uidb64",
    "fmt",
    "action",
    "channel",  # an outbox channel's name, on a staff page
}
SITE_POSTS = [
    name
    for name, rule in RULES.items()
    if rule[0] == "POST" and not name.startswith("api:") and name != "logout"
]
FORM_PAGES = ["account", "account_erase", "api_tokens", "mission_apply", "password_change"]


def test_url_parameters_are_ids_slugs_or_capability_tokens():
    for name, pattern in named_patterns():
        parameters = set(re.findall(r"<(?:\w+:)?(\w+)>", str(getattr(pattern, "pattern", ""))))
        assert parameters <= ALLOWED_PARAMETERS, f"{name}: {parameters - ALLOWED_PARAMETERS}"
        assert "email" not in str(getattr(pattern, "pattern", "")).lower(), name


@pytest.mark.parametrize("name", SITE_POSTS + FORM_PAGES + ["logout", "login"])
def test_every_form_refuses_a_post_without_the_csrf_token(world, name):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.people["member"].user)
    pattern = dict(named_patterns())[name]

    response = client.post(url_for(name, pattern, world), {"confirm": "on"})

    assert response.status_code == 403
    assert "CSRF" in response.content.decode() or "csrf" in response.content.decode().lower()


def test_registering_too_often_answers_429_in_the_readers_language(client, settings):
    settings.REGISTRATION_RATE = "2/h"
    person = PersonFactory()
    client.force_login(person.user)
    events = [EventFactory() for _ in range(3)]

    answers = [client.post(reverse("event_register", args=[e.slug])) for e in events]

    assert [a.status_code for a in answers] == [302, 302, 429]
    assert int(answers[2]["Retry-After"]) > 0
    assert "Trop de demandes" in answers[2].content.decode()
    assert person.registrations.count() == 2
    other = PersonFactory()
    client.force_login(other.user)
    assert client.post(reverse("event_register", args=[events[2].slug])).status_code == 302


def test_the_429_page_speaks_english_on_english_pages(client, settings):
    settings.REGISTRATION_RATE = "1/h"
    client.force_login(PersonFactory().user)
    mission = MissionFactory()
    with_prefix = "/en" + reverse("mission_apply", args=[mission.slug])[3:]
    client.post(with_prefix, {})
    response = client.post(with_prefix, {})
    assert response.status_code == 429
    assert "Too many requests" in response.content.decode()


def test_personal_pages_are_private_and_public_pages_are_not_marked(client):
    client.force_login(PersonFactory().user)
    for name in ("account", "my_registrations", "api_tokens", "home"):
        assert "private" in client.get(reverse(name))["Cache-Control"], name
    client.logout()
    assert "private" not in client.get(reverse("home")).get("Cache-Control", "")


def test_a_private_feed_is_private_even_without_a_session(client, world):
    url = reverse("feed_private", kwargs={"token": world.kwargs["default"]["token"]})
    response = client.get(url)
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("private")
