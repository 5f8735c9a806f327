"""The waitlist's jobs: promote into freed seats, expire offers that were not taken."""

from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext_lazy

from bookings.locking import locked
from bookings.models import Registration, RegistrationState
from bookings.registrations.services.common import log_text, move
from bookings.registrations.services.seats import fill_free_seats
from events.models import Event
from missions.models import Mission

State = RegistrationState
MODELS = {"event": Event, "mission": Mission}
EXPIRED_REASON = gettext_lazy("The offered seat was not taken before it expired.")


def promote_waitlist(kind: str, pk: int, *, now: datetime | None = None) -> list[Registration]:
    """Fill the free seats of one event or mission from its waitlist; idempotent."""
    now = now or timezone.now()
    model = MODELS[kind]
    if not model.objects.filter(pk=pk).exists():
        return []
    with locked(model, pk) as target:
        return fill_free_seats(target, now)


def expire_offers(*, now: datetime | None = None) -> int:
    """Cancel the offers past their expiry and pass each seat to the next in line.

    Idempotent: an offer is expired once, under its target's lock; a second run
    finds nothing left to do.
    """
    now = now or timezone.now()
    due = (
        Registration.objects.filter(state=State.OFFERED, offer_expires_at__lte=now)
        .order_by()
        .values_list("event_id", "mission_id")
        .distinct()
    )
    expired = 0
    for event_id, mission_id in list(due):
        kind, pk = ("event", event_id) if event_id else ("mission", mission_id)
        with locked(MODELS[kind], pk) as target:
            rows = Registration.objects.select_for_update().filter(
                state=State.OFFERED,
                offer_expires_at__lte=now,
                **{kind: target},
            )
            for registration in rows:
                move(
                    registration,
                    State.CANCELLED,
                    now=now,
                    reason=log_text(EXPIRED_REASON),
                )
                expired += 1
            fill_free_seats(target, now)
    return expired
