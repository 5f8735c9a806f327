"""Webhooks to partners' systems: record on the caller's transaction, deliver after it.

`emit(event_type, payload)` is what services call (for instance after a registration
is created): it records one delivery per active endpoint subscribed to that event,
in the caller's transaction, and enqueues their delivery once it commits. A delivery
is a signed POST; a failure is retried with exponential backoff.

Signature: `X-Primi-Signature: sha256=<hex>`, the HMAC-SHA256 of
`<X-Primi-Timestamp>.<body>` with the endpoint's secret (docs/api.md shows how a
partner verifies it and refuses replays).
"""

import hashlib
import hmac
import ipaddress
import json
import logging
import secrets
import time
import uuid
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

import requests
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_q.models import Schedule
from django_q.tasks import async_task, schedule

from primi_site.models import WebhookDelivery, WebhookEndpoint, WebhookEvent

logger = logging.getLogger("primi.webhooks")

TASK = "primi_site.tasks.deliver_webhook"
USER_AGENT = "PRIMI-international-webhooks/1"


def new_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """The `X-Primi-Signature` value of `body` sent at `timestamp` (Unix seconds)."""
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def validate_url(url: str) -> None:
    """HTTPS to a public host; plain http only to hosts of WEBHOOK_ALLOW_HTTP_HOSTS."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.username or parts.password:
        raise ValidationError(
            {"url": _("Leave credentials out of the address.")}, code="credentials"
        )
    if parts.scheme == "http" and host in settings.WEBHOOK_ALLOW_HTTP_HOSTS:
        return
    if parts.scheme != "https" or not host:
        raise ValidationError({"url": _("Give an https:// address.")}, code="https_only")
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        if host == "localhost" or host.endswith((".localhost", ".local", ".internal")):
            raise ValidationError(
                {"url": _("Give the address of a public server.")}, code="private_host"
            ) from None
        return
    if not address.is_global:
        raise ValidationError(
            {"url": _("Give the address of a public server.")}, code="private_host"
        )


def create_endpoint(
    *, by, url: str, event_types: list[str], description: str = "", is_active: bool = True
) -> WebhookEndpoint:
    validate_url(url)
    unknown = sorted(set(event_types) - set(WebhookEvent.values))
    if unknown or not event_types:
        raise ValidationError({"event_types": _("Choose at least one known event.")})
    endpoint = WebhookEndpoint.objects.create(
        url=url,
        description=description,
        event_types=sorted(set(event_types)),
        is_active=is_active,
        secret=new_secret(),
        created_by=by,
    )
    logger.info("Webhook endpoint %s created by user %s", endpoint.pk, getattr(by, "pk", None))
    return endpoint


def delete_endpoint(endpoint: WebhookEndpoint, *, by) -> None:
    logger.info("Webhook endpoint %s deleted by user %s", endpoint.pk, getattr(by, "pk", None))
    endpoint.delete()


def _enqueue(delivery_ids: list[int]) -> None:
    for delivery_id in delivery_ids:
        async_task(TASK, delivery_id, task_name=f"webhook-{delivery_id}")


def emit(event_type: str, payload: dict[str, Any]) -> list[WebhookDelivery]:
    """Notify every subscribed endpoint of `event_type`; delivered after commit."""
    if event_type not in WebhookEvent.values:
        raise ValueError(f"unknown webhook event {event_type!r}")
    data = json.loads(json.dumps(payload, cls=DjangoJSONEncoder))
    event_id = uuid.uuid4()
    endpoints = [
        endpoint
        for endpoint in WebhookEndpoint.objects.filter(is_active=True)
        if event_type in endpoint.event_types
    ]
    deliveries = WebhookDelivery.objects.bulk_create(
        WebhookDelivery(endpoint=endpoint, event_id=event_id, event_type=event_type, payload=data)
        for endpoint in endpoints
    )
    ids = [delivery.pk for delivery in deliveries]
    if ids:
        transaction.on_commit(lambda: _enqueue(ids))
    return deliveries


def replay(delivery: WebhookDelivery, *, by) -> WebhookDelivery:
    """Send a past delivery again, as a new delivery of the same event (same event id)."""
    copy = WebhookDelivery.objects.create(
        endpoint=delivery.endpoint,
        event_id=delivery.event_id,
        event_type=delivery.event_type,
        payload=delivery.payload,
        replay_of=delivery,
    )
    logger.info(
        "Webhook delivery %s replayed as %s by user %s",
        delivery.pk,
        copy.pk,
        getattr(by, "pk", None),
    )
    transaction.on_commit(lambda: _enqueue([copy.pk]))
    return copy


def body_of(delivery: WebhookDelivery) -> bytes:
    envelope = {
        "id": str(delivery.event_id),
        "type": delivery.event_type,
        "created_at": delivery.created_at.isoformat().replace("+00:00", "Z"),
        "delivery": delivery.pk,
        "data": delivery.payload,
    }
    return json.dumps(envelope, separators=(",", ":"), ensure_ascii=False).encode()


def backoff(attempts: int) -> timedelta:
    """Delay before attempt `attempts + 1`: base, 2×base, 4×base…"""
    return timedelta(seconds=settings.WEBHOOK_BACKOFF_SECONDS * 2 ** max(0, attempts - 1))


def attempt(delivery_id: int) -> WebhookDelivery | None:
    """One attempt at a delivery; idempotent (a delivered one is not sent again)."""
    with transaction.atomic():
        delivery = (
            WebhookDelivery.objects.select_for_update()
            .select_related("endpoint")
            .filter(pk=delivery_id)
            .first()
        )
        if delivery is None or delivery.status != WebhookDelivery.Status.PENDING:
            return delivery
        if not delivery.endpoint.is_active:
            delivery.status = WebhookDelivery.Status.FAILED
            delivery.last_error = "The endpoint was deactivated."
            delivery.save(update_fields=["status", "last_error"])
            return delivery
        delivery.attempts += 1
        delivery.last_attempt_at = timezone.now()
        delivery.next_attempt_at = None
        delivery.save(update_fields=["attempts", "last_attempt_at", "next_attempt_at"])
    status, error = _post(delivery)
    delivery.response_status = status
    delivery.last_error = error
    fields = ["response_status", "last_error", "status", "delivered_at", "next_attempt_at"]
    if error == "":
        delivery.status = WebhookDelivery.Status.SUCCEEDED
        delivery.delivered_at = timezone.now()
    elif delivery.attempts >= settings.WEBHOOK_MAX_ATTEMPTS:
        delivery.status = WebhookDelivery.Status.FAILED
        logger.warning("Webhook delivery %s failed for good: %s", delivery.pk, error)
    else:
        delivery.next_attempt_at = timezone.now() + backoff(delivery.attempts)
        schedule(
            TASK,
            delivery.pk,
            name=f"webhook-{delivery.pk}-retry-{delivery.attempts}",
            schedule_type=Schedule.ONCE,
            repeats=1,
            next_run=delivery.next_attempt_at,
        )
    delivery.save(update_fields=fields)
    return delivery


def _post(delivery: WebhookDelivery) -> tuple[int | None, str]:
    """(HTTP status or None, "" on success else what went wrong)."""
    body = body_of(delivery)
    timestamp = str(int(time.time()))
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "X-Primi-Event": delivery.event_type,
        "X-Primi-Event-Id": str(delivery.event_id),
        "X-Primi-Delivery": str(delivery.pk),
        "X-Primi-Timestamp": timestamp,
        "X-Primi-Signature": sign(delivery.endpoint.secret, timestamp, body),
    }
    try:
        response = requests.post(
            delivery.endpoint.url,
            data=body,
            headers=headers,
            timeout=settings.WEBHOOK_TIMEOUT_SECONDS,
            allow_redirects=False,
        )
    except requests.RequestException as exc:
        return None, f"{type(exc).__name__}: {exc}"[:1000]
    if 200 <= response.status_code < 300:
        return response.status_code, ""
    return response.status_code, f"HTTP {response.status_code}: {response.text[:500]}"
