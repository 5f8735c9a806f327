"""Links that put a feed or an event into the big calendar services.

A subscription (`webcal://`, Google's `cid`, Outlook's `addfromweb`) follows the
feed as it changes; the one-off links of an event copy it once.
"""

from datetime import UTC, timedelta
from urllib.parse import quote, urlencode

from events.ical import CalendarItem

GOOGLE = "https://calendar.google.com/calendar/render"
OUTLOOK_SUBSCRIBE = "https://outlook.live.com/calendar/0/addfromweb"
OUTLOOK_COMPOSE = "https://outlook.live.com/calendar/0/deeplink/compose"


def webcal(url: str) -> str:
    """The `webcal://` form of an http(s) feed address, which calendar apps open."""
    scheme, _sep, rest = url.partition("://")
    return f"webcal://{rest}" if scheme in {"http", "https"} else url


def google_subscribe(feed_url: str) -> str:
    return f"{GOOGLE}?cid={quote(webcal(feed_url), safe='')}"


def outlook_subscribe(feed_url: str, name: str) -> str:
    return f"{OUTLOOK_SUBSCRIBE}?{urlencode({'url': feed_url, 'name': name})}"


def _google_dates(item: CalendarItem) -> str:
    if item.all_day:
        end = item.last_day + timedelta(days=1)
        return f"{item.first_day:%Y%m%d}/{end:%Y%m%d}"
    start, end = item.starts_at.astimezone(UTC), item.ends_at.astimezone(UTC)
    return f"{start:%Y%m%dT%H%M%SZ}/{end:%Y%m%dT%H%M%SZ}"


def google_event(item: CalendarItem) -> str:
    """Google Calendar's "add this event" form, filled in."""
    query = {
        "action": "TEMPLATE",
        "text": item.summary,
        "dates": _google_dates(item),
        "details": item.description,
        "location": item.location,
        "ctz": item.time_zone,
    }
    return f"{GOOGLE}?{urlencode(query)}"


def outlook_event(item: CalendarItem) -> str:
    """Outlook's "new event" form, filled in."""
    if item.all_day:
        start, end = item.first_day.isoformat(), (item.last_day + timedelta(days=1)).isoformat()
    else:
        start = item.starts_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        end = item.ends_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    query = {
        "path": "/calendar/action/compose",
        "rru": "addevent",
        "subject": item.summary,
        "startdt": start,
        "enddt": end,
        "body": item.description,
        "location": item.location,
    }
    if item.all_day:
        query["allday"] = "true"
    return f"{OUTLOOK_COMPOSE}?{urlencode(query)}"
