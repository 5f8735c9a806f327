"""Public pages of the calendar and of one event."""

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import get_language

from events import queries
from events.forms import CalendarFilterForm
from missions.queries import upcoming_missions
from primi_site.bilingual import page_language

PAGE_SIZE = 20


def calendar(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    language = page_language(get_language())
    missions = list(upcoming_missions(now.date()))
    form = CalendarFilterForm(
        request.GET or None,
        language=language,
        today=timezone.localdate(now),
        countries=queries.countries_with_events(now),
        missions=missions,
    )
    filters = queries.EventFilters()
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        filters = queries.EventFilters(
            kinds=[data["kind"]] if data["kind"] else [],
            countries=[data["country"]] if data["country"] else [],
            missions=[data["mission"]] if data["mission"] else [],
            month=form.cleaned_month(),
        )
    events = queries.upcoming_events(now, filters, month_zone=request.viewer_time_zone)
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "events/calendar.html",
        {
            "form": form,
            "page": page,
            "filter_query": query.urlencode(),
            "feed_filters": {
                "kind": filters.kinds,
                "country": filters.countries,
                "mission": filters.missions,
            },
        },
        status=400 if form.is_bound and not form.is_valid() else 200,
    )


def event_detail(request: HttpRequest, slug: str) -> HttpResponse:
    event = queries.public_event(slug)
    if event is None:
        raise Http404
    return render(request, "events/event_detail.html", {"event": event})
