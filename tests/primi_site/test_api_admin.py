"""The staff's admin of tokens and webhooks: revoke, register, read the log, replay."""

import pytest

from primi_site.models import ApiToken, WebhookDelivery, WebhookEndpoint
from primi_site.services import tokens
from tests.factories import PersonFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def test_staff_revoke_tokens_from_the_admin(staff_client):
    token, _raw = tokens.create_token(PersonFactory().user, name="crm", scope="read")
    response = staff_client.post(
        "/admin/primi_site/apitoken/",
        {"action": "revoke", "_selected_action": [token.pk]},
        follow=True,
    )
    assert response.status_code == 200
    assert ApiToken.objects.get(pk=token.pk).revoked_at is not None


def test_staff_register_an_https_endpoint_and_get_a_secret(staff_client):
    response = staff_client.post(
        "/admin/primi_site/webhookendpoint/add/",
        {
            "url": "https://crm.partner.example/hooks",
            "description": "CRM",
            "event_types": ["meeting.created"],
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.content[:2000]
    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.secret.startswith("whsec_") and endpoint.event_types == ["meeting.created"]


def test_the_admin_refuses_a_plain_http_endpoint(staff_client):
    response = staff_client.post(
        "/admin/primi_site/webhookendpoint/add/",
        {"url": "http://crm.partner.example/hooks", "event_types": ["meeting.created"]},
    )
    assert response.status_code == 200
    assert not WebhookEndpoint.objects.exists()
    assert "https://" in response.content.decode()


def test_staff_replay_deliveries_from_the_log(staff_client, django_capture_on_commit_callbacks):
    endpoint = WebhookEndpoint.objects.create(
        url="https://crm.partner.example/hooks", secret="s", event_types=["meeting.created"]
    )
    original = WebhookDelivery.objects.create(
        endpoint=endpoint, event_type="meeting.created", payload={"meeting": 1}, status="failed"
    )
    assert staff_client.get("/admin/primi_site/webhookdelivery/").status_code == 200
    with django_capture_on_commit_callbacks(execute=False):
        staff_client.post(
            "/admin/primi_site/webhookdelivery/",
            {"action": "replay", "_selected_action": [original.pk]},
        )
    copy = WebhookDelivery.objects.exclude(pk=original.pk).get()
    assert copy.replay_of == original and copy.event_id == original.event_id
    assert copy.status == "pending"
