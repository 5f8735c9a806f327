"""Writing and sending the B2B emails, each in its recipient's language and zone."""

import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bookings.b2b.ical import meeting_calendar, where
from bookings.models import B2BNotification, B2BParticipant, Meeting
from events.invitations import CalendarInvitation
from primi_site.formatting import describe_when
from primi_site.outbox import Channel
from primi_site.templatetags.primi import tr_text

logger = logging.getLogger("bookings.b2b")
Kind = B2BNotification.Kind


def calendar_type(method: str) -> str:
    """The attachment's type; Django adds the charset (utf-8) to a text part itself, so
    naming it here too would give the header two `charset` parameters."""
    return f"text/calendar; method={method}"


def subject_for(notification: B2BNotification, other: B2BParticipant) -> str:
    name = other.organisation_name
    subjects = {
        Kind.REQUEST_RECEIVED: _("Meeting request from %(name)s"),
        Kind.REQUEST_ACCEPTED: _("%(name)s accepted your meeting request"),
        Kind.REQUEST_DECLINED: _("%(name)s declined your meeting request"),
        Kind.REQUEST_WITHDRAWN: _("%(name)s withdrew a meeting request"),
        Kind.MEETING_BOOKED: _("Meeting booked with %(name)s"),
        Kind.MEETING_MOVED: _("Meeting with %(name)s moved"),
        Kind.MEETING_CANCELLED: _("Meeting with %(name)s cancelled"),
        Kind.MEETING_REMINDER: _("Reminder: your meeting with %(name)s"),
    }
    return subjects[notification.kind] % {"name": name}


def _participants(notification: B2BNotification) -> tuple[B2BParticipant, B2BParticipant]:
    """(the recipient's participation, the other side)."""
    if notification.meeting_id:
        pair = notification.meeting.sides()
    else:
        pair = (notification.request.sender, notification.request.recipient)
    mine = pair[0] if pair[0].person_id == notification.recipient_id else pair[1]
    return mine, pair[1] if mine is pair[0] else pair[0]


def build_agenda_email(notification: B2BNotification) -> EmailMessage:
    """A person's agenda of a session once the schedule is published: one line per
    meeting, and one `.ics` invitation (REQUEST) per meeting."""
    from bookings.b2b.queries.sessions import agenda

    person = notification.recipient
    session = notification.session
    event = session.event
    mine = B2BParticipant.objects.select_related("session__event", "person__user").get(
        session=session, person=person
    )
    meetings = agenda(mine)
    with translation.override(person.language):
        lines = [
            {
                "other": meeting.other(mine),
                "when": describe_when(
                    starts_at=meeting.slot.starts_at,
                    ends_at=meeting.slot.ends_at,
                    zone_name=event.time_zone,
                    viewer_zone=person.time_zone,
                    language=person.language,
                ),
                "where": where(meeting),
            }
            for meeting in meetings
        ]
        context = {
            "kind": notification.kind,
            "person": person,
            "event": event,
            "lines": lines,
            "agenda_url": settings.SITE_URL + reverse("b2b_agenda", args=[event.slug]),
        }
        message = EmailMessage(
            subject=_("Your B2B meetings at %(event)s") % {"event": tr_text(event, "title")},
            body=render_to_string("bookings/email/b2b_agenda.txt", context),
            to=[person.user.email],
        )
        for meeting in meetings:
            message.attach(
                f"meeting-{meeting.pk}.ics",
                meeting_calendar(meeting, mine),
                calendar_type("REQUEST"),
            )
    return message


def build_email(notification: B2BNotification) -> EmailMessage:
    if notification.kind == Kind.AGENDA_PUBLISHED:
        return build_agenda_email(notification)
    person = notification.recipient
    mine, other = _participants(notification)
    session = mine.session
    event = session.event
    with translation.override(person.language):
        context = {
            "kind": notification.kind,
            "person": person,
            "other": other,
            "event": event,
            "request": notification.request,
            "meeting": notification.meeting,
            "site_url": settings.SITE_URL,
            "agenda_url": settings.SITE_URL + reverse("b2b_agenda", args=[event.slug]),
            "requests_url": settings.SITE_URL + reverse("b2b_requests", args=[event.slug]),
        }
        meeting: Meeting | None = notification.meeting
        if meeting is not None:
            context["when"] = describe_when(
                starts_at=meeting.slot.starts_at,
                ends_at=meeting.slot.ends_at,
                zone_name=event.time_zone,
                viewer_zone=person.time_zone,
                language=person.language,
            )
            context["where"] = where(meeting)
        subject = subject_for(notification, other)
        body = render_to_string("bookings/email/b2b_notification.txt", context)
        if meeting is not None and notification.kind in (
            Kind.MEETING_BOOKED,
            Kind.MEETING_MOVED,
            Kind.MEETING_CANCELLED,
        ):
            # An iMIP invitation (RFC 6047): text, then the calendar part with its METHOD,
            # from the ORGANIZER; the same entry as in the person's private feed.
            return CalendarInvitation(
                subject,
                body,
                settings.DEFAULT_FROM_EMAIL,
                [person.user.email],
                calendar=meeting_calendar(meeting, mine),
                method="CANCEL" if notification.kind == Kind.MEETING_CANCELLED else "REQUEST",
            )
    return EmailMessage(subject=subject, body=body, to=[person.user.email])


def build_owed(notification: B2BNotification) -> EmailMessage | None:
    """The email, or None when there is nothing to say any more: a later change of the
    meeting superseded it (its own email carries the news), a reminder's meeting was
    cancelled or has started, or the recipient has no address."""
    meeting = notification.meeting
    if meeting is not None and meeting.sequence != notification.sequence:
        return None
    if notification.kind == Kind.MEETING_REMINDER and (
        meeting.state != Meeting.State.BOOKED or meeting.slot.starts_at <= timezone.now()
    ):
        return None
    if not notification.recipient.user.email:
        logger.warning("b2b notification %s: recipient has no email", notification.pk)
        return None
    return build_email(notification)


CHANNEL = Channel(
    name="b2b-notification",
    model=B2BNotification,
    build=build_owed,
    related=(
        "recipient__user",
        "request__sender__person__user",
        "request__recipient__person__user",
        "request__session__event",
        "meeting__slot",
        "meeting__table",
        "meeting__session__event",
        "meeting__participant_a__person__user",
        "meeting__participant_b__person__user",
        "session__event",
    ),
    label=gettext_lazy("B2B meeting emails"),
    recipient="recipient__user__email",
)
