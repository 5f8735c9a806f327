"""django-q2 tasks of the site: thin, by id, idempotent."""

from primi_site import outbox
from primi_site.services import webhooks


def deliver(channel: str, pk: int) -> bool:
    """Send one owed email of any kind (`primi_site.outbox`); a failure raises, so the
    job's record shows it, and the sweep tries again after the backoff."""
    return outbox.deliver(channel, pk)


def sweep_outbox() -> int:
    """Periodic (every minute): hand every email still owed to a job (a lost or failed
    job, a worker killed while sending); how many."""
    return outbox.sweep()


def deliver_webhook(delivery_id: int) -> None:
    webhooks.attempt(delivery_id)


def anonymise_expired_personal_data() -> int:
    """Periodic: anonymise the people whose missions ended past the retention period."""
    from primi_site.services import personal_data

    return personal_data.anonymise_expired()
