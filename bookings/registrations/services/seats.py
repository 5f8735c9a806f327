"""Seats: who may take one now, and filling the free ones from the waitlist.

Every function here runs inside `bookings.locking.locked(...)` on the event or
mission: it recounts from the rows, so what it decides holds when it writes.
"""

from datetime import datetime, timedelta

from django.utils.translation import gettext_lazy

from bookings.exceptions import DepartmentQuotaFull, NoSeatLeft, OrganisationQuotaFull
from bookings.locking import race_window
from bookings.models import Registration, RegistrationState
from bookings.registrations import queries, targets
from bookings.registrations.queries import Target
from bookings.registrations.services.common import log_text, move
from missions.models import Person, WaitlistMode

State = RegistrationState


def free_seats(target: Target) -> int | None:
    """Seats neither confirmed nor offered; None when the capacity is unlimited."""
    if target.capacity is None:
        return None
    return max(target.capacity - queries.seats_taken(target), 0)


def quota_problem(target: Target, person: Person) -> Exception | None:
    """Why this person may not take one more seat of a mission under its quotas."""
    if not targets.kind_of(target).has_quotas:
        return None
    organisation = person.organisation
    if organisation is None:
        return None
    limit = target.seats_per_organisation
    if limit is not None and queries.seats_taken_by_organisation(target, organisation.pk) >= limit:
        return OrganisationQuotaFull(organisation=organisation.name, seats=limit)
    if organisation.department:
        seats = queries.quotas_of(target).get(organisation.department)
        if seats is not None and (
            queries.seats_taken_by_department(target, organisation.department) >= seats
        ):
            return DepartmentQuotaFull(seats=seats, department=organisation.department)
    return None


def check_seat_for(target: Target, person: Person) -> None:
    """Raise unless a seat is free for this person now (capacity, then quotas)."""
    free = free_seats(target)
    if free is not None and free <= 0:
        raise NoSeatLeft(capacity=target.capacity)
    problem = quota_problem(target, person)
    if problem is not None:
        raise problem


def seat_free_for_newcomer(target: Target, person: Person, counts: queries.SeatCounts) -> bool:
    """A newcomer takes a seat only when one is free, fits the quotas, and nobody waits."""
    if target.capacity is not None and (counts.taken >= target.capacity or counts.waiting):
        return False
    return quota_problem(target, person) is None


def fill_free_seats(target: Target, now: datetime) -> list[Registration]:
    """Give the free seats to the first people waiting who fit; idempotent.

    Confirms them at once, or offers the seat with an expiry, as the event or
    mission says. Run it again and it finds no free seat, or nobody waiting.
    """
    if not targets.seats_pass_on(target):
        return []
    free = free_seats(target)
    promoted: list[Registration] = []
    race_window()
    reason = log_text(gettext_lazy("A seat was freed; first in line on the waitlist."))
    for registration in queries.waitlist(target):
        if free is not None and free <= 0:
            break
        if quota_problem(target, registration.person) is not None:
            continue
        if target.waitlist_mode == WaitlistMode.OFFER:
            expires = now + timedelta(hours=target.offer_hours)
            move(
                registration,
                State.OFFERED,
                now=now,
                offer_expires_at=expires,
                reason=reason,
            )
        else:
            move(registration, State.CONFIRMED, now=now, reason=reason)
        promoted.append(registration)
        if free is not None:
            free -= 1
    return promoted
