"""The calendar entry of one B2B meeting, sent with each booking, move and cancellation.

Built with the site's calendar module (`events.ical`): UID `meeting-<pk>@…` (the same
forever), SEQUENCE rising with each change, local times with their VTIMEZONE, METHOD
REQUEST for a booking or a move and CANCEL for a cancellation (RFC 5546).
"""

from django.utils import timezone
from django.utils.translation import gettext as _

from bookings.models import B2BParticipant, Meeting
from events.ical import Attendee, CalendarItem, build_calendar, uid_for


def meeting_uid(meeting: Meeting) -> str:
    return uid_for("meeting", meeting.pk)


def where(meeting: Meeting) -> str:
    if meeting.online:
        return meeting.video_url
    event = meeting.session.event
    table = _("Table %(number)s") % {"number": meeting.table.label or meeting.table.number}
    place = ", ".join(part for part in (event.venue_name, event.venue_address, event.city) if part)
    return f"{table} — {place}" if place else table


def meeting_calendar(meeting: Meeting, viewer: B2BParticipant) -> bytes:
    """The iTIP message for `viewer`, in the active language (callers override it)."""
    other = meeting.other(viewer)
    event = meeting.session.event
    item = CalendarItem(
        uid=meeting_uid(meeting),
        sequence=meeting.sequence,
        cancelled=not meeting.is_active,
        summary=_("B2B meeting with %(name)s") % {"name": other.organisation_name},
        starts_at=meeting.slot.starts_at,
        ends_at=meeting.slot.ends_at,
        time_zone=event.time_zone,
        last_modified=meeting.updated_at or timezone.now(),
        created=meeting.created_at,
        description=str(event),
        location=where(meeting),
        url=meeting.video_url if meeting.online else "",
    )
    return build_calendar(
        [item],
        method="REQUEST" if meeting.is_active else "CANCEL",
        attendee=Attendee(viewer.person.user.email, viewer.organisation_name),
    )
