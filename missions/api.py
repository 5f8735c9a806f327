"""The missions API: trade missions abroad and delegations visiting the region."""

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone, translation
from ninja import Query, Router

from missions import queries
from missions.models import Mission
from missions.schemas import MissionOut, MissionPageOut, MissionQuery, Slug
from primi_site.api_cache import PUBLIC, cached_list
from primi_site.api_errors import responses
from primi_site.api_language import LangQuery, api_language
from primi_site.api_pagination import PageParams, paginate, reject_unknown_params
from primi_site.bilingual import localized

router = Router(tags=["missions"])


def _text(obj, field: str, language: str) -> dict:
    value = localized(obj, field, language)
    return {field: value.text, f"{field}_lang": value.lang}


def mission_summary(mission: Mission, language: str) -> dict:
    """A mission as listed; call inside `translation.override(language)`."""
    return {
        "slug": mission.slug,
        "direction": mission.direction,
        "direction_label": str(mission.get_direction_display()),
        "status": mission.status,
        **_text(mission, "title", language),
        **_text(mission, "summary", language),
        "destination_city": mission.destination_city,
        "destination_country": mission.destination_country,
        "time_zone": mission.time_zone,
        "start_date": mission.start_date,
        "end_date": mission.end_date,
        "capacity": mission.capacity,
        "application_deadline": mission.application_deadline,
        "url": settings.SITE_URL + reverse("mission_detail", kwargs={"slug": mission.slug}),
    }


def mission_detail_out(mission: Mission, language: str) -> dict:
    return {
        **mission_summary(mission, language),
        **_text(mission, "description", language),
        **_text(mission, "eligibility", language),
        "fee_amount": mission.fee_amount,
        "fee_currency": mission.fee_currency,
        "partners": [
            {
                "name": partner.name,
                "slug": partner.slug,
                "kind": partner.kind,
                "country": partner.country,
                "city": partner.city,
                "website": partner.website,
            }
            for partner in mission.partners.all()
        ],
        "programme": [
            {
                "slug": event.slug,
                "kind": event.kind,
                "status": event.status,
                **_text(event, "title", language),
                "time_zone": event.time_zone,
                "all_day": event.all_day,
                "starts_at": event.starts_at,
                "ends_at": event.ends_at,
                "city": event.city,
                "country": event.country,
            }
            for event in mission.programme
        ],
        "updated_at": mission.updated_at,
    }


@router.get(
    "/missions",
    response=responses({200: MissionPageOut}, 422),
    summary="List upcoming missions",
    description=(
        "Published and closed missions not yet over, in start order; filters are "
        "repeatable and combine with AND."
    ),
)
def list_missions(
    request: HttpRequest, filters: Query[MissionQuery], page: Query[PageParams]
) -> HttpResponse:
    reject_unknown_params(request, MissionQuery, PageParams)
    language = api_language(request)

    def build() -> dict:
        chosen = queries.MissionFilters(
            directions=list(filters.direction),
            countries=list(filters.country),
            text=(filters.q or "").strip(),
        )
        missions = queries.filtered_upcoming_missions(timezone.localdate(), chosen)
        with translation.override(language):
            return paginate(missions, page, lambda mission: mission_summary(mission, language))

    return cached_list(
        request, namespace=PUBLIC, language=language, schema=MissionPageOut, build=build
    )


@router.get(
    "/missions/{slug}",
    response=responses({200: MissionOut}, 404, 422),
    summary="One mission, with its partners and programme",
)
def get_mission(request: HttpRequest, slug: Slug, options: Query[LangQuery]) -> dict:
    reject_unknown_params(request, LangQuery)
    mission = queries.public_mission(slug)
    if mission is None:
        raise Http404("No such mission.")
    language = api_language(request)
    with translation.override(language):
        return mission_detail_out(mission, language)
