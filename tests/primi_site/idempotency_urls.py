"""A tiny API of the tests: a creation endpoint behind the real infrastructure, and a
naive variant without the key's claim (the concurrency tests' negative control)."""

import time
import uuid

from django.urls import path
from ninja import NinjaAPI, Schema
from ninja.responses import Status

from missions.models import Sector
from primi_site import urls as site_urls
from primi_site.api import BoundedJSONParser
from primi_site.api_auth import AUTHENTICATED
from primi_site.api_errors import AUTHENTICATED as AUTH_ERRORS
from primi_site.api_errors import WITH_BODY, install_error_handlers, responses
from primi_site.api_idempotency import idempotency_key_header, idempotent
from primi_site.models import IdempotencyKey
from primi_site.schemas import InSchema

test_api = NinjaAPI(urls_namespace="test-idempotency", parser=BoundedJSONParser())
install_error_handlers(test_api)


class SectorIn(InSchema):
    slug: str
    name: str
    unique_suffix: bool = False  # a fresh slug each time: only the key prevents duplicates
    delay_ms: int = 0  # a slow creation, so that concurrent retries overlap


class SectorOut(Schema):
    id: int
    slug: str


def create(payload: SectorIn) -> Sector:
    time.sleep(payload.delay_ms / 1000)
    slug = f"{payload.slug}-{uuid.uuid4().hex[:8]}" if payload.unique_suffix else payload.slug
    return Sector.objects.create(slug=slug, name_fr=payload.name, name_en=payload.name)


@test_api.post(
    "/sectors",
    response=responses({201: SectorOut}, *AUTH_ERRORS, *WITH_BODY, 409),
    auth=AUTHENTICATED,
)
def create_sector(
    request, payload: SectorIn, idempotency_key: str | None = idempotency_key_header()
):
    return idempotent(request, idempotency_key, SectorOut, lambda: Status(201, create(payload)))


@test_api.post(
    "/sectors-naive",
    response=responses({201: SectorOut}, *AUTH_ERRORS, *WITH_BODY, 409),
    auth=AUTHENTICATED,
)
def create_sector_naively(
    request, payload: SectorIn, idempotency_key: str | None = idempotency_key_header()
):
    """Look for a finished answer, else work: no claim first."""
    done = IdempotencyKey.objects.filter(user=request.user, key=idempotency_key).first()
    if done is not None:
        return Status(201, done.response_body)
    sector = create(payload)
    body = {"id": sector.pk, "slug": sector.slug}
    IdempotencyKey.objects.get_or_create(
        user=request.user,
        key=idempotency_key,
        defaults={"request_hash": "", "state": "completed", "response_body": body},
    )
    return Status(201, body)


urlpatterns = [path("test-api/", test_api.urls), *site_urls.urlpatterns]
