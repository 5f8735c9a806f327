"""Template helpers for bilingual text, times across zones, money and countries."""

from babel import Locale
from django import template
from django.utils.html import format_html, linebreaks
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from primi_site.bilingual import localized
from primi_site.formatting import (
    babel_locale,
    describe_moment,
    describe_when,
    format_days,
    format_money,
    format_number,
    format_stamp,
)
from primi_site.places import city_name

register = template.Library()


@register.filter
def tr(obj: object, field: str) -> str:
    """`{{ event|tr:"title" }}`: the field in the page's language, or the other one in a
    `<span lang>` that says which language it is."""
    return localized(obj, field, get_language()).__html__()


@register.filter
def tr_text(obj: object, field: str) -> str:
    """The same text without markup, for `<title>` and attributes."""
    return localized(obj, field, get_language()).text


@register.filter
def tr_paragraphs(obj: object, field: str) -> str:
    """A long text as paragraphs, in a `<div lang>` when it is the fallback language."""
    text = localized(obj, field, get_language())
    body = linebreaks(text.text, autoescape=True)
    if text.is_fallback:
        return format_html('<div lang="{}">{}</div>', text.lang, body)
    return mark_safe(body)


@register.filter
def money(amount, currency: str = "EUR") -> str:
    if amount is None:
        return ""
    return format_money(amount, currency, get_language())


@register.filter
def number(value) -> str:
    return "" if value is None else format_number(value, get_language())


@register.filter
def country_name(code: str) -> str:
    if not code:
        return ""
    return Locale.parse(babel_locale(get_language())).territories.get(code, code)


@register.filter
def city(name: str, country: str = "") -> str:
    """`{{ event.city|city:event.country }}`: the city as the page's language names it
    ("London" reads "Londres" on French pages)."""
    return city_name(name, country, get_language())


@register.simple_tag
def mission_days(mission) -> str:
    return format_days(mission.start_date, mission.end_date, get_language())


@register.inclusion_tag("primi_site/includes/when.html", takes_context=True)
def event_when(context, event) -> dict:
    request = context.get("request")
    viewer_zone = getattr(request, "viewer_time_zone", None) or context.get(
        "viewer_time_zone", "Europe/Paris"
    )
    return {
        "when": describe_when(
            starts_at=event.starts_at,
            ends_at=event.ends_at,
            zone_name=event.time_zone,
            viewer_zone=viewer_zone,
            all_day=event.all_day,
            first_day=event.start_date,
            last_day=event.end_date,
            language=get_language(),
        )
    }


def _viewer_zone(context) -> str:
    request = context.get("request")
    return getattr(request, "viewer_time_zone", None) or context.get(
        "viewer_time_zone", "Europe/Paris"
    )


@register.simple_tag(takes_context=True)
def span_text(context, starts_at, ends_at, zone_name: str) -> str:
    """`{% span_text start end zone %}`: a span as one line of plain text, zone named, and
    the viewer's time beside it where it differs (for `<option>`s and other plain text)."""
    return describe_when(
        starts_at=starts_at,
        ends_at=ends_at,
        zone_name=zone_name,
        viewer_zone=_viewer_zone(context),
        language=get_language(),
    ).text


@register.simple_tag(takes_context=True)
def stamp(context, instant) -> str:
    """`{% stamp instant %}`: a short date and time in the viewer's zone and language, for
    lists and histories ("15 Jan 2027, 23:59")."""
    if instant is None:
        return ""
    return format_stamp(instant, _viewer_zone(context), get_language())


@register.simple_tag
def moment_text(instant, zone_name: str) -> str:
    """`{% moment_text instant zone %}`: an instant in plain text with its zone ("Friday,
    15 January 2027, 23:59 Paris"), for emails to people whose own zone is not known."""
    return describe_moment(instant, zone_name, zone_name, get_language())[0]


@register.inclusion_tag("primi_site/includes/moment.html", takes_context=True)
def moment(context, instant, zone_name: str) -> dict:
    """One instant (a deadline) in `zone_name`, and in the viewer's zone where it differs."""
    request = context.get("request")
    viewer_zone = getattr(request, "viewer_time_zone", None) or "Europe/Paris"
    return {"moment": describe_moment(instant, zone_name, viewer_zone, get_language())}


@register.filter
def described(field) -> str:
    """Render a form field whose error message and help text are tied to it for screen readers."""
    ids = []
    if field.errors:
        ids.append(f"{field.auto_id}_error")
    if field.help_text:
        ids.append(f"{field.auto_id}_helptext")
    attrs = {"aria-describedby": " ".join(ids)} if ids else {}
    if field.errors:
        attrs["aria-invalid"] = "true"
    return field.as_widget(attrs=attrs)
