"""The greedy start: a first schedule in a fraction of a second, which every later stage
improves (and which is the answer should nothing better be found in time)."""

from __future__ import annotations

import heapq
import itertools
from collections import defaultdict

from .instance import Id
from .problem import Problem


def _breaks(slots: set[int]) -> int:
    ordered = sorted(slots)
    return sum(1 for a, b in itertools.pairwise(ordered) if b > a + 1)


class _Placement:
    """The greedy's state: who is busy when, tables taken per slot, what was placed."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        self.busy: dict[Id, set[int]] = defaultdict(set)
        self.load: dict[int, int] = defaultdict(int)
        self.placed: dict[int, int] = {}
        self.dropped: set[int] = set()

    def earliest(self, i: int, preds: list[int]) -> int:
        """The slot the meeting must come strictly after (past the last: it cannot go)."""
        too_late = self.problem.instance.slots + 1
        if any(j in self.dropped for j in preds):
            return too_late  # keep strict precedence simple: drop it too
        pair = self.problem.instance.meetings[i].participants
        limits = self.problem.limits
        if any(p in limits and len(self.busy[p]) >= limits[p] for p in pair):
            return too_late  # a participant has reached their limit
        return max((self.placed[j] for j in preds if j in self.placed), default=0)

    def best_slot(self, i: int, earliest: int) -> int | None:
        """The free slot adding the fewest breaks (the previous slot first, when moving)."""
        inst = self.problem.instance
        meeting = inst.meetings[i]
        a, b = meeting.participants
        best = None
        for t in self.problem.allowed[i]:
            if t <= earliest or t in self.busy[a] or t in self.busy[b]:
                continue
            if not meeting.online and self.load[t] >= inst.tables:
                continue
            cost = sum(
                _breaks(self.busy[p] | {t}) - _breaks(self.busy[p]) for p in (a, b) if self.busy[p]
            )
            moved = 0 if self.problem.previous.get(i) == t else 1
            key = (moved, cost, self.load[t], t)
            if best is None or key < best[0]:
                best = (key, t)
        return None if best is None else best[1]

    def place(self, i: int, t: int | None) -> None:
        if t is None:
            self.dropped.add(i)
            return
        meeting = self.problem.instance.meetings[i]
        self.placed[i] = t
        for p in meeting.participants:
            self.busy[p].add(t)
        if not meeting.online:
            self.load[t] += 1


def greedy(problem: Problem) -> dict[int, int]:
    """First fit in precedence order, most constrained first, choosing the slot that adds
    the fewest breaks to the two participants. May leave meetings out."""
    inst = problem.instance
    preds = problem.predecessors()
    succs = problem.successors()
    waiting = {i: len(ps) for i, ps in preds.items()}

    def order(i: int) -> tuple:
        published = 0 if i in problem.published else 1
        return (published, -inst.meetings[i].priority, len(problem.allowed[i]), i)

    heap = [(order(i), i) for i in problem.active if waiting[i] == 0]
    heapq.heapify(heap)
    state = _Placement(problem)
    while heap:
        _, i = heapq.heappop(heap)
        state.place(i, state.best_slot(i, state.earliest(i, preds[i])))
        for k in succs[i]:
            waiting[k] -= 1
            if waiting[k] == 0:
                heapq.heappush(heap, (order(k), k))
    return state.placed
