"""`Idempotency-Key`: a client that retries a creation never creates two.

An endpoint that creates something declares the header and hands its work to
`idempotent`:

    @router.post("/things", response=responses({201: ThingOut}, ...))
    def create_thing(request, payload: ThingIn, idempotency_key: str | None = IDEMPOTENCY_KEY):
        return idempotent(request, idempotency_key, ThingOut,
                          lambda: Status(201, services.create_thing(request.user, ...)))

- no key: the work runs, as always;
- a new key: the work runs and its answer (status and body) is kept for
  `API_IDEMPOTENCY_HOURS`;
- the same key with the same method, path and body: the kept answer, with the header
  `Idempotent-Replayed: true`, and nothing runs;
- the same key with another request: 422 `idempotency_key_reused`;
- the same key while the first request still runs: 409 `idempotency_key_in_use`.

A refused request (an error) keeps nothing: the retry runs again. The work itself
keeps its own transaction (services use `atomic(durable=True)`), so the key is
claimed before it runs and completed after.
"""

import hashlib
import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from ninja import Header, Schema
from ninja.responses import NinjaJSONEncoder, Status

from primi_site.errors import DomainError
from primi_site.models import IdempotencyKey

PENDING_TIMEOUT = timedelta(minutes=5)


def idempotency_key_header() -> Any:
    return Header(
        None,
        alias="Idempotency-Key",
        min_length=1,
        max_length=255,
        pattern=r"^[\x21-\x7e]+$",
        description=(
            "A unique value per creation (a UUID is best). A retry with the same key and "
            "body gets the first answer again instead of creating twice."
        ),
        examples=["5f0c1d3e-9a7b-4c2e-8f60-2b1d7c9e4a10"],
    )


class IdempotencyKeyReused(DomainError):
    status = 422
    code = "idempotency_key_reused"
    field = "Idempotency-Key"
    location = "header"
    message = _("This Idempotency-Key was already used for a different request.")


class IdempotencyKeyInUse(DomainError):
    status = 409
    code = "idempotency_key_in_use"
    message = _("A request with this Idempotency-Key is still being processed; retry shortly.")


def request_digest(request: HttpRequest) -> str:
    signature = hashlib.sha256()
    for part in (request.method or "", request.path, request.META.get("QUERY_STRING", "")):
        signature.update(part.encode())
        signature.update(b"\0")
    signature.update(request.body)
    return signature.hexdigest()


def _claim(user, key: str, digest: str) -> tuple[IdempotencyKey, bool]:
    """The key's row, and whether this request claimed it (True) or found it (False)."""
    horizon = timezone.now() - timedelta(hours=settings.API_IDEMPOTENCY_HOURS)
    IdempotencyKey.objects.filter(user=user, key=key, created_at__lt=horizon).delete()
    try:
        with transaction.atomic():
            return IdempotencyKey.objects.create(user=user, key=key, request_hash=digest), True
    except IntegrityError:
        return IdempotencyKey.objects.get(user=user, key=key), False


def idempotent(
    request: HttpRequest,
    key: str | None,
    schema: type[Schema],
    work: Callable[[], Any],
) -> Any:
    """Run `work` once per key; see the module's documentation."""
    if not key:
        return work()
    user = request.user
    digest = request_digest(request)
    record, claimed = _claim(user, key, digest)
    if not claimed:
        if record.request_hash != digest:
            raise IdempotencyKeyReused
        if record.state == IdempotencyKey.State.COMPLETED:
            return _replay(request, record)
        if record.created_at > timezone.now() - PENDING_TIMEOUT:
            raise IdempotencyKeyInUse
        # The first attempt died mid-way: this one takes over.
    try:
        result = work()
    except BaseException:
        IdempotencyKey.objects.filter(pk=record.pk, state=IdempotencyKey.State.PENDING).delete()
        raise
    status, value = (
        (result.status_code, result.value) if isinstance(result, Status) else (200, result)
    )
    # Serialised as the API renders it (times to the millisecond), so that a replay is
    # byte for byte the first answer.
    body = json.loads(
        json.dumps(
            schema.model_validate(value, context={"request": request}).model_dump(),
            cls=NinjaJSONEncoder,
        )
    )
    IdempotencyKey.objects.filter(pk=record.pk).update(
        state=IdempotencyKey.State.COMPLETED, response_status=status, response_body=body
    )
    # Rendered as stored, like its replays: the body is the schema's output already.
    return _render(request, body, status)


def _render(request: HttpRequest, body: Any, status: int) -> HttpResponse:
    from primi_site.api import api

    return api.create_response(request, body, status=status)


def _replay(request: HttpRequest, record: IdempotencyKey) -> HttpResponse:
    response = _render(request, record.response_body, record.response_status)
    response["Idempotent-Replayed"] = "true"
    return response
