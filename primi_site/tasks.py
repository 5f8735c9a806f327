"""django-q2 tasks of the site: thin, by id, idempotent."""

from primi_site.services import webhooks


def deliver_webhook(delivery_id: int) -> None:
    webhooks.attempt(delivery_id)
