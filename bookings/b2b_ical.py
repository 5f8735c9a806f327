"""The calendar entry of one B2B meeting, sent with each booking, move and cancellation.

One small function so it can join the feeds' calendar module later: UID
`meeting-<pk>@<host>`, SEQUENCE rising with each change, METHOD REQUEST for a
booking or a move and CANCEL for a cancellation (RFC 5546).
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, vCalAddress, vText

from bookings.models import B2BParticipant, Meeting


def meeting_uid(meeting: Meeting) -> str:
    host = urlsplit(settings.SITE_URL).hostname or "localhost"
    return f"meeting-{meeting.pk}@{host}"


def where(meeting: Meeting) -> str:
    if meeting.online:
        return meeting.video_url
    event = meeting.session.event
    table = _("Table %(number)s") % {"number": meeting.table.label or meeting.table.number}
    place = ", ".join(part for part in (event.venue_name, event.venue_address, event.city) if part)
    return f"{table} — {place}" if place else table


def meeting_calendar(meeting: Meeting, viewer: B2BParticipant) -> bytes:
    """The iTIP message for `viewer`, in the active language (callers override it)."""
    cancelled = not meeting.is_active
    other = meeting.other(viewer)
    calendar = Calendar()
    calendar.add("prodid", "-//PRIMI international//B2B meetings//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if cancelled else "REQUEST")
    entry = Event()
    entry.add("uid", meeting_uid(meeting))
    entry.add("sequence", meeting.sequence)
    entry.add("dtstamp", timezone.now())
    entry.add("dtstart", meeting.slot.starts_at)
    entry.add("dtend", meeting.slot.ends_at)
    entry.add("summary", _("B2B meeting with %(name)s") % {"name": other.organisation_name})
    entry.add("location", where(meeting))
    if meeting.online:
        entry.add("url", meeting.video_url)
    entry.add("description", str(meeting.session.event))
    entry.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    organizer = vCalAddress(f"mailto:{_sender_address()}")
    organizer.params["cn"] = vText("PRIMI international")
    entry.add("organizer", organizer)
    for participant in meeting.sides():
        attendee = vCalAddress(f"mailto:{participant.person.user.email}")
        attendee.params["cn"] = vText(participant.organisation_name)
        attendee.params["role"] = vText("REQ-PARTICIPANT")
        entry.add("attendee", attendee, encode=0)
    calendar.add_component(entry)
    return calendar.to_ical()


def _sender_address() -> str:
    address = settings.DEFAULT_FROM_EMAIL
    return address.rsplit("<", 1)[-1].rstrip(">").strip()
