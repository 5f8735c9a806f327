"""What every stage of the search works on: a `Problem` (meeting indices and the slots
each may take) and a `Result`. No solver library is imported here, so the MaxSAT worker
process starts without loading OR-Tools."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from .instance import Id, Instance
from .solution import count_breaks

# progress(best_breaks, bound, elapsed_seconds), called on each improving solution.
Progress = Callable[[int, int | None, float], None]


@dataclass
class Problem:
    """The part of an instance handed to the solver (meeting indices, allowed slots)."""

    instance: Instance
    active: list[int]  # indices of the meetings to schedule
    allowed: dict[int, list[int]]  # index -> slots it may take
    previous: dict[int, int] = field(default_factory=dict)  # index -> slot before (moves)
    published: set[int] = field(default_factory=set)  # kept in preference to new meetings
    # Participant -> the most of their active meetings that may be placed (`max_meetings`).
    limits: dict[Id, int] = field(default_factory=dict)
    # A neighbourhood of a larger schedule (see lns.py): slots where a participant is already
    # busy with meetings left as they are, tables left per slot, the range each participant's
    # breaks must stay in (fairness with the others), and a strict upper bound on breaks.
    busy: dict[Id, set[int]] = field(default_factory=dict)
    capacity: dict[int, int] | None = None
    break_range: tuple[int, int] | None = None
    breaks_below: int | None = None

    def participants_of(self) -> dict[Id, list[int]]:
        by_p: dict[Id, list[int]] = defaultdict(list)
        for i in self.active:
            for p in self.instance.meetings[i].participants:
                by_p[p].append(i)
        return by_p

    def predecessors(self) -> dict[int, list[int]]:
        inst = self.instance
        active = set(self.active)
        return {
            i: [inst.index[j] for j in inst.meetings[i].after if inst.index[j] in active]
            for i in self.active
        }

    def successors(self) -> dict[int, list[int]]:
        succs: dict[int, list[int]] = defaultdict(list)
        for i, preds in self.predecessors().items():
            for j in preds:
                succs[j].append(i)
        return succs

    def breaks(self, slots: dict[int, int]) -> int:
        """Total breaks of a schedule (meeting index -> slot)."""
        return count_breaks(busy_slots(self.instance, slots))

    def complete(self, slots: dict[int, int]) -> bool:
        return len(slots) == len(self.active)

    def fair(self, slots: dict[int, int]) -> bool:
        """Whether the breaks of any two participants differ by at most the instance's d."""
        if self.instance.fairness is None:
            return True
        counts = [count_breaks({p: ts}) for p, ts in busy_slots(self.instance, slots).items()]
        return not counts or max(counts) - min(counts) <= self.instance.fairness


@dataclass
class Result:
    slots: dict[int, int]  # meeting index -> slot
    status: str  # OPTIMAL, FEASIBLE, INFEASIBLE, UNKNOWN (or another CP-SAT status name)
    bound: int | None  # proven lower bound on breaks (complete schedules), or None
    breaks: int


def busy_slots(instance: Instance, slots: dict[int, int]) -> dict[Id, list[int]]:
    """Participant -> the slots of their meetings in a schedule (meeting index -> slot)."""
    busy: dict[Id, list[int]] = defaultdict(list)
    for i, t in slots.items():
        for p in instance.meetings[i].participants:
            busy[p].append(t)
    return busy
