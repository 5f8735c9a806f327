"""A tiny API of the tests: a creation endpoint behind the real infrastructure."""

from django.urls import path
from ninja import NinjaAPI, Schema
from ninja.responses import Status

from missions.models import Sector
from primi_site.api import BoundedJSONParser
from primi_site.api_auth import AUTHENTICATED
from primi_site.api_errors import AUTHENTICATED as AUTH_ERRORS
from primi_site.api_errors import WITH_BODY, install_error_handlers, responses
from primi_site.api_idempotency import idempotency_key_header, idempotent
from primi_site.schemas import InSchema

test_api = NinjaAPI(urls_namespace="test-idempotency", parser=BoundedJSONParser())
install_error_handlers(test_api)


class SectorIn(InSchema):
    slug: str
    name: str


class SectorOut(Schema):
    id: int
    slug: str


@test_api.post(
    "/sectors",
    response=responses({201: SectorOut}, *AUTH_ERRORS, *WITH_BODY, 409),
    auth=AUTHENTICATED,
)
def create_sector(
    request, payload: SectorIn, idempotency_key: str | None = idempotency_key_header()
):
    def work():
        sector = Sector.objects.create(
            slug=payload.slug, name_fr=payload.name, name_en=payload.name
        )
        return Status(201, sector)

    return idempotent(request, idempotency_key, SectorOut, work)


urlpatterns = [path("test-api/", test_api.urls)]
