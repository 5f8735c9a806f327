"""HTTP of the calendar feeds: validators first, the body only when it is needed.

Errors in parameters are answered `400` in plain text, in the language asked for
(`lang`), else the one the client prefers (`Accept-Language`, as `LocaleMiddleware`
activated it); unknown missions, events and tokens are a bare `404` in plain text
that says nothing about why.
"""

from contextlib import nullcontext
from datetime import datetime

from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import http_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from events import feeds, queries
from events.services import record_feed_use
from missions.queries import public_mission_record

CONTENT_TYPE = "text/calendar; charset=utf-8"
PUBLIC_CACHE_CONTROL = "public, max-age=300"
PRIVATE_HEADERS = {
    "Cache-Control": "private, max-age=0, must-revalidate",
    "Referrer-Policy": "no-referrer",
    "X-Robots-Tag": "noindex, nofollow",
}


def _bad_request(message: str) -> HttpResponse:
    return HttpResponse(message + "\n", status=400, content_type="text/plain; charset=utf-8")


def _not_found() -> HttpResponse:
    """A bare 404: no page, no reason (a feed client shows neither)."""
    return HttpResponse(
        _("Not found.") + "\n", status=404, content_type="text/plain; charset=utf-8"
    )


def _language(request: HttpRequest, default: str) -> str:
    return feeds.parse_language(request.GET.getlist("lang"), default)


def _messages_in(request: HttpRequest, language: str):
    """Errors in the language asked for, else in the client's (already active)."""
    asked = any(value.strip() for value in request.GET.getlist("lang"))
    return translation.override(language) if asked else nullcontext()


def accepts_gzip(header: str) -> bool:
    """Whether `Accept-Encoding` accepts gzip (RFC 9110 §12.5.3): `q=0` refuses it, `*`
    stands for codings not named, and an `identity` preferred over gzip wins."""
    qualities: dict[str, float] = {}
    for element in header.split(","):
        coding, *parameters = element.split(";")
        coding = coding.strip().lower()
        if not coding:
            continue
        quality = 1.0
        for parameter in parameters:
            name, _sep, value = parameter.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = min(max(float(value.strip()), 0.0), 1.0)
                except ValueError:
                    quality = 0.0  # unreadable: the plain body is always safe
        qualities[coding] = max(quality, qualities.get(coding, 0.0))
    gzip = qualities.get("gzip", qualities.get("x-gzip", qualities.get("*", 0.0)))
    identity = qualities.get("identity")
    return gzip > 0 and (identity is None or gzip >= identity)


def _serve(
    request: HttpRequest,
    feed: feeds.Feed,
    now: datetime,
    headers: dict[str, str],
    filename: str | None = None,
) -> HttpResponse:
    state = feeds.feed_state(feed, now)
    # Calendar apps ask for gzip: the feed shrinks about tenfold. The compressed
    # representation gets a weak ETag (as Django's GZipMiddleware does), which still
    # answers If-None-Match with 304.
    gzipped = accepts_gzip(request.headers.get("Accept-Encoding", ""))
    etag = f"W/{state.etag}" if gzipped else state.etag
    response = get_conditional_response(
        request, etag=etag, last_modified=int(state.last_modified.timestamp())
    )
    if response is None:
        response = HttpResponse(
            feeds.feed_body(feed, state, now, gzipped=gzipped), content_type=CONTENT_TYPE
        )
        if gzipped:
            response["Content-Encoding"] = "gzip"
        if filename:
            response["Content-Disposition"] = f'attachment; filename="{filename}"'
    patch_vary_headers(response, ("Accept-Encoding",))
    response["ETag"] = etag
    response["Content-Language"] = feed.language
    response["Last-Modified"] = http_date(state.last_modified.timestamp())
    for name, value in headers.items():
        response[name] = value
    return response


@require_safe
def events_feed(request: HttpRequest) -> HttpResponse:
    try:
        language = _language(request, "fr")
        with _messages_in(request, language):
            filters = feeds.parse_filters(request.GET)
    except feeds.FeedRequestError as error:
        return _bad_request(error.message)
    feed = feeds.public_events_feed(filters, language)
    return _serve(request, feed, timezone.now(), {"Cache-Control": PUBLIC_CACHE_CONTROL})


@require_safe
def mission_feed(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        language = _language(request, "fr")
    except feeds.FeedRequestError as error:
        return _bad_request(error.message)
    mission = public_mission_record(slug)
    if mission is None:
        return _not_found()
    feed = feeds.mission_feed(mission, language)
    return _serve(request, feed, timezone.now(), {"Cache-Control": PUBLIC_CACHE_CONTROL})


@require_safe
def event_download(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        language = _language(request, "fr")
    except feeds.FeedRequestError as error:
        return _bad_request(error.message)
    event = queries.public_event(slug)
    if event is None:
        return _not_found()
    feed = feeds.event_download(event, language)
    return _serve(
        request,
        feed,
        timezone.now(),
        {"Cache-Control": PUBLIC_CACHE_CONTROL},
        filename=f"{event.slug}.ics",
    )


@require_safe
def private_feed(request: HttpRequest, token: str) -> HttpResponse:
    found = queries.active_feed_token(token)
    if found is None:
        response = _not_found()
        for name, value in PRIVATE_HEADERS.items():
            response[name] = value
        return response
    person = found.person
    try:
        language = _language(request, person.language)
    except feeds.FeedRequestError as error:
        response = _bad_request(error.message)
        for name, value in PRIVATE_HEADERS.items():
            response[name] = value
        return response
    now = timezone.now()
    record_feed_use(found, now)
    return _serve(request, feeds.private_feed(person, language), now, PRIVATE_HEADERS)
