"""Emailed invitations (iMIP, RFC 6047): a text part and a calendar part, in one message.

The message is `multipart/alternative`: the text in the recipient's language, then
`text/calendar; method=REQUEST|CANCEL; charset=utf-8` last, whose METHOD matches
the `method` parameter. The sender is the ORGANIZER; the recipient is the
ATTENDEE, already ACCEPTED and asked for no reply (`RSVP=FALSE`): replies are not
read, so the text says where to change or cancel (docs/feeds.md, "Invitations").
The UID is the one the item has in the person's private feed, so accepting the
invitation and subscribing to the feed show one entry.
"""

from dataclasses import dataclass, replace
from email import encoders
from email.mime.base import MIMEBase

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.core.mail.message import SafeMIMEMultipart
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from events.ical import (
    Attendee,
    CalendarItem,
    build_calendar,
    event_item,
    mission_item,
    place_of,
    site_url,
)
from missions.models import Mission
from primi_site.formatting import describe_when

INVITATION_METHODS = ("REQUEST", "CANCEL")


@dataclass(frozen=True)
class Recipient:
    email: str
    name: str
    language: str
    time_zone: str

    @property
    def attendee(self) -> Attendee:
        return Attendee(email=self.email, name=self.name)


def recipient_of(person) -> Recipient:
    user = person.user
    return Recipient(
        email=user.email,
        name=user.get_full_name(),
        language=person.language,
        time_zone=person.time_zone,
    )


class CalendarInvitation(EmailMultiAlternatives):
    """An email whose last alternative is the calendar object (base64, bytes kept exact)."""

    def __init__(self, *args, calendar: bytes, method: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.calendar = calendar
        self.method = method

    def calendar_part(self) -> MIMEBase:
        part = MIMEBase("text", "calendar", method=self.method, charset="utf-8")
        part.set_payload(self.calendar)
        encoders.encode_base64(part)
        return part

    def _create_alternatives(self, msg):
        alternative = SafeMIMEMultipart(
            _subtype="alternative", encoding=self.encoding or settings.DEFAULT_CHARSET
        )
        alternative.attach(msg)
        for content, mimetype in self.alternatives:
            alternative.attach(self._create_mime_attachment(content, mimetype))
        alternative.attach(self.calendar_part())
        return alternative


def _when(item: CalendarItem, recipient: Recipient) -> str:
    when = describe_when(
        starts_at=item.starts_at,
        ends_at=item.ends_at,
        zone_name=item.time_zone,
        viewer_zone=recipient.time_zone,
        all_day=item.all_day,
        first_day=item.first_day,
        last_day=item.last_day,
        language=recipient.language,
    )
    lines = [" ".join(part for part in (when.local.day, when.local.clock, when.local.zone) if part)]
    if when.viewer:
        lines.append(
            _("Your time: %(when)s")
            % {"when": " ".join((when.viewer.day, when.viewer.clock, when.viewer.zone))}
        )
    return "\n".join(lines)


def _subject(item: CalendarItem, method: str) -> str:
    if method == "CANCEL" or item.cancelled:
        return _("Cancelled: %(title)s") % {"title": item.summary}
    if item.sequence:
        return _("Updated: %(title)s") % {"title": item.summary}
    return _("Invitation: %(title)s") % {"title": item.summary}


def _body(item: CalendarItem, method: str, recipient: Recipient) -> str:
    if method == "CANCEL" or item.cancelled:
        lead = _("This is cancelled; your calendar will remove it.")
    else:
        lead = _("Add it to your calendar with the invitation attached to this email.")
    parts = [item.summary, _when(item, recipient)]
    if item.location:
        parts.append(_("Where: %(place)s") % {"place": item.location})
    parts += [
        lead,
        _(
            "It also appears in your private calendar feed, which you can subscribe "
            "to from your account page."
        ),
        _("Details: %(url)s") % {"url": item.url},
        _(
            "Replies sent from your calendar are not read: to change or cancel, "
            "go to your registrations: %(url)s"
        )
        % {"url": site_url(reverse("my_registrations"))},
    ]
    return "\n\n".join(parts) + "\n"


def invitation(item: CalendarItem, recipient: Recipient, method: str) -> CalendarInvitation:
    """The invitation email for one item; the item is already in the recipient's language."""
    if method not in INVITATION_METHODS:
        raise ValueError(f"An invitation is REQUEST or CANCEL, not {method!r}.")
    with translation.override(recipient.language):
        calendar = build_calendar([item], method=method, attendee=recipient.attendee)
        return CalendarInvitation(
            subject=_subject(item, method),
            body=_body(item, method, recipient),
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[recipient.email],
            calendar=calendar,
            method=method,
        )


def _with_sequence(item: CalendarItem, sequence: int | None) -> CalendarItem:
    return item if sequence is None else replace(item, sequence=sequence)


def event_invitation(
    event, recipient: Recipient, method: str = "REQUEST", *, sequence: int | None = None
) -> CalendarInvitation:
    """An event's invitation (a confirmed registration): REQUEST, or CANCEL.

    `sequence` overrides the event's when the change is the person's (their
    registration cancelled while the event goes on): it must exceed every one sent.
    """
    item = _with_sequence(event_item(event, recipient.language), sequence)
    return invitation(item, recipient, method)


def mission_invitation(
    mission, recipient: Recipient, method: str = "REQUEST", *, sequence: int | None = None
) -> CalendarInvitation:
    """A mission's invitation (a confirmed application): its days, all day."""
    item = _with_sequence(mission_item(mission, recipient.language), sequence)
    return invitation(item, recipient, method)


def when_and_where(target, person) -> dict:
    """What every email about a dated thing states: when, in the target's local time
    and the reader's (where they differ), and where, or its video link."""
    language = person.language
    if isinstance(target, Mission):
        when = describe_when(
            starts_at=target.starts_at,
            ends_at=target.starts_at,
            zone_name=target.time_zone,
            viewer_zone=person.time_zone,
            all_day=True,
            first_day=target.start_date,
            last_day=target.end_date,
            language=language,
        )
        online = ""
    else:
        when = describe_when(
            starts_at=target.starts_at,
            ends_at=target.ends_at,
            zone_name=target.time_zone,
            viewer_zone=person.time_zone,
            all_day=target.all_day,
            first_day=target.start_date,
            last_day=target.end_date,
            language=language,
        )
        online = target.online_url
    return {"when": when, "where": place_of(target, language), "online_url": online}
