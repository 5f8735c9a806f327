"""Template helpers of the B2B pages: a slot's time in the event's zone and the viewer's."""

from django import template
from django.utils.translation import get_language

from primi_site.formatting import describe_when, format_clock

register = template.Library()


def _viewer_zone(context) -> str:
    request = context.get("request")
    return getattr(request, "viewer_time_zone", None) or "Europe/Paris"


@register.inclusion_tag("primi_site/includes/when.html", takes_context=True)
def slot_when(context, slot, event) -> dict:
    """`{% slot_when slot event %}`: day and times locally, and in the viewer's zone."""
    return {
        "when": describe_when(
            starts_at=slot.starts_at,
            ends_at=slot.ends_at,
            zone_name=event.time_zone,
            viewer_zone=_viewer_zone(context),
            language=get_language(),
        )
    }


@register.simple_tag(takes_context=True)
def slot_clock(context, slot, event) -> str:
    """The slot's start and end in the event's zone ("09:25–09:45")."""
    language = get_language()
    return "–".join(
        (
            format_clock(slot.starts_at, event.time_zone, language),
            format_clock(slot.ends_at, event.time_zone, language),
        )
    )


@register.filter
def local_day(slot, event) -> str:
    from primi_site.formatting import format_day
    from primi_site.timezones import zone

    return format_day(slot.starts_at.astimezone(zone(event.time_zone)).date(), get_language())


@register.filter
def long_day(day) -> str:
    """A date in the page's language ("Tuesday 4 May 2027")."""
    from primi_site.formatting import format_day

    return format_day(day, get_language())


@register.filter
def language_names(codes) -> str:
    """Language codes as names in the page's language ("fr, en" → "French, English")."""
    from babel import Locale

    from primi_site.bilingual import page_language

    names = Locale.parse(page_language(get_language())).languages
    return ", ".join(names.get(code, code) for code in codes or [])
