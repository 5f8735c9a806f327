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

from .model import Problem, Progress, solve_cp
from .solution import count_breaks

GROUP = 3  # participants whose meetings are all re-solved (their partners' too are counted)
STEP_SECONDS = 1.0


def _breaks(slots_of_p: list[int]) -> int:
    ordered = sorted(slots_of_p)
    return sum(1 for i in range(1, len(ordered)) if ordered[i] > ordered[i - 1] + 1)


def local_moves(problem: Problem, slots: dict[int, int], deadline: float) -> dict[int, int]:
    """Hill climbing: move one meeting to a free slot while that lowers the breaks of its
    two participants (and keeps the fairness bound). Cheap, so it runs first."""
    inst = problem.instance
    slots = dict(slots)
    meetings_of = problem.participants_of()
    preds = problem.predecessors()
    succs: dict[int, list[int]] = defaultdict(list)
    for i, ps in preds.items():
        for j in ps:
            succs[j].append(i)
    busy = {p: {slots[i] for i in ms} for p, ms in meetings_of.items()}
    load: dict[int, int] = defaultdict(int)
    for i, t in slots.items():
        if not inst.meetings[i].online:
            load[t] += 1
    counts = {p: _breaks(list(ts)) for p, ts in busy.items()}
    fair = inst.fairness

    def spread() -> int:
        return max(counts.values()) - min(counts.values()) if counts else 0

    def spread_ok(previous: int) -> bool:
        # Within the bound, or no worse than before (a greedy start may be outside it).
        return fair is None or spread() <= max(fair, previous)

    improved = True
    while improved and time.monotonic() < deadline:
        improved = False
        for i in problem.active:
            m = inst.meetings[i]
            a, b = m.participants
            old = slots[i]
            before = counts[a] + counts[b]
            lo = max((slots[j] for j in preds[i]), default=0)
            hi = min((slots[k] for k in succs[i]), default=inst.slots + 1)
            best = None
            for t in problem.allowed[i]:
                if t == old or not lo < t < hi or t in busy[a] or t in busy[b]:
                    continue
                if not m.online and load[t] >= inst.tables:
                    continue
                after = _breaks([*busy[a] - {old}, t]) + _breaks([*busy[b] - {old}, t])
                if after < before and (best is None or after < best[0]):
                    best = (after, t)
            if best is None:
                continue
            t = best[1]
            saved = (counts[a], counts[b])
            was = spread() if fair is not None else 0
            for p in (a, b):
                busy[p].discard(old)
                busy[p].add(t)
                counts[p] = _breaks(list(busy[p]))
            if not spread_ok(was):  # undo
                for p in (a, b):
                    busy[p].discard(t)
                    busy[p].add(old)
                counts[a], counts[b] = saved
                continue
            if not m.online:
                load[old] -= 1
                load[t] += 1
            slots[i] = t
            improved = True
    return slots


def improve(
    problem: Problem,
    slots: dict[int, int],
    deadline: float,
    progress: Progress | None = None,
    seed: int = 0,
) -> dict[int, int]:
    """Return a schedule at least as good as `slots` (complete, for `problem.active`)."""
    inst = problem.instance
    started = time.monotonic()
    rng = random.Random(seed)
    slots = local_moves(problem, slots, deadline)
    meetings_of = problem.participants_of()
    partners: dict = defaultdict(set)
    for i in problem.active:
        a, b = inst.meetings[i].participants
        partners[a].add(b)
        partners[b].add(a)
    preds = problem.predecessors()
    succs: dict[int, list[int]] = defaultdict(list)
    for i, ps in preds.items():
        for j in ps:
            succs[j].append(i)

    def breaks(p) -> int:
        return count_breaks({p: [slots[i] for i in meetings_of[p]]})

    current = {p: breaks(p) for p in meetings_of}
    total = sum(current.values())
    people = sorted(meetings_of, key=str)
    while time.monotonic() < deadline - 0.2 and total > 0:
        with_breaks = [p for p in people if current[p] > 0]
        group = {rng.choice(with_breaks if with_breaks and rng.random() < 0.8 else people)}
        while len(group) < GROUP:
            around = sorted({q for p in group for q in partners[p]} - group, key=str)
            if not around:
                break
            group.add(rng.choice(around))
        free = sorted({i for p in group for i in meetings_of[p]})
        if len(free) < 2:
            continue
        free_set = set(free)
        touched = {q for i in free for q in inst.meetings[i].participants}
        busy = {p: {slots[i] for i in meetings_of[p] if i not in free_set} for p in touched}
        load: dict[int, int] = defaultdict(int)
        for i, t in slots.items():
            if i not in free_set and not inst.meetings[i].online:
                load[t] += 1
        capacity = {t: inst.tables - load[t] for t in range(1, inst.slots + 1)}
        allowed = {}
        for i in free:
            a, b = inst.meetings[i].participants
            lo = max((slots[j] for j in preds[i] if j not in free_set), default=0)
            hi = min((slots[k] for k in succs[i] if k not in free_set), default=inst.slots + 1)
            allowed[i] = [
                t
                for t in problem.allowed[i]
                if lo < t < hi and t not in busy[a] and t not in busy[b]
            ]
        break_range = None
        if inst.fairness is not None:
            others = [current[p] for p in people if p not in touched]
            if others:
                break_range = (max(others) - inst.fairness, min(others) + inst.fairness)
        before = sum(current[p] for p in touched)
        sub = Problem(
            inst,
            free,
            allowed,
            busy=busy,
            capacity=capacity,
            break_range=break_range,
            breaks_below=before,
        )
        result = solve_cp(
            sub,
            optional=False,
            fairness=False,
            deadline=min(deadline, time.monotonic() + STEP_SECONDS),
            workers=1,
            hint={i: slots[i] for i in free},
        )
        if not result.slots:
            continue
        slots.update(result.slots)
        for p in touched:
            current[p] = breaks(p)
        total = sum(current.values())
        if progress:
            progress(total, None, time.monotonic() - started)
    return slots
