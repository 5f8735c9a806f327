"""`{% subscribe_links %}` and `{% add_to_calendar %}`: calendar links on pages."""

from urllib.parse import urlencode

from django import template
from django.urls import reverse
from django.utils.translation import get_language

from events import calendar_links
from events.ical import event_item
from primi_site.bilingual import page_language

register = template.Library()


def feed_address(request, route: str, query: dict | None = None, **kwargs) -> str:
    url = request.build_absolute_uri(reverse(route, kwargs=kwargs or None))
    return f"{url}?{urlencode(query, doseq=True)}" if query else url


def subscription(feed_url: str, name: str) -> dict:
    return {
        "feed_url": feed_url,
        "webcal_url": calendar_links.webcal(feed_url),
        "google_url": calendar_links.google_subscribe(feed_url),
        "outlook_url": calendar_links.outlook_subscribe(feed_url, name),
    }


@register.inclusion_tag("events/includes/subscribe_links.html", takes_context=True)
def subscribe_links(context, name: str, route: str, slug: str | None = None, filters=None) -> dict:
    """Subscribe to a feed in the page's language (`filters`: lists of kinds, countries,
    missions, as the calendar page applies them)."""
    query = {"lang": page_language(get_language())}
    for key in ("kind", "country", "mission"):
        values = [value for value in (filters or {}).get(key, []) if value]
        if values:
            query[key] = values
    kwargs = {"slug": slug} if slug else {}
    return subscription(feed_address(context["request"], route, query, **kwargs), name)


@register.inclusion_tag("events/includes/add_to_calendar.html", takes_context=True)
def add_to_calendar(context, event) -> dict:
    """Download one event, or copy it into Google Calendar or Outlook."""
    language = page_language(get_language())
    item = event_item(event, language)
    return {
        "download_url": feed_address(
            context["request"], "feed_event", {"lang": language}, slug=event.slug
        ),
        "google_url": calendar_links.google_event(item),
        "outlook_url": calendar_links.outlook_event(item),
    }
