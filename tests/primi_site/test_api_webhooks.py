"""Webhooks: signed deliveries a partner can verify, retries with backoff, replay, staff API."""

import json
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_q.models import Schedule

from primi_site.models import WebhookDelivery, WebhookEndpoint
from primi_site.services import webhooks
from primi_site.tasks import deliver_webhook
from tests.api_support import ApiClient, assert_error
from tests.factories import PersonFactory
from tests.primi_site import webhook_receiver

pytestmark = pytest.mark.django_db

DOCS = Path(django_settings.BASE_DIR) / "docs" / "api.md"


def documented_verifier():
    """The verification snippet of docs/api.md, as a partner would paste it."""
    text = DOCS.read_text(encoding="utf-8")
    block = re.search(
        r"<!-- verification-snippet:start -->\s*```python\n(.*?)```\s*"
        r"<!-- verification-snippet:end -->",
        text,
        re.S,
    )
    assert block, "docs/api.md lost its verification snippet"
    namespace: dict = {}
    exec(compile(block.group(1), str(DOCS), "exec"), namespace)
    return namespace["verify_primi_webhook"]


@pytest.fixture
def receiver(settings):
    settings.WEBHOOK_ALLOW_HTTP_HOSTS = ["127.0.0.1"]
    settings.WEBHOOK_BACKOFF_SECONDS = 60
    settings.WEBHOOK_MAX_ATTEMPTS = 3
    found, server = webhook_receiver.start()
    yield found
    server.shutdown()
    server.server_close()


def endpoint_for(receiver, events=("registration.created",)) -> WebhookEndpoint:
    return webhooks.create_endpoint(by=None, url=receiver.url, event_types=list(events))


def test_a_delivery_is_signed_so_that_the_partner_can_verify_it(
    receiver, django_capture_on_commit_callbacks
):
    endpoint = endpoint_for(receiver)
    with django_capture_on_commit_callbacks(execute=True):
        webhooks.emit("registration.created", {"registration": 12, "event": "showcase"})
    assert len(receiver.received) == 1
    got = receiver.received[0]
    envelope = json.loads(got.body)
    assert envelope["type"] == "registration.created"
    assert envelope["data"] == {"registration": 12, "event": "showcase"}
    assert got.headers["X-Primi-Event"] == "registration.created"
    assert got.headers["X-Primi-Event-Id"] == envelope["id"]
    assert got.headers["X-Primi-Signature"].startswith("sha256=")
    verify = documented_verifier()
    assert verify(endpoint.secret, got.headers, got.body) is True
    assert verify("whsec_another", got.headers, got.body) is False
    assert verify(endpoint.secret, got.headers, got.body + b" ") is False
    old = {**got.headers, "X-Primi-Timestamp": str(int(got.headers["X-Primi-Timestamp"]) - 301)}
    assert verify(endpoint.secret, old, got.body) is False  # a replay, refused
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "succeeded" and delivery.attempts == 1
    assert delivery.response_status == 200 and delivery.delivered_at is not None


def test_emit_goes_only_to_active_subscribed_endpoints(
    receiver, django_capture_on_commit_callbacks
):
    subscribed = endpoint_for(receiver)
    endpoint_for(receiver, events=["meeting.created"])
    inactive = endpoint_for(receiver)
    inactive.is_active = False
    inactive.save()
    with django_capture_on_commit_callbacks(execute=True):
        deliveries = webhooks.emit("registration.created", {"registration": 1})
    assert [d.endpoint_id for d in deliveries] == [subscribed.pk]
    assert len(receiver.received) == 1
    with pytest.raises(ValueError):
        webhooks.emit("registration.exploded", {})


def test_nothing_is_sent_before_the_transaction_commits(
    receiver, django_capture_on_commit_callbacks
):
    endpoint_for(receiver)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        webhooks.emit("registration.created", {"registration": 1})
    assert receiver.received == []
    assert len(callbacks) == 1
    assert WebhookDelivery.objects.get().status == "pending"


def test_failures_are_retried_with_exponential_backoff_then_given_up(
    receiver, django_capture_on_commit_callbacks
):
    endpoint_for(receiver)
    receiver.statuses = [500, 503, 502]
    before = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        webhooks.emit("registration.created", {"registration": 5})
    after = timezone.now()
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "pending" and delivery.attempts == 1
    assert delivery.response_status == 500 and "HTTP 500" in delivery.last_error
    # A minute after the failed answer, however long the attempt took.
    assert before + timedelta(seconds=60) <= delivery.next_attempt_at
    assert delivery.next_attempt_at <= after + timedelta(seconds=60)
    retry = Schedule.objects.get(name=f"webhook-{delivery.pk}-retry-1")
    assert retry.func == "primi_site.tasks.deliver_webhook"
    assert retry.next_run == delivery.next_attempt_at

    before = timezone.now()
    deliver_webhook(delivery.pk)  # what the scheduled retry runs
    after = timezone.now()
    delivery.refresh_from_db()
    assert delivery.attempts == 2 and delivery.status == "pending"
    assert before + timedelta(seconds=120) <= delivery.next_attempt_at
    assert delivery.next_attempt_at <= after + timedelta(seconds=120)

    deliver_webhook(delivery.pk)
    delivery.refresh_from_db()
    assert delivery.attempts == 3 and delivery.status == "failed"
    assert delivery.next_attempt_at is None
    assert Schedule.objects.filter(name__startswith=f"webhook-{delivery.pk}-retry").count() == 2
    assert len(receiver.received) == 3
    ids = {got.headers["X-Primi-Event-Id"] for got in receiver.received}
    assert len(ids) == 1  # the same event each time: the partner can deduplicate


def test_a_delivered_webhook_is_not_sent_twice(receiver, django_capture_on_commit_callbacks):
    endpoint_for(receiver)
    with django_capture_on_commit_callbacks(execute=True):
        webhooks.emit("registration.created", {"registration": 5})
    deliver_webhook(WebhookDelivery.objects.get().pk)
    assert len(receiver.received) == 1


def test_an_unreachable_endpoint_is_recorded_and_retried(settings):
    settings.WEBHOOK_ALLOW_HTTP_HOSTS = ["127.0.0.1"]
    port = webhook_receiver.free_port()  # nobody listens there
    webhooks.create_endpoint(
        by=None, url=f"http://127.0.0.1:{port}/x", event_types=["meeting.created"]
    )
    delivery = webhooks.emit("meeting.created", {"meeting": 3})[0]
    webhooks.attempt(delivery.pk)
    delivery.refresh_from_db()
    assert delivery.status == "pending" and delivery.response_status is None
    assert "ConnectionError" in delivery.last_error


def test_staff_read_the_log_and_replay_a_delivery(receiver, django_capture_on_commit_callbacks):
    endpoint_for(receiver)
    receiver.statuses = [500]
    with django_capture_on_commit_callbacks(execute=True):
        webhooks.emit("registration.created", {"registration": 9})
    original = WebhookDelivery.objects.get()
    staff = ApiClient(PersonFactory(role="staff").user)
    log = staff.get("/webhooks/deliveries?status=pending").json()
    assert [item["id"] for item in log["items"]] == [original.pk]
    assert log["items"][0]["last_error"].startswith("HTTP 500")
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(f"/webhooks/deliveries/{original.pk}/replay")
    assert response.status_code == 202
    replay = WebhookDelivery.objects.get(pk=response.json()["id"])
    assert replay.replay_of_id == original.pk and replay.event_id == original.event_id
    assert replay.status == "succeeded"
    assert len(receiver.received) == 2
    member = ApiClient(PersonFactory().user)
    assert_error(member.post(f"/webhooks/deliveries/{original.pk}/replay"), 403, "staff_only")
    assert_error(staff.post("/webhooks/deliveries/999999/replay"), 404, "not_found")


def test_staff_register_and_remove_endpoints_through_the_api():
    staff = ApiClient(PersonFactory(role="staff").user)
    body = {
        "url": "https://crm.partner.example/hooks",
        "description": "Partner CRM",
        "event_types": ["meeting.created", "registration.created"],
    }
    created = staff.post("/webhooks/endpoints", body)
    assert created.status_code == 201
    data = created.json()
    assert data["secret"].startswith("whsec_") and len(data["secret"]) > 40
    assert data["event_types"] == ["meeting.created", "registration.created"]
    listed = staff.get("/webhooks/endpoints").json()["items"]
    assert [item["url"] for item in listed] == ["https://crm.partner.example/hooks"]
    assert "secret" not in listed[0]
    assert staff.delete(f"/webhooks/endpoints/{data['id']}").status_code == 204
    assert not WebhookEndpoint.objects.exists()


@pytest.mark.parametrize(
    "url",
    [
        "http://crm.partner.example/hooks",
        "https://127.0.0.1/hooks",
        "https://10.0.0.8/hooks",
        "https://localhost/hooks",
        "https://user:secret@crm.partner.example/hooks",
        "ftp://crm.partner.example/hooks",
    ],
)
def test_endpoints_must_be_public_https_addresses(url):
    with pytest.raises(ValidationError):
        webhooks.validate_url(url)


def test_plain_http_is_allowed_only_for_the_hosts_of_the_setting(settings):
    settings.WEBHOOK_ALLOW_HTTP_HOSTS = ["127.0.0.1"]
    webhooks.validate_url("http://127.0.0.1:8150/x")
    settings.WEBHOOK_ALLOW_HTTP_HOSTS = []
    with pytest.raises(ValidationError):
        webhooks.validate_url("http://127.0.0.1:8150/x")


def test_an_http_endpoint_through_the_api_is_a_422_on_the_url():
    staff = ApiClient(PersonFactory(role="staff").user)
    response = staff.post(
        "/webhooks/endpoints",
        {"url": "https://10.1.2.3/hooks", "event_types": ["meeting.created"]},
    )
    body = assert_error(response, 422, "invalid")
    assert body["errors"][0]["field"] == "url"


@pytest.mark.parametrize("count", [1, 3])
def test_the_delivery_log_keeps_a_constant_number_of_queries(count):
    staff = ApiClient(PersonFactory(role="staff").user)
    endpoint = WebhookEndpoint.objects.create(
        url="https://a.example/h", secret="s", event_types=["meeting.created"]
    )
    for _ in range(count):
        WebhookDelivery.objects.create(endpoint=endpoint, event_type="meeting.created", payload={})
    with CaptureQueriesContext(connection) as queries:
        assert len(staff.get("/webhooks/deliveries").json()["items"]) == count
    # The token with its person (staff role), its last use, the count, the page.
    assert len(queries) == 4


def test_a_deactivated_endpoint_gets_nothing(receiver, django_capture_on_commit_callbacks):
    endpoint = endpoint_for(receiver)
    delivery = webhooks.emit("registration.created", {"registration": 1})[0]
    endpoint.is_active = False
    endpoint.save()
    webhooks.attempt(delivery.pk)
    delivery.refresh_from_db()
    assert delivery.status == "failed" and "deactivated" in delivery.last_error
    assert receiver.received == []
