"""The events API: the public calendar, filtered and searched, in either language."""

from datetime import date

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone, translation
from ninja import Query, Router

from events import queries
from events.models import Event
from events.schemas import EventOut, EventPageOut, EventQuery
from missions.schemas import Slug
from primi_site.api_cache import PUBLIC, cached_list
from primi_site.api_errors import responses
from primi_site.api_language import LangQuery, api_language
from primi_site.api_pagination import PageParams, paginate, reject_unknown_params
from primi_site.bilingual import localized

router = Router(tags=["events"])


def _mission_ref(event: Event, language: str) -> dict | None:
    mission = event.mission
    if mission is None:
        return None
    title = localized(mission, "title", language)
    return {"slug": mission.slug, "title": title.text, "title_lang": title.lang}


def event_summary(event: Event, language: str) -> dict:
    """An event as listed; call inside `translation.override(language)`."""
    title = localized(event, "title", language)
    return {
        "slug": event.slug,
        "kind": event.kind,
        "kind_label": str(event.get_kind_display()),
        "status": event.status,
        "title": title.text,
        "title_lang": title.lang,
        "mission": _mission_ref(event, language),
        "time_zone": event.time_zone,
        "all_day": event.all_day,
        "starts_at": event.starts_at,
        "ends_at": event.ends_at,
        "start_date": event.start_date,
        "end_date": event.end_date,
        "city": event.city,
        "country": event.country,
        "is_online": event.is_online,
        "url": settings.SITE_URL + reverse("event_detail", kwargs={"slug": event.slug}),
    }


def event_detail_out(event: Event, language: str) -> dict:
    description = localized(event, "description", language)
    return {
        **event_summary(event, language),
        "description": description.text,
        "description_lang": description.lang,
        "venue_name": event.venue_name,
        "venue_address": event.venue_address,
        "online_url": event.online_url,
        "capacity": event.capacity,
        "members_only": event.members_only,
        "registration_opens_at": event.registration_opens_at,
        "registration_closes_at": event.registration_closes_at,
        "updated_at": event.updated_at,
    }


@router.get(
    "/events",
    response=responses({200: EventPageOut}, 422),
    summary="List upcoming events",
    description=(
        "Published events not yet over, in start order. Filters are repeatable "
        "(`kind=workshop&kind=conference`) and combine with AND; `q` finds every word "
        "in the title, description, venue or city. `month` takes the month's days in the "
        "viewer's zone (the account's, else Europe/Paris)."
    ),
)
def list_events(
    request: HttpRequest, filters: Query[EventQuery], page: Query[PageParams]
) -> HttpResponse:
    reject_unknown_params(request, EventQuery, PageParams)
    language = api_language(request)

    def build() -> dict:
        chosen = queries.EventFilters(
            kinds=list(filters.kind),
            countries=list(filters.country),
            missions=list(filters.mission),
            month=date.fromisoformat(f"{filters.month}-01") if filters.month else None,
            text=(filters.q or "").strip(),
        )
        events = queries.upcoming_events(
            timezone.now(), chosen, month_zone=request.viewer_time_zone
        )
        with translation.override(language):
            return paginate(events, page, lambda event: event_summary(event, language))

    return cached_list(
        request, namespace=PUBLIC, language=language, schema=EventPageOut, build=build
    )


@router.get(
    "/events/{slug}",
    response=responses({200: EventOut}, 404, 422),
    summary="One event",
    description="A published or cancelled event, by its slug (the same in both languages).",
)
def get_event(request: HttpRequest, slug: Slug, options: Query[LangQuery]) -> dict:
    reject_unknown_params(request, LangQuery)
    event = queries.public_event(slug)
    if event is None:
        raise Http404("No such event.")
    language = api_language(request)
    with translation.override(language):
        return event_detail_out(event, language)
