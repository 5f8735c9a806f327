"""Registering for an event, cancelling, answering an offered seat."""

from datetime import datetime

from django.db import IntegrityError
from django.utils import timezone
from django.utils.translation import gettext_lazy

from bookings.exceptions import (
    AlreadyRegistered,
    CancellationClosed,
    EventFull,
    InvalidTransition,
    MembersOnly,
    OfferExpired,
)
from bookings.locking import locked, race_window
from bookings.models import ACTIVE_STATES, SEAT_STATES, Invitation, Registration, RegistrationState
from bookings.registrations import queries, targets
from bookings.registrations.queries import Target
from bookings.registrations.services.common import (
    cancellation_deadline,
    check_target_open,
    enqueue,
    is_member,
    log_text,
    move,
    record,
)
from bookings.registrations.services.seats import seat_free_for_newcomer
from events.models import Event
from missions.models import Mission, Person

State = RegistrationState


def register_for_event(
    person: Person, event: Event, *, by=None, now: datetime | None = None
) -> Registration:
    """Confirm while seats remain, else waitlist (with `waitlist_position` set)."""
    now = now or timezone.now()
    with locked(Event, event.pk) as event:
        return join_locked(person, event, by=by, now=now)


def join_locked(
    person: Person,
    target: Target,
    *,
    by=None,
    now: datetime,
    invitation: Invitation | None = None,
) -> Registration:
    """Take a seat or a place in the queue; the caller holds the target's lock."""
    check_target_open(target, now)
    if targets.members_only(target) and invitation is None and not is_member(person):
        raise MembersOnly()
    counts = queries.seat_counts(target, person)
    if counts.mine:
        raise AlreadyRegistered()
    confirmed = seat_free_for_newcomer(target, person, counts)
    waiting = counts.waiting
    if not confirmed and not targets.has_waitlist(target):
        raise EventFull()
    race_window()
    try:
        registration = Registration.objects.create(
            person=person,
            state=State.CONFIRMED if confirmed else State.WAITLISTED,
            waitlisted_at=None if confirmed else now,
            invitation=invitation,
            **queries.target_kwargs(target),
        )
    except IntegrityError as exc:
        if "registration_one_active" in str(exc):
            raise AlreadyRegistered() from exc
        raise
    record(registration, "", by=by or person.user)
    registration.waitlist_position = None if confirmed else waiting + 1
    return registration


def cancel_registration(
    registration: Registration,
    *,
    by,
    reason: str = "",
    as_staff: bool = False,
    now: datetime | None = None,
) -> Registration:
    """Cancel by the person until the deadline, by staff at any time; a freed seat
    goes to the waitlist through the promotion job."""
    now = now or timezone.now()
    model, pk = targets.model_and_pk(registration)
    with locked(model, pk) as target:
        registration = Registration.objects.select_for_update().get(pk=registration.pk)
        if registration.state not in ACTIVE_STATES:
            raise InvalidTransition(state=registration.get_state_display())
        if not as_staff and now >= cancellation_deadline(target):
            raise CancellationClosed()
        held_seat = registration.state in SEAT_STATES
        was_confirmed = registration.state == State.CONFIRMED
        move(registration, State.CANCELLED, by=by, reason=reason, now=now)
        if was_confirmed:
            leave_b2b_sessions(registration, by=by, reason=reason)
        if held_seat:
            enqueue_promotion(target)
    return registration


def leave_b2b_sessions(registration: Registration, *, by, reason: str = "") -> int:
    """The registration is no longer confirmed: out of the B2B sessions it opened (in the
    caller's transaction); returns the meetings cancelled. `reason` (typed by a person,
    may be empty) is shown to the other side of each meeting."""
    from bookings.b2b.services.withdrawal import withdraw_after_registration_ended
    from missions.people import person_of

    actor = person_of(by) if by is not None else None
    return withdraw_after_registration_ended(registration, actor, reason)


def enqueue_promotion(target: Target) -> None:
    enqueue("bookings.tasks.promote_waitlist", targets.kind_of(target).name, target.pk)


def accept_offer(registration: Registration, *, by, now: datetime | None = None) -> Registration:
    now = now or timezone.now()
    model, pk = targets.model_and_pk(registration)
    with locked(model, pk):
        registration = Registration.objects.select_for_update().get(pk=registration.pk)
        if registration.state != State.OFFERED:
            raise InvalidTransition(state=registration.get_state_display())
        if registration.offer_expires_at <= now:
            raise OfferExpired()
        accepted = log_text(gettext_lazy("Offer accepted."))
        move(registration, State.CONFIRMED, by=by, reason=accepted, now=now)
    return registration


def decline_offer(registration: Registration, *, by, now: datetime | None = None) -> Registration:
    if registration.state != State.OFFERED:
        raise InvalidTransition(state=registration.get_state_display())
    declined = log_text(gettext_lazy("Offer declined."))
    return cancel_registration(registration, by=by, reason=declined, as_staff=True, now=now)


def target_of(kind: str, pk: int) -> type[Event] | type[Mission]:
    return targets.kind_named(kind).model
