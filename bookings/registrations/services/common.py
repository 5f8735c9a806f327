"""What every state change shares: the transition, its log line and its email."""

from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from bookings.exceptions import NoProfile, RegistrationClosed
from bookings.models import EmailOutbox, Registration, RegistrationLog, RegistrationState
from bookings.registrations import targets
from bookings.registrations.queries import Target
from events.models import Event
from missions.models import Mission, Organisation, Person
from primi_site import outbox

State = RegistrationState


def log_text(message) -> str:
    """A fixed reason for the history, in the site's language whoever triggered it."""
    with translation.override(settings.LANGUAGE_CODE):
        return str(message)


def email_kind(from_state: str, to_state: str) -> str | None:
    """Which email a change owes its person."""
    if to_state == State.CONFIRMED:
        return (
            EmailOutbox.Kind.PROMOTED
            if from_state == State.WAITLISTED
            else EmailOutbox.Kind.CONFIRMED
        )
    return {
        State.APPLIED: EmailOutbox.Kind.RECEIVED,
        State.WAITLISTED: EmailOutbox.Kind.WAITLISTED,
        State.OFFERED: EmailOutbox.Kind.OFFERED,
        State.REJECTED: EmailOutbox.Kind.REJECTED,
        State.CANCELLED: EmailOutbox.Kind.CANCELLED,
    }.get(to_state)


def enqueue(func: str, *args) -> None:
    """Enqueue a django-q2 task once the transaction commits.

    `robust=True`: a broker that does not answer is logged, never turned into an
    error for a registration that is already committed (the outbox sweep catches up).
    """
    from django_q.tasks import async_task

    transaction.on_commit(lambda: async_task(func, *args), robust=True)


def webhook_type(from_state: str, to_state: str) -> str:
    if not from_state:
        return "registration.created"
    if to_state == State.CANCELLED:
        return "registration.cancelled"
    return "registration.changed"


def notify_partners(registration: Registration, from_state: str) -> None:
    """The webhook of the change: ids, slugs and states only (no personal data)."""
    from primi_site.services.webhooks import emit

    target = registration.target
    emit(
        webhook_type(from_state, registration.state),
        {
            "registration": registration.pk,
            "kind": "event" if registration.event_id else "mission",
            "event": target.slug if registration.event_id else None,
            "mission": target.slug if registration.mission_id else None,
            "state": registration.state,
            "previous_state": from_state or None,
        },
    )


def cancel_programme_invitations(registration: Registration, change: RegistrationLog) -> None:
    """A confirmed applicant who leaves a mission gets a CANCEL for each programme event
    they were sent an invitation for (`emails.owe_event_updates`); the mission's own
    CANCEL cannot remove another UID from their calendar."""
    if not registration.mission_id:
        return
    invited = (
        EmailOutbox.objects.filter(
            registration=registration,
            kind=EmailOutbox.Kind.UPDATED,
            programme_event__isnull=False,
            sent_at__isnull=False,
        )
        .order_by("programme_event_id")
        .values_list("programme_event_id", flat=True)
        .distinct()
    )
    for event_id in list(invited):
        outbox.enqueue(
            EmailOutbox.objects.create(
                registration=registration,
                change=change,
                kind=EmailOutbox.Kind.CANCELLED,
                programme_event_id=event_id,
            )
        )


def invite_to_programme(registration: Registration) -> None:
    """A confirmed applicant of a mission is sent an invitation for each of its programme
    events, with the mission's (`emails.owe_programme_invitations`)."""
    if not registration.mission_id:
        return
    from bookings.registrations.services.emails import CHANNEL, owe_programme_invitations

    owed = owe_programme_invitations(registration)
    for row in CHANNEL.model.objects.filter(pk__in=owed).order_by("pk"):
        outbox.enqueue(row)


def record(
    registration: Registration, from_state: str, *, by=None, reason: str = ""
) -> RegistrationLog:
    """Log the change just written, owe its email and its webhook, in the same
    transaction (both are sent after the commit)."""
    change = RegistrationLog.objects.create(
        registration=registration,
        by=by if by is not None and by.is_authenticated else None,
        from_state=from_state,
        to_state=registration.state,
        reason=reason,
    )
    kind = email_kind(from_state, registration.state)
    if kind:
        outbox.enqueue(
            EmailOutbox.objects.create(registration=registration, change=change, kind=kind)
        )
    if kind == EmailOutbox.Kind.CANCELLED and from_state == State.CONFIRMED:
        cancel_programme_invitations(registration, change)
    if kind in (EmailOutbox.Kind.CONFIRMED, EmailOutbox.Kind.PROMOTED):
        invite_to_programme(registration)
    notify_partners(registration, from_state)
    return change


def move(
    registration: Registration,
    to_state: str,
    *,
    by=None,
    reason: str = "",
    now: datetime,
    offer_expires_at: datetime | None = None,
) -> RegistrationLog:
    """Write one transition of a registration already locked by the caller, and log it."""
    from_state = registration.state
    registration.state = to_state
    registration.waitlisted_at = now if to_state == State.WAITLISTED else None
    registration.offer_expires_at = offer_expires_at if to_state == State.OFFERED else None
    if reason and to_state in (State.CONFIRMED, State.REJECTED, State.WAITLISTED):
        registration.decision_reason = reason
    registration.save(
        update_fields=[
            "state",
            "waitlisted_at",
            "offer_expires_at",
            "decision_reason",
            "updated_at",
        ]
    )
    return record(registration, from_state, by=by, reason=reason)


def profile_of(user) -> Person:
    from missions.people import person_of

    person = person_of(user)
    if person is None:
        raise NoProfile()
    return person


def is_member(person: Person) -> bool:
    organisation: Organisation | None = person.organisation
    return organisation is not None and organisation.kind == Organisation.Kind.MEMBER


def check_event_open(event: Event, now: datetime) -> None:
    if event.status == Event.Status.CANCELLED:
        raise RegistrationClosed(_("This event is cancelled."))
    if event.status != Event.Status.PUBLISHED:
        raise RegistrationClosed(_("This event is not open for registration."))
    if event.starts_at <= now:
        raise RegistrationClosed(_("This event has already started."))
    if event.registration_opens_at and now < event.registration_opens_at:
        raise RegistrationClosed(_("Registration for this event has not opened yet."))
    if event.registration_closes_at and now >= event.registration_closes_at:
        raise RegistrationClosed(_("Registration for this event is closed."))


def check_mission_open(mission: Mission, now: datetime) -> None:
    if mission.status == Mission.Status.CANCELLED:
        raise RegistrationClosed(_("This mission is cancelled."))
    if mission.status == Mission.Status.CLOSED:
        raise RegistrationClosed(_("Applications for this mission are closed."))
    if mission.status != Mission.Status.PUBLISHED:
        raise RegistrationClosed(_("This mission is not open for applications."))
    if mission.starts_at <= now:
        raise RegistrationClosed(_("This mission has already started."))
    if mission.application_deadline and now >= mission.application_deadline:
        raise RegistrationClosed(_("The application deadline has passed."))


def check_target_open(target: Target, now: datetime) -> None:
    check = check_event_open if targets.is_event(target) else check_mission_open
    check(target, now)


def cancellation_deadline(target: Target) -> datetime:
    return target.cancellation_deadline or target.starts_at
