"""Driving the one outbox from tests: deliveries by channel, sweeps at a later time."""

from datetime import timedelta

from django.utils import timezone

from primi_site import outbox


def deliver(channel: str):
    """The delivery job of one channel, as a function of the row's id."""
    return lambda pk: outbox.deliver(channel, pk)


def sweep_later(minutes: int = 6) -> int:
    """The periodic sweep as it runs `minutes` from now (past a first failure's backoff)."""
    return outbox.sweep(now=timezone.now() + timedelta(minutes=minutes))


def due_now(channel: str) -> list[int]:
    """The rows the sweep would hand to a job now."""
    return list(outbox.due(outbox.channel(channel)).values_list("pk", flat=True))
