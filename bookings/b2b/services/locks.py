"""Locks of B2B booking: participants in id order, then slots in id order.

Every writer that can put a person or a table in a slot takes these locks in this
order inside one short transaction, recounts from the rows, then writes; the
unique constraints on active seats and tables back it up. On SQLite
`select_for_update` does nothing and the IMMEDIATE transaction serialises writers.

The negative control of the concurrency tests turns the locks off through the
test-only setting read by `bookings.locking.lock_disabled()` at each call, the same
switch as the registrations' locks.
"""

from bookings.locking import lock_disabled
from bookings.models import B2BParticipant, Slot


def locks_enabled() -> bool:
    return not lock_disabled()


def lock_participants(*participant_ids: int) -> None:
    if locks_enabled():
        ids = sorted(set(participant_ids))
        list(
            B2BParticipant.objects.select_for_update()
            .filter(pk__in=ids)
            .order_by("pk")
            .values_list("pk", flat=True)
        )


def lock_slots(*slot_ids: int) -> None:
    if locks_enabled():
        ids = sorted(set(slot_ids))
        list(
            Slot.objects.select_for_update()
            .filter(pk__in=ids)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
