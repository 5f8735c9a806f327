"""The `primi-b2b-solution/1` result."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

from .instance import Id

FORMAT = "primi-b2b-solution/1"
STATUSES = ("optimal", "feasible", "infeasible", "unknown")


@dataclass(frozen=True)
class Assignment:
    meeting: Id
    slot: int
    table: int | None


@dataclass(frozen=True)
class Unscheduled:
    meeting: Id
    reason: str
    code: str


@dataclass
class Solution:
    instance: str
    status: str
    breaks: int
    bound: int | None
    seconds: float
    assignments: list[Assignment] = field(default_factory=list)
    unscheduled: list[Unscheduled] = field(default_factory=list)
    moved: int | None = None  # set only when rescheduling from a previous solution
    run: dict | None = None  # seed, limit, how the run ended, solver versions, parameters

    @property
    def complete(self) -> bool:
        return not self.unscheduled

    def to_json(self) -> dict:
        """The solution as a JSON-ready dict in the `primi-b2b-solution/1` format."""
        data = {
            "format": FORMAT,
            "instance": self.instance,
            "status": self.status,
            "breaks": self.breaks,
            "bound": self.bound,
            "seconds": round(self.seconds, 2),
            "assignments": [
                {"meeting": a.meeting, "slot": a.slot, "table": a.table} for a in self.assignments
            ],
            "unscheduled": [
                {"meeting": u.meeting, "reason": u.reason, "code": u.code} for u in self.unscheduled
            ],
        }
        if self.moved is not None:
            data["moved"] = self.moved
        if self.run is not None:
            data["run"] = self.run
        return data


def count_breaks(slots_by_participant: dict[Id, list[int]]) -> int:
    """Total breaks: per participant, the idle runs between two of their meetings."""
    total = 0
    for slots in slots_by_participant.values():
        ordered = sorted(slots)
        total += sum(1 for x, y in itertools.pairwise(ordered) if y > x + 1)
    return total
