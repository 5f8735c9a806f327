"""Jobs of the bookings app: thin, take ids, idempotent."""

from bookings.services.b2b.notify import deliver


def send_b2b_notification(notification_id: int) -> bool:
    return deliver(notification_id)
