"""One clock for a whole run: every stage asks the same `Deadline` how long it may go on.

The clock is injectable (`clock`, a function returning seconds), so that tests decide
when time runs out instead of depending on the machine's speed.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable

Clock = Callable[[], float]


class Deadline:
    """A time limit counted from `started` (by default: now, on `clock`).

    `end` is when the answer must be handed back; the search itself stops `reserve`
    earlier (min(2 s, 5 %) of the limit), which keeps time for tables and reasons."""

    def __init__(
        self, limit: float, *, clock: Clock = time.monotonic, started: float | None = None
    ) -> None:
        self.clock = clock
        self.limit = float(limit)
        self.started = clock() if started is None else started
        self.end = self.started + self.limit
        self.reserve = min(2.0, 0.05 * self.limit)
        self.search_end = self.end - self.reserve

    def now(self) -> float:
        return self.clock()

    def elapsed(self) -> float:
        return self.clock() - self.started

    def left(self, until: float | None = None) -> float:
        """Seconds left before `until` (default: the end of the search), never negative."""
        return max(0.0, (self.search_end if until is None else until) - self.clock())

    def expired(self, until: float | None = None) -> bool:
        return self.left(until) <= 0.0

    def share(self, fraction: float, until: float | None = None) -> float:
        """The time at `fraction` of what is left before `until` (a stage's own end)."""
        now = self.clock()
        end = self.search_end if until is None else until
        return now + fraction * max(0.0, end - now)


def process_started(clock: Clock = time.monotonic) -> float:
    """When this process started, on `clock` (time.monotonic): a command-line run's limit
    counts from there, interpreter start and imports included. Linux reads it from
    /proc; elsewhere (or should that fail) the time this module was first imported."""
    try:
        with open("/proc/self/stat", encoding="ascii") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
        ticks = int(fields[19])  # field 22, starttime, in clock ticks after boot
        since_boot = ticks / os.sysconf("SC_CLK_TCK")
        age = time.clock_gettime(time.CLOCK_BOOTTIME) - since_boot
    except (OSError, ValueError, IndexError, AttributeError):
        age = time.monotonic() - _IMPORTED
    return clock() - max(0.0, age)


_IMPORTED = time.monotonic()
