"""The account page where a person creates and revokes their API tokens."""

import pytest
from django.test import Client

from primi_site.models import ApiToken
from primi_site.services import tokens
from tests.api_support import API
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def signed_in(person) -> Client:
    browser = Client()
    browser.force_login(person.user)
    return browser


def test_a_person_creates_a_token_and_sees_it_once():
    person = PersonFactory()
    browser = signed_in(person)
    response = browser.post(
        "/en/account/tokens/", {"name": "CRM sync", "scope": "read", "expires_in_days": "30"}
    )
    assert response.status_code == 201
    raw = response.context["created"]
    assert raw in response.content.decode()
    token = ApiToken.objects.get(user=person.user)
    assert token.token_hash == tokens.digest(raw) and token.scope == "read"
    listing = browser.get("/en/account/tokens/")
    assert raw not in listing.content.decode()
    assert token.prefix in listing.content.decode()
    api = Client().get(f"{API}/me", headers={"Authorization": f"Bearer {raw}"})
    assert api.json()["username"] == person.user.username


def test_a_bad_form_is_explained_in_the_page_language():
    browser = signed_in(PersonFactory())
    response = browser.post("/fr/account/tokens/", {"name": "", "scope": "admin"})
    assert response.status_code == 200
    assert not ApiToken.objects.exists()
    assert "Ce champ est obligatoire." in response.content.decode()


def test_a_person_revokes_their_token_and_not_anothers():
    owner, other = PersonFactory(), PersonFactory()
    token, _raw = tokens.create_token(owner.user, name="crm", scope="read")
    refused = signed_in(other).post(f"/en/account/tokens/{token.pk}/revoke/")
    assert refused.status_code == 404
    assert ApiToken.objects.get(pk=token.pk).revoked_at is None
    done = signed_in(owner).post(f"/en/account/tokens/{token.pk}/revoke/")
    assert done.status_code == 302
    assert ApiToken.objects.get(pk=token.pk).revoked_at is not None


def test_the_page_needs_a_signed_in_person(client):
    response = client.get("/en/account/tokens/")
    assert response.status_code == 302 and "/login/" in response["Location"]
