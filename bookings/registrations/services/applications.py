"""Mission applications and the staff's decisions on them (one by one or in bulk)."""

from dataclasses import dataclass
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bookings.exceptions import (
    AlreadyApplied,
    IncompleteApplication,
    InvalidTransition,
    MembersOnly,
    ReasonRequired,
    RegistrationError,
)
from bookings.locking import locked
from bookings.models import ACTIVE_STATES, SEAT_STATES, Registration, RegistrationState
from bookings.registrations import targets
from bookings.registrations.services.common import check_mission_open, is_member, move, record
from bookings.registrations.services.registrations import enqueue_promotion
from bookings.registrations.services.seats import check_seat_for
from missions.models import Mission, Person
from primi_site.text_limits import check_lengths

State = RegistrationState

QUESTIONS = ("company_pitch", "trip_goals", "target_markets")


class Decision:
    ACCEPT = "accept"
    REJECT = "reject"
    WAITLIST = "waitlist"
    ALL = (ACCEPT, REJECT, WAITLIST)


# From which states each decision may be taken.
ALLOWED_FROM = {
    Decision.ACCEPT: (State.APPLIED, State.WAITLISTED, State.OFFERED),
    Decision.REJECT: (State.APPLIED, State.WAITLISTED, State.OFFERED),
    Decision.WAITLIST: (State.APPLIED,),
}


def apply_for_mission(
    person: Person, mission: Mission, answers: dict[str, str], *, now: datetime | None = None
) -> Registration:
    """Record an application with its answers; it waits for the staff's decision."""
    now = now or timezone.now()
    cleaned = {name: (answers.get(name) or "").strip() for name in QUESTIONS}
    missing = [name for name, value in cleaned.items() if not value]
    if missing:
        labels = [str(Registration._meta.get_field(name).verbose_name) for name in missing]
        raise IncompleteApplication(fields=", ".join(labels))
    check_lengths(Registration, cleaned)
    check_mission_open(mission, now)
    if not is_member(person):
        raise MembersOnly(_("Missions are open to the people of member companies only."))
    try:
        with transaction.atomic(durable=True):
            if Registration.objects.filter(
                person=person, mission=mission, state__in=ACTIVE_STATES
            ).exists():
                raise AlreadyApplied()
            registration = Registration.objects.create(
                person=person, mission=mission, state=State.APPLIED, **cleaned
            )
            record(registration, "", by=person.user)
    except IntegrityError as exc:
        raise AlreadyApplied() from exc
    return registration


def decide(
    registration: Registration,
    decision: str,
    *,
    by,
    reason: str = "",
    now: datetime | None = None,
) -> Registration:
    """Accept (a seat, within capacity and quotas), reject or waitlist; staff only.

    Works for event registrations too: accepting someone from an event's waitlist
    is the staff's override of the queue, still within the capacity.
    """
    now = now or timezone.now()
    reason = reason.strip()
    if decision == Decision.REJECT and not reason:
        raise ReasonRequired()
    model, pk = targets.model_and_pk(registration)
    with locked(model, pk) as target:
        registration = (
            Registration.objects.select_for_update(of=("self",))
            .select_related("person__organisation")
            .get(pk=registration.pk)
        )
        if registration.state not in ALLOWED_FROM[decision]:
            raise InvalidTransition(state=registration.get_state_display())
        if decision == Decision.ACCEPT:
            if registration.state != State.OFFERED:
                check_seat_for(target, registration.person)
            move(registration, State.CONFIRMED, by=by, reason=reason, now=now)
        elif decision == Decision.REJECT:
            held_seat = registration.state in SEAT_STATES
            move(registration, State.REJECTED, by=by, reason=reason, now=now)
            if held_seat:
                enqueue_promotion(target)
        else:
            move(registration, State.WAITLISTED, by=by, reason=reason, now=now)
    return registration


@dataclass(frozen=True)
class Outcome:
    registration_id: int
    error: RegistrationError | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def decide_many(
    registration_ids: list[int], decision: str, *, by, reason: str = ""
) -> list[Outcome]:
    """The same decision for several registrations, each in its own short transaction,
    in the order given (the review list's order); one refusal does not stop the rest."""
    registrations = Registration.objects.in_bulk(registration_ids)
    outcomes = []
    for pk in registration_ids:
        registration = registrations.get(pk)
        if registration is None:
            continue
        try:
            decide(registration, decision, by=by, reason=reason)
        except RegistrationError as error:
            outcomes.append(Outcome(pk, error))
        else:
            outcomes.append(Outcome(pk))
    return outcomes
