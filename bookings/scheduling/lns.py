"""Large events: improve a complete schedule by re-solving small neighbourhoods.

A full model of a thousand-participant event takes longer to build and presolve than the
time allowed, so the schedule found by the greedy start is improved piece by piece: a group
of participants who meet each other (grown from one with breaks) has the meetings among
themselves re-solved exactly by the CP-SAT model, everything else staying in place, and the
new placement is kept when it has fewer breaks (and respects the fairness bound). A
neighbourhood places again the same meetings, so per-participant limits (`max_meetings`)
hold as they did in the schedule improved.
"""

from __future__ import annotations

import random
import time
from collections import defaultdict

from .model import solve_cp
from .problem import Problem, Progress
from .solution import count_breaks

GROUP = 3  # participants whose meetings are all re-solved (their partners' too are counted)
STEP_SECONDS = 1.0


def _breaks(slots_of_p: list[int]) -> int:
    ordered = sorted(slots_of_p)
    return sum(1 for i in range(1, len(ordered)) if ordered[i] > ordered[i - 1] + 1)


class _Climb:
    """The state of the hill climbing: who is busy when, tables used, breaks per person."""

    def __init__(self, problem: Problem, slots: dict[int, int]) -> None:
        inst = problem.instance
        self.problem = problem
        self.slots = dict(slots)
        self.preds = problem.predecessors()
        self.succs = problem.successors()
        meetings_of = problem.participants_of()
        self.busy = {p: {self.slots[i] for i in ms} for p, ms in meetings_of.items()}
        self.load: dict[int, int] = defaultdict(int)
        for i, t in self.slots.items():
            if not inst.meetings[i].online:
                self.load[t] += 1
        self.counts = {p: _breaks(list(ts)) for p, ts in self.busy.items()}

    def spread(self) -> int:
        counts = self.counts.values()
        return max(counts) - min(counts) if self.counts else 0

    def best_move(self, i: int) -> int | None:
        """The slot that lowers most the breaks of the meeting's two participants."""
        inst = self.problem.instance
        meeting = inst.meetings[i]
        a, b = meeting.participants
        old = self.slots[i]
        before = self.counts[a] + self.counts[b]
        lo = max((self.slots[j] for j in self.preds[i]), default=0)
        hi = min((self.slots[k] for k in self.succs[i]), default=inst.slots + 1)
        best = None
        for t in self.problem.allowed[i]:
            if t == old or not lo < t < hi or t in self.busy[a] or t in self.busy[b]:
                continue
            if not meeting.online and self.load[t] >= inst.tables:
                continue
            after = _breaks([*self.busy[a] - {old}, t]) + _breaks([*self.busy[b] - {old}, t])
            if after < before and (best is None or after < best[0]):
                best = (after, t)
        return None if best is None else best[1]

    def move(self, i: int, t: int) -> bool:
        """Move meeting i to t unless that takes the breaks outside the fairness bound
        (or further outside it, for a greedy start already outside)."""
        meeting = self.problem.instance.meetings[i]
        fair = self.problem.instance.fairness
        old = self.slots[i]
        saved = {p: self.counts[p] for p in meeting.participants}
        was = self.spread() if fair is not None else 0
        self._shift(meeting.participants, old, t)
        if fair is not None and self.spread() > max(fair, was):
            self._shift(meeting.participants, t, old)
            self.counts.update(saved)
            return False
        if not meeting.online:
            self.load[old] -= 1
            self.load[t] += 1
        self.slots[i] = t
        return True

    def _shift(self, people, old: int, new: int) -> None:
        for p in people:
            self.busy[p].discard(old)
            self.busy[p].add(new)
            self.counts[p] = _breaks(list(self.busy[p]))


def local_moves(
    problem: Problem, slots: dict[int, int], deadline: float, clock=time.monotonic
) -> dict[int, int]:
    """Hill climbing: move one meeting to a free slot while that lowers the breaks of its
    two participants (and keeps the fairness bound). Cheap, so it runs first."""
    climb = _Climb(problem, slots)
    improved = True
    while improved and clock() < deadline:
        improved = False
        for n, i in enumerate(problem.active):
            if n % 64 == 63 and clock() >= deadline:
                break
            t = climb.best_move(i)
            if t is not None and climb.move(i, t):
                improved = True
    return climb.slots


def _pick_group(rng: random.Random, people: list, current: dict, partners: dict) -> set:
    """A participant with breaks (mostly), grown by partners up to `GROUP` people."""
    with_breaks = [p for p in people if current[p] > 0]
    group = {rng.choice(with_breaks if with_breaks and rng.random() < 0.8 else people)}
    while len(group) < GROUP:
        around = sorted({q for p in group for q in partners[p]} - group, key=str)
        if not around:
            break
        group.add(rng.choice(around))
    return group


def _neighbourhood(problem: Problem, slots, free: list[int], current: dict, links) -> Problem:
    """The meetings `free` to re-solve, everything else fixed where it is. `links`: the
    participants (sorted), their meetings, predecessors and successors, made once."""
    inst = problem.instance
    free_set = set(free)
    people, meetings_of, preds, succs = links
    touched = {q for i in free for q in inst.meetings[i].participants}
    busy = {p: {slots[i] for i in meetings_of[p] if i not in free_set} for p in touched}
    load: dict[int, int] = defaultdict(int)
    for i, t in slots.items():
        if i not in free_set and not inst.meetings[i].online:
            load[t] += 1
    allowed = {}
    for i in free:
        a, b = inst.meetings[i].participants
        lo = max((slots[j] for j in preds[i] if j not in free_set), default=0)
        hi = min((slots[k] for k in succs[i] if k not in free_set), default=inst.slots + 1)
        allowed[i] = [
            t for t in problem.allowed[i] if lo < t < hi and t not in busy[a] and t not in busy[b]
        ]
    break_range = None
    others = [current[p] for p in people if p not in touched]
    if inst.fairness is not None and others:
        break_range = (max(others) - inst.fairness, min(others) + inst.fairness)
    return Problem(
        inst,
        free,
        allowed,
        busy=busy,
        capacity={t: inst.tables - load[t] for t in range(1, inst.slots + 1)},
        break_range=break_range,
        breaks_below=sum(current[p] for p in touched),
    )


def improve(
    problem: Problem,
    slots: dict[int, int],
    deadline: float,
    progress: Progress | None = None,
    seed: int = 0,
    clock=time.monotonic,
) -> dict[int, int]:
    """Return a schedule at least as good as `slots` (complete, for `problem.active`)."""
    inst = problem.instance
    started = clock()
    rng = random.Random(seed)
    slots = local_moves(problem, slots, deadline, clock)
    meetings_of = problem.participants_of()
    partners: dict = defaultdict(set)
    for i in problem.active:
        a, b = inst.meetings[i].participants
        partners[a].add(b)
        partners[b].add(a)

    def breaks(p) -> int:
        return count_breaks({p: [slots[i] for i in meetings_of[p]]})

    current = {p: breaks(p) for p in meetings_of}
    people = sorted(meetings_of, key=str)
    links = (people, meetings_of, problem.predecessors(), problem.successors())
    while clock() < deadline - 0.2 and sum(current.values()) > 0:
        group = _pick_group(rng, people, current, partners)
        free = sorted({i for p in group for i in meetings_of[p]})
        if len(free) < 2:
            continue
        sub = _neighbourhood(problem, slots, free, current, links)
        result = solve_cp(
            sub,
            optional=False,
            fairness=False,
            deadline=min(deadline, clock() + STEP_SECONDS),
            workers=1,
            hint={i: slots[i] for i in free},
            clock=clock,
            seed=seed,
        )
        if not result.slots:
            continue
        slots.update(result.slots)
        for p in sub.busy:  # the participants touched
            current[p] = breaks(p)
        if progress:
            progress(sum(current.values()), None, clock() - started)
    return slots
