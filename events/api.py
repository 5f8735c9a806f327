"""The events API: the public calendar, filtered and searched, in either language."""

from datetime import date

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone, translation
from ninja import Query, Router
from ninja.responses import Status

from events import queries, services
from events.calendar_links import webcal
from events.models import Event, FeedToken
from events.schemas import (
    EventOut,
    EventPageOut,
    EventQuery,
    FeedTokenCreatedOut,
    FeedTokenIn,
    FeedTokenListOut,
)
from missions.people import person_of
from missions.schemas import Slug
from primi_site.api_auth import AUTHENTICATED
from primi_site.api_cache import PUBLIC, cached_list
from primi_site.api_errors import AUTHENTICATED as AUTH_ERRORS
from primi_site.api_errors import WITH_BODY, responses
from primi_site.api_language import LangQuery, api_language
from primi_site.api_pagination import PageParams, paginate, reject_unknown_params
from primi_site.bilingual import localized
from primi_site.schemas import ObjectId

router = Router(tags=["events"])
calendar_router = Router(tags=["calendar"], auth=AUTHENTICATED)


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


# Private calendar feeds: the person's subscriptions ------------------------------


def _person_or_404(request: HttpRequest):
    person = person_of(request.user)
    if person is None:
        raise Http404("No profile.")
    return person


def feed_token_out(token: FeedToken) -> dict:
    return {
        "id": token.pk,
        "name": token.name,
        "created_at": token.created_at,
        "rotated_at": token.rotated_at,
        "last_used_at": token.last_used_at,
    }


@calendar_router.get(
    "/feed-tokens",
    response=responses({200: FeedTokenListOut}, *AUTH_ERRORS, 404),
    summary="My calendar subscriptions",
    description="Active private-feed tokens (at most 20); their secrets are never shown again.",
)
def list_feed_tokens(request: HttpRequest) -> dict:
    person = _person_or_404(request)
    return {"items": [feed_token_out(token) for token in queries.feed_tokens_of(person)]}


@calendar_router.post(
    "/feed-tokens",
    response=responses({201: FeedTokenCreatedOut}, *AUTH_ERRORS, *WITH_BODY, 404, 409),
    summary="Create a calendar subscription",
    description=(
        "The answer holds the private feed's address, shown this once (only a hash of its "
        "secret is kept). 409 `conflict` for a name already used or past 20 subscriptions, "
        "with the field's message in `errors`."
    ),
)
def create_feed_token(request: HttpRequest, payload: FeedTokenIn) -> Status:
    person = _person_or_404(request)
    token, secret = services.create_feed_token(person, payload.name)
    feed_url = settings.SITE_URL + reverse("feed_private", kwargs={"token": secret})
    return Status(
        201, {**feed_token_out(token), "feed_url": feed_url, "webcal_url": webcal(feed_url)}
    )


@calendar_router.delete(
    "/feed-tokens/{token_id}",
    response=responses({204: None}, *AUTH_ERRORS, 404, 422),
    summary="Revoke a calendar subscription",
    description="At once: its address answers 404 from now on.",
)
def revoke_feed_token(request: HttpRequest, token_id: ObjectId) -> Status:
    person = _person_or_404(request)
    services.revoke_feed_token(queries.get_feed_token_for_person_or_404(person, token_id))
    return Status(204, None)
