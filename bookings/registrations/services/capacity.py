"""Changing a capacity: never below the seats already confirmed or offered."""

from django.db import connection, transaction

from bookings.exceptions import CapacityBelowConfirmed
from bookings.locking import locked
from bookings.registrations import queries
from bookings.registrations.queries import Target
from bookings.registrations.services.registrations import enqueue_promotion


def check_capacity(target: Target, capacity: int | None) -> None:
    """Refuse a capacity below the seats taken, with the count.

    Called from a form inside the caller's transaction (the admin's): it locks the
    row there, so nobody takes a seat between this check and the save.
    """
    if capacity is None or target.pk is None:
        return
    if transaction.get_connection().in_atomic_block and connection.vendor != "sqlite":
        type(target)._default_manager.select_for_update(no_key=True).filter(pk=target.pk).exists()
    taken = queries.seats_taken(target)
    if capacity < taken:
        raise CapacityBelowConfirmed(count=taken)


def change_capacity(target: Target, capacity: int | None) -> Target:
    """Set a new capacity under the lock; more seats go to the waitlist at once."""
    with locked(type(target), target.pk) as fresh:
        check_capacity(fresh, capacity)
        fresh.capacity = capacity
        fresh.save(update_fields=["capacity", "updated_at"])
        enqueue_promotion(fresh)
    return fresh
