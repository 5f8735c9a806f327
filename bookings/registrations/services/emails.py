"""The emails of registrations, each in its recipient's language, each sent once.

A confirmation carries an invitation (iTIP `METHOD:REQUEST`, `events.invitations`),
the cancellation of a confirmed registration a `METHOD:CANCEL`, and each change of a
confirmed event's or mission's time, place or status an updated REQUEST (or a CANCEL
when it is cancelled): one email per registration and SEQUENCE. A mission's confirmed
applicants see its programme in their private feed, so a change of one of its events
(or a published event joining it) reaches them too, as that event's REQUEST or
CANCEL (`EmailOutbox.programme_event`). Their UIDs and
SEQUENCEs are those of the person's private feed (`bookings.feed_sources`).

A state change writes an `EmailOutbox` row in its own transaction (an event's or a
mission's revision too, `bookings.receivers`); the one outbox (`primi_site.outbox`)
claims, sends, retries and sweeps it like every other email; the registration is never
touched by a failure.
"""

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from bookings.models import EmailOutbox, Registration, RegistrationState
from bookings.registrations import targets
from bookings.registrations.queries import (
    ENDED_STATES,
    earlier_ended_count,
    personal_sequence,
    position_of,
    quota_wait_of,
)
from bookings.registrations.services.cancellations import is_cancellation_notice
from events.ical import event_calendar, mission_calendar
from events.invitations import CalendarInvitation, recipient_of, when_and_where
from missions.models import Mission
from primi_site.formatting import describe_moment
from primi_site.outbox import Channel

Kind = EmailOutbox.Kind

SUBJECTS = {
    Kind.RECEIVED: _("Application received: %(title)s"),
    Kind.CONFIRMED: _("Registration confirmed: %(title)s"),
    Kind.WAITLISTED: _("On the waitlist (position %(position)s): %(title)s"),
    Kind.OFFERED: _("A seat is offered to you: %(title)s"),
    Kind.PROMOTED: _("A seat freed up, you are confirmed: %(title)s"),
    Kind.REJECTED: _("Your application: %(title)s"),
    Kind.CANCELLED: _("Registration cancelled: %(title)s"),
    Kind.UPDATED: _("Updated: %(title)s"),
}
EVENT_CANCELLED_SUBJECT = _("Cancelled: %(title)s")
# Unpublished, or out of the mission's programme: taken back from the calendar, not
# cancelled (it may come back), and not "updated" either.
WITHDRAWN_SUBJECT = _("Withdrawn: %(title)s")
# The first invitation to an event of the programme of a mission the person takes part in.
PROGRAMME_SUBJECT = _("Invitation: %(title)s")
WAITING_SUBJECT = _("On the waitlist: %(title)s")
REQUESTS = (Kind.CONFIRMED, Kind.PROMOTED, Kind.UPDATED)


def subject_of(outbox: EmailOutbox):
    """What the email is about: the registration's event or mission, or for an update
    of a mission's programme, that event."""
    return outbox.programme_event or outbox.registration.target


WITHDRAWN = ("cancelled", "draft")  # a cancelled or unpublished target leaves calendars


def left_programme(outbox: EmailOutbox) -> bool:
    """The update of an event no longer in the programme of the registration's mission."""
    event = outbox.programme_event
    return event is not None and event.mission_id != outbox.registration.mission_id


def calendar_method(outbox: EmailOutbox) -> str | None:
    """REQUEST, CANCEL or None (no invitation) for this email."""
    if outbox.kind == Kind.UPDATED:
        if left_programme(outbox):
            return "CANCEL"
        return "CANCEL" if subject_of(outbox).status in WITHDRAWN else "REQUEST"
    if outbox.kind in REQUESTS:
        return "REQUEST"
    if outbox.kind == Kind.CANCELLED and outbox.change.from_state == RegistrationState.CONFIRMED:
        return "CANCEL"  # only what was confirmed (and so sent as a REQUEST) is cancelled
    return None


def invitation_calendar(registration: Registration, method: str, target=None) -> bytes:
    """The registration's target (or an event of its mission's programme) as an
    invitation, with the person's SEQUENCE, as in their private feed."""
    person = registration.person
    target = target or registration.target
    # The person's own cancellation (or their registration cancelled with the event)
    # adds one to the SEQUENCE, exactly as in their private feed.
    # An unpublished target's CANCEL keeps its own SEQUENCE (already raised), so that
    # publishing it again (raised once more) outranks the CANCEL.
    ended = method == "CANCEL" and (
        registration.state in ENDED_STATES or target.status not in WITHDRAWN
    )
    sequence = personal_sequence(target.sequence, earlier_ended_count(registration), ended=ended)
    build = event_calendar if targets.is_event(target) else mission_calendar
    return build(
        target,
        person.language,
        method,
        attendee=recipient_of(person).attendee,
        sequence=sequence,
    )


def build_message(outbox: EmailOutbox) -> EmailMessage:
    registration = outbox.registration
    person = registration.person
    target = subject_of(outbox)
    method = calendar_method(outbox)
    first_of_programme = method == "REQUEST" and is_first_programme_invitation(outbox)
    with translation.override(person.language):
        position = position_of(registration) if outbox.kind == Kind.WAITLISTED else None
        title = target.tr("title", person.language).text
        context = _context(outbox, target, title, position, method, first_of_programme)
        subject_template = _subject_template(outbox, target, position, first_of_programme)
        subject = str(subject_template) % {"title": title, "position": position or "—"}
        body = render_to_string("bookings/emails/registration.txt", context)
    if method is None:
        return EmailMessage(subject, body, to=[person.user.email])
    return CalendarInvitation(
        subject,
        body,
        settings.DEFAULT_FROM_EMAIL,  # the ORGANIZER of the calendar part
        [person.user.email],
        calendar=invitation_calendar(registration, method, target),
        method=method,
    )


def _subject_template(outbox: EmailOutbox, target, position, first_of_programme: bool):
    """The subject for the email's kind, unless its circumstances say more (the most
    particular first)."""
    if outbox.kind == Kind.WAITLISTED and position is None:
        return WAITING_SUBJECT  # held back by a quota: no place in line
    if first_of_programme:
        return PROGRAMME_SUBJECT
    if outbox.kind == Kind.UPDATED and (target.status == "draft" or left_programme(outbox)):
        return WITHDRAWN_SUBJECT
    if outbox.kind == Kind.CANCELLED and outbox.programme_event_id:
        return EVENT_CANCELLED_SUBJECT  # one event of a mission left
    if target.status == "cancelled" and outbox.kind in (Kind.UPDATED, Kind.CANCELLED):
        return EVENT_CANCELLED_SUBJECT
    return SUBJECTS[outbox.kind]


def _reason(outbox: EmailOutbox, target) -> str:
    """Why the change was made, unless the email already says it in its own words."""
    reason = outbox.change.reason if outbox.change else ""
    if target.status == "cancelled" and is_cancellation_notice(reason):
        return ""  # the email says it already, in the person's language
    return reason


def _context(
    outbox: EmailOutbox, target, title: str, position, method, first_of_programme: bool
) -> dict:
    """What the email's template says, in the current (the person's) language."""
    registration = outbox.registration
    person = registration.person
    return {
        "kind": outbox.kind,
        "registration": registration,
        "person": person,
        "target": target,
        "title": title,
        "is_event": targets.is_event(target),
        "position": position,
        "quota": quota_wait_of(registration) if outbox.kind == Kind.WAITLISTED else None,
        "offer_until": _offer_until(registration, person),
        "reason": _reason(outbox, target),
        "with_invitation": method is not None,
        "calendar_request": method == "REQUEST",  # asks no reply: says where to answer
        "event_cancelled": target.status == "cancelled",
        "unpublished": target.status == "draft",
        "left_programme": left_programme(outbox),
        "programme_invitation": first_of_programme,
        "programme_of": registration.mission.tr("title", person.language).text
        if outbox.programme_event_id
        else "",
        "url": f"{settings.SITE_URL}{target.get_absolute_url()}",
        "my_url": f"{settings.SITE_URL}{_my_registrations_path()}",
        **when_and_where(target, person),
    }


def _offer_until(registration, person) -> str:
    if registration.offer_expires_at is None:
        return ""
    local, mine = describe_moment(
        registration.offer_expires_at,
        registration.target.time_zone,
        person.time_zone,
        person.language,
    )
    return f"{local} ({mine})" if mine else local


def _my_registrations_path() -> str:
    from django.urls import reverse

    return reverse("my_registrations")


def build_owed(outbox: EmailOutbox) -> EmailMessage | None:
    """The email owed, or None when the registration was cancelled before an update went
    out (its own CANCEL says it)."""
    if outbox.kind == Kind.UPDATED and outbox.registration.state != RegistrationState.CONFIRMED:
        return None
    return build_message(outbox)


CHANNEL = Channel(
    name="registration-email",
    model=EmailOutbox,
    build=build_owed,
    related=(
        "registration__person__user",
        "registration__event",
        "registration__mission",
        "programme_event",
        "change",
    ),
    label=_("Registration emails"),
    recipient="registration__person__user__email",
)


def _owe_updates(registrations, sequence: int, programme_event=None) -> None:
    EmailOutbox.objects.bulk_create(
        [
            EmailOutbox(
                registration_id=pk,
                kind=Kind.UPDATED,
                sequence=sequence,
                programme_event=programme_event,
            )
            for pk in registrations.values_list("pk", flat=True)
        ],
        ignore_conflicts=True,
    )


def _unsent_updates(**where) -> list[int]:
    return list(
        EmailOutbox.objects.filter(kind=Kind.UPDATED, sent_at__isnull=True, **where)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def owe_event_updates(event_id: int, *, left_mission: int | None = None) -> list[int]:
    """Owe each confirmed registrant of the event one email for its current SEQUENCE,
    and so each confirmed applicant of its mission (the event is in the programme of
    their private feed), unless they hold a confirmed registration for the event itself.

    Idempotent: one row per (registration, event, SEQUENCE) (unique constraints);
    returns the rows of this revision not sent yet.
    """
    from events.models import Event

    event = Event.objects.filter(pk=event_id).only("pk", "sequence", "status", "mission_id").first()
    if event is None:
        return []
    confirmed = Registration.objects.filter(event=event, state=RegistrationState.CONFIRMED)
    with transaction.atomic():
        _owe_updates(confirmed, event.sequence)
        if event.mission_id is not None:
            applicants = Registration.objects.filter(
                mission_id=event.mission_id, state=RegistrationState.CONFIRMED
            ).exclude(person__in=confirmed.values("person"))
            if event.status == Event.Status.DRAFT:
                # Unpublished: only those who were sent it have something to remove.
                applicants = applicants.filter(
                    emails__kind=Kind.UPDATED,
                    emails__programme_event=event,
                    emails__sent_at__isnull=False,
                ).distinct()
            _owe_updates(applicants, event.sequence, programme_event=event)
        if left_mission is not None:
            # Out of that mission's programme: those who were sent it get its CANCEL, one
            # above what they were sent (their feed no longer shows it).
            former = Registration.objects.filter(
                mission_id=left_mission,
                state=RegistrationState.CONFIRMED,
                emails__kind=Kind.UPDATED,
                emails__programme_event=event,
                emails__sent_at__isnull=False,
            ).distinct()
            _owe_updates(former, event.sequence + 1, programme_event=event)
    return _unsent_updates(
        registration__event=event, programme_event__isnull=True, sequence=event.sequence
    ) + _unsent_updates(programme_event=event, sequence__gte=event.sequence)


def is_first_programme_invitation(outbox: EmailOutbox) -> bool:
    """An update of a programme event that is the first email about it to this
    registration: to the person, it is an invitation, not a change."""
    return (
        outbox.kind == Kind.UPDATED
        and outbox.programme_event_id is not None
        and not EmailOutbox.objects.filter(
            registration_id=outbox.registration_id,
            programme_event_id=outbox.programme_event_id,
            kind=Kind.UPDATED,
            pk__lt=outbox.pk,
        ).exists()
    )


def owe_programme_invitations(registration: Registration, *, now=None) -> list[int]:
    """A mission's applicant, just confirmed, is owed one invitation per event of its
    programme still to come (calendars act on one event per invitation; the mission's
    own holds the mission alone), written with the confirmation and sent with it. Later
    they get only what changes, as updates (`owe_event_updates`). An event they hold a
    confirmed registration for has its own invitation already. Idempotent: one row per
    (registration, event, SEQUENCE); returns those not sent yet."""
    from django.utils import timezone

    from events.models import Event

    if registration.mission_id is None or registration.state != RegistrationState.CONFIRMED:
        return []
    now = now or timezone.now()
    events = list(
        Event.objects.filter(
            mission_id=registration.mission_id,
            status=Event.Status.PUBLISHED,
            ends_at__gt=now,
        )
        .exclude(
            registrations__person_id=registration.person_id,
            registrations__state=RegistrationState.CONFIRMED,
        )
        .order_by("starts_at", "pk")
        .only("pk", "sequence")
    )
    EmailOutbox.objects.bulk_create(
        [
            EmailOutbox(
                registration=registration,
                kind=Kind.UPDATED,
                sequence=event.sequence,
                programme_event=event,
            )
            for event in events
        ],
        ignore_conflicts=True,
    )
    return _unsent_updates(registration=registration, programme_event__in=events)


def owe_mission_updates(mission_id: int) -> list[int]:
    """Owe each confirmed applicant of the mission one email for its current SEQUENCE
    (its dates, destination or status changed); idempotent, as `owe_event_updates`."""

    mission = Mission.objects.filter(pk=mission_id).only("pk", "sequence").first()
    if mission is None:
        return []
    confirmed = Registration.objects.filter(mission=mission, state=RegistrationState.CONFIRMED)
    with transaction.atomic():
        _owe_updates(confirmed, mission.sequence)
    return _unsent_updates(
        registration__mission=mission, programme_event__isnull=True, sequence=mission.sequence
    )
