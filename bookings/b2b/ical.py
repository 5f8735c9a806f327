"""The calendar entry of one B2B meeting, for its emails and for the private feed.

Built with the site's calendar module (`events.ical`): UID `meeting-<pk>@…` (the same
forever, in every email and in both sides' private feeds), SEQUENCE rising with each
change of time, table or status, local times with their VTIMEZONE, METHOD REQUEST for
a booking or a move and CANCEL for a cancellation (RFC 5546). `meeting_item` is the one
builder: the emails and the feed show the same entry.
"""

from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from bookings.models import B2BParticipant, Meeting
from events.ical import Attendee, CalendarItem, build_calendar, country_name, site_url, uid_for
from primi_site.bilingual import localized, page_language


def meeting_uid(meeting: Meeting) -> str:
    return uid_for("meeting", meeting.pk)


def where(meeting: Meeting) -> str:
    if meeting.online:
        return meeting.video_url
    event = meeting.session.event
    table = _("Table %(number)s") % {"number": meeting.table.label or meeting.table.number}
    place = ", ".join(part for part in (event.venue_name, event.venue_address, event.city) if part)
    return f"{table} — {place}" if place else table


def agenda_url(meeting: Meeting) -> str:
    from django.urls import reverse

    return site_url(reverse("b2b_agenda", args=[meeting.session.event.slug]))


def meeting_item(meeting: Meeting, viewer: B2BParticipant, language: str) -> CalendarItem:
    """The meeting as `viewer` sees it, in `language` (active while this runs)."""
    other = meeting.other(viewer)
    event = meeting.session.event
    organisation = other.organisation_name
    if other.country:
        organisation = f"{organisation} ({country_name(other.country, language)})"
    lines = [
        localized(event, "title", language).text,
        _("With: %(organisation)s") % {"organisation": organisation},
        _("Where: %(place)s") % {"place": where(meeting)},
        _("Your agenda: %(url)s") % {"url": agenda_url(meeting)},
    ]
    return CalendarItem(
        uid=meeting_uid(meeting),
        sequence=meeting.sequence,
        cancelled=not meeting.is_active,
        summary=_("B2B meeting with %(name)s") % {"name": other.organisation_name},
        starts_at=meeting.slot.starts_at,
        ends_at=meeting.slot.ends_at,
        time_zone=event.time_zone,
        last_modified=meeting.updated_at or timezone.now(),
        created=meeting.created_at,
        description="\n\n".join(lines),
        location=where(meeting),
        url=meeting.video_url if meeting.online else agenda_url(meeting),
    )


def meeting_calendar(meeting: Meeting, viewer: B2BParticipant) -> bytes:
    """The iTIP message for `viewer`, in the active language (callers override it)."""
    item = meeting_item(meeting, viewer, page_language(get_language()))
    return build_calendar(
        [item],
        method="REQUEST" if meeting.is_active else "CANCEL",
        attendee=Attendee(viewer.person.user.email, viewer.organisation_name),
    )
