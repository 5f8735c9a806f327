"""django-q2 tasks of the site: thin, by id, idempotent."""

from primi_site.services import webhooks


def deliver_webhook(delivery_id: int) -> None:
    webhooks.attempt(delivery_id)


def anonymise_expired_personal_data() -> int:
    """Periodic: anonymise the people whose missions ended past the retention period."""
    from primi_site.services import personal_data

    return personal_data.anonymise_expired()
