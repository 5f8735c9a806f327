"""The one outbox: every email the site sends goes through here.

A state change writes the row of what it owes (a subclass of `primi_site.models.Deliverable`)
in its own transaction and enqueues `primi_site.tasks.deliver` on commit. Delivering

1. **claims** the row: an UPDATE that only one run can win, valid for a lease of
   `OUTBOX_LEASE_SECONDS`, so a job run twice (or by two clusters) sends once and no
   database lock is held while the mail server answers;
2. **builds** the message through its channel (`None`: nothing to say any more, the row is
   settled without an email) and sends it with a `Message-ID` stable across attempts;
3. **settles** it (`sent_at`), or on failure **releases** it: the attempt is counted, the
   error noted and the next attempt put off by an exponential backoff; after
   `OUTBOX_MAX_ATTEMPTS` it is marked failed, shown to staff, who may retry it.

The **sweep** (`primi_site.tasks.sweep_outbox`, every minute) enqueues every row that is
due: never claimed after a grace period (a lost job), a lease run out (a worker killed
while sending), or a backoff elapsed. Delivery is so at least once on any broker, and
exactly once except when a worker dies between the mail server's acceptance and the commit
of `sent_at`: the second copy then carries the same `Message-ID`.
"""

import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import models, transaction
from django.db.models import F, Q
from django.utils import timezone

logger = logging.getLogger("primi_site.outbox")
TASK = "primi_site.tasks.deliver"
SWEEP_BATCH = 500


@dataclass(frozen=True)
class Channel:
    """How one kind of owed email is loaded and written.

    `build(item)` returns the message, or None when there is nothing to say any more (the
    registration was cancelled, the meeting moved since); `owed` narrows what may still be
    sent (an invitation not used nor expired, a reminder before its event).
    """

    name: str
    model: type[models.Model]
    build: Callable[[models.Model], EmailMessage | None]
    related: tuple[str, ...] = ()
    owed: Callable[[datetime], Q] = field(default=lambda now: Q())
    label: str = ""
    recipient: str = "email"  # the lookup of the address, for the staff page


_channels: dict[str, Channel] = {}


def register(channel: Channel) -> None:
    """Called from the owning app's `AppConfig.ready()`."""
    _channels[channel.name] = channel


def channel(name: str) -> Channel:
    return _channels[name]


def channels() -> Iterator[Channel]:
    return iter(_channels.values())


def channel_of(model: type[models.Model]) -> Channel:
    return next(c for c in _channels.values() if c.model is model)


def lease() -> timedelta:
    return timedelta(seconds=settings.OUTBOX_LEASE_SECONDS)


def backoff(attempts: int) -> timedelta:
    """The wait before the attempt after `attempts` failures: base, 2×base, 4×base…, capped."""
    seconds = settings.OUTBOX_BACKOFF_SECONDS * 2 ** max(0, attempts - 1)
    return timedelta(seconds=min(seconds, settings.OUTBOX_BACKOFF_MAX_SECONDS))


def pending(chan: Channel, now: datetime) -> models.QuerySet:
    """Rows not sent, not given up, not held by a live lease, still owed."""
    return chan.model.objects.filter(sent_at__isnull=True, failed_at__isnull=True).filter(
        Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - lease()), chan.owed(now)
    )


def due(chan: Channel, now: datetime | None = None) -> models.QuerySet:
    """Rows the sweep should hand to a job: past their backoff, or never picked up by
    their own job within the grace period."""
    now = now or timezone.now()
    grace = now - timedelta(seconds=settings.OUTBOX_GRACE_SECONDS)
    return pending(chan, now).filter(
        Q(next_attempt_at__lte=now) | Q(next_attempt_at__isnull=True, created_at__lte=grace)
    )


def claim(chan: Channel, pk: int, now: datetime) -> bool:
    """Take the row for this run; False when it is settled or another run holds it."""
    return bool(pending(chan, now).filter(pk=pk).update(claimed_at=now))


def message_id(chan: Channel, pk: int) -> str:
    """The same for every attempt at one row, so a duplicate is recognisable."""
    domain = settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].strip(" >")
    return f"<{chan.name}.{pk}@{domain}>"


def settle(chan: Channel, pk: int, *, counted: bool) -> None:
    fields = {"sent_at": timezone.now(), "last_error": ""}
    if counted:
        fields["attempts"] = F("attempts") + 1
    chan.model.objects.filter(pk=pk).update(**fields)


def release(chan: Channel, pk: int, error: Exception, now: datetime) -> None:
    """Count the failed attempt, put the next one off, or give up after the maximum."""
    attempts = chan.model.objects.filter(pk=pk).values_list("attempts", flat=True).first() or 0
    attempts += 1
    fields = {"claimed_at": None, "attempts": attempts, "last_error": repr(error)[:2000]}
    if attempts >= settings.OUTBOX_MAX_ATTEMPTS:
        fields["failed_at"] = now
    else:
        fields["next_attempt_at"] = now + backoff(attempts)
    chan.model.objects.filter(pk=pk).update(**fields)


def deliver(name: str, pk: int, *, now: datetime | None = None) -> bool:
    """Send one owed email; True when this run sent it.

    A failure is released and raised again, so the job's record shows it; the sweep
    tries again once the backoff has passed."""
    chan = channel(name)
    now = now or timezone.now()
    if not claim(chan, pk, now):
        return False
    item = chan.model.objects.select_related(*chan.related).filter(pk=pk).first()
    if item is None:
        return False
    try:
        message = chan.build(item)
        if message is None:
            settle(chan, pk, counted=False)
            return False
        message.extra_headers.setdefault("Message-ID", message_id(chan, pk))
        message.send()
    except Exception as exc:
        release(chan, pk, exc, now)
        logger.warning("%s %s not sent, will retry: %r", name, pk, exc)
        raise
    settle(chan, pk, counted=True)
    return True


def enqueue(row: models.Model) -> None:
    """Deliver the row just written by job once the transaction commits."""
    _enqueue(channel_of(type(row)).name, row.pk)


def _enqueue(name: str, pk: int) -> None:
    """`robust=True`: a broker that does not answer is logged, never turned into an error
    for a change already committed; the sweep delivers the row all the same."""
    from django_q.tasks import async_task

    transaction.on_commit(lambda: async_task(TASK, name, pk), robust=True)


def hand_over(chan: Channel, ids) -> int:
    """One delivery job per row (rows already committed); how many."""
    from django_q.tasks import async_task

    ids = list(ids)
    for pk in ids:
        async_task(TASK, chan.name, pk)
    return len(ids)


def sweep(*, now: datetime | None = None) -> int:
    """Hand every due row to a job; how many."""
    return sum(
        hand_over(
            chan,
            due(chan, now).order_by("created_at", "pk").values_list("pk", flat=True)[:SWEEP_BATCH],
        )
        for chan in channels()
    )


def troubles(chan: Channel) -> models.QuerySet:
    """Rows given up, or waiting for another attempt after a failure: what staff see."""
    return (
        chan.model.objects.filter(sent_at__isnull=True, attempts__gt=0)
        .select_related(*chan.related)
        .order_by("-failed_at", "next_attempt_at", "pk")
    )


def recipient_of(chan: Channel, row: models.Model) -> str:
    value = row
    for name in chan.recipient.split("__"):
        value = getattr(value, name, None)
    return value or ""


def retry(name: str, pk: int) -> bool:
    """Staff give a failed (or waiting) delivery another try now; False when it was sent."""
    chan = channel(name)
    retried = chan.model.objects.filter(pk=pk, sent_at__isnull=True).update(
        failed_at=None, claimed_at=None, next_attempt_at=timezone.now()
    )
    if retried:
        _enqueue(name, pk)
    return bool(retried)
