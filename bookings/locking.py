"""Lock, recount, write: the one way capacity is ever reduced.

`locked(Model, pk)` opens a short durable transaction and locks the event or
mission row (`SELECT … FOR UPDATE` on PostgreSQL). On SQLite the transaction mode
IMMEDIATE already serialises writers, so the same code holds there. Everything
that reduces or frees capacity (register, accept, promote, cancel, change the
capacity) runs inside it, recounts from the rows and only then writes.

Two test-only settings, read at call time and never set by the production
settings, let the concurrency tests prove the harness catches a race:
`PRIMI_TEST_LOCK_DISABLED` skips the row lock and `PRIMI_TEST_RACE_DELAY` (seconds)
widens the window between the recount and the write.
"""

import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TypeVar

from django.conf import settings
from django.db import connection, models, transaction

M = TypeVar("M", bound=models.Model)


def lock_disabled() -> bool:
    return bool(getattr(settings, "PRIMI_TEST_LOCK_DISABLED", False))


@contextmanager
def locked(model: type[M], pk: int) -> Iterator[M]:
    """Yield a fresh copy of the row, locked until the transaction ends."""
    with transaction.atomic(durable=True):
        rows = model._default_manager.all()
        if connection.vendor != "sqlite" and not lock_disabled():
            rows = rows.select_for_update(no_key=True)
        yield rows.get(pk=pk)


def race_window() -> None:
    """Between recount and write; a no-op unless a test widens it."""
    delay = float(getattr(settings, "PRIMI_TEST_RACE_DELAY", 0) or 0)
    if delay > 0:
        time.sleep(delay)
