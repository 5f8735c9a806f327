"""The CP-SAT core: the encoding of Bofill et al. (JAIR 2022) with a greedy start.

Variables: `x[m, t]` (meeting m in slot t, only for the slots it may use), `used[p, t]`
(participant p busy at t), `held[p, t]` (p has had a meeting at or before t, an exact
prefix), `endBreak[p, t]` (p is idle at t after a meeting and busy at t + 1). A participant's
breaks are the number of true `endBreak`, i.e. their blocks of busy slots minus one.
Implied constraints: the number of busy slots of p equals the number of p's meetings; the
number of busy participants of a slot is even and at most twice its capacity.
"""

from __future__ import annotations

import heapq
import itertools
import os
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from .instance import Id, Instance

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


@dataclass
class Result:
    slots: dict[int, int]  # meeting index -> slot
    status: str  # the CP-SAT status name, or GREEDY
    bound: int | None  # proven lower bound on breaks (complete schedules), or None
    breaks: int


def greedy(problem: Problem) -> dict[int, int]:
    """First fit in precedence order, most constrained first, choosing the slot that adds
    the fewest breaks to the two participants. May leave meetings out."""
    inst = problem.instance
    preds = problem.predecessors()
    succs: dict[int, list[int]] = defaultdict(list)
    waiting = {i: len(ps) for i, ps in preds.items()}
    for i, ps in preds.items():
        for j in ps:
            succs[j].append(i)

    def priority(i: int) -> tuple:
        return (
            0 if i in problem.published else 1,
            -inst.meetings[i].priority,
            len(problem.allowed[i]),
            i,
        )

    heap = [(priority(i), i) for i in problem.active if waiting[i] == 0]
    heapq.heapify(heap)
    busy: dict[Id, set[int]] = defaultdict(set)
    load: dict[int, int] = defaultdict(int)
    placed: dict[int, int] = {}
    dropped: set[int] = set()

    def breaks_of(slots: set[int]) -> int:
        ordered = sorted(slots)
        return sum(1 for a, b in itertools.pairwise(ordered) if b > a + 1)

    while heap:
        _, i = heapq.heappop(heap)
        m = inst.meetings[i]
        a, b = m.participants
        earliest = max((placed[j] for j in preds[i] if j in placed), default=0)
        if any(j in dropped for j in preds[i]):
            earliest = inst.slots + 1  # keep strict precedence simple: drop it too
        if any(len(busy[p]) >= problem.limits.get(p, len(busy[p]) + 1) for p in (a, b)):
            earliest = inst.slots + 1  # a participant has reached their limit
        best = None
        for t in problem.allowed[i]:
            if t <= earliest or t in busy[a] or t in busy[b]:
                continue
            if not m.online and load[t] >= inst.tables:
                continue
            cost = 0
            for p in (a, b):
                if busy[p]:
                    cost += breaks_of(busy[p] | {t}) - breaks_of(busy[p])
            keep = 0 if problem.previous.get(i) == t else 1
            key = (keep, cost, load[t], t)
            if best is None or key < best[0]:
                best = (key, t)
        if best is None:
            dropped.add(i)
        else:
            t = best[1]
            placed[i] = t
            busy[a].add(t)
            busy[b].add(t)
            if not m.online:
                load[t] += 1
        for k in succs[i]:
            waiting[k] -= 1
            if waiting[k] == 0:
                heapq.heappush(heap, (priority(k), k))
    return placed


class _Callback(cp_model.CpSolverSolutionCallback):
    def __init__(self, breaks_expr, scale: int, optional: bool, progress: Progress) -> None:
        super().__init__()
        self._breaks = breaks_expr
        self._scale = scale
        self._optional = optional
        self._progress = progress
        self._best: int | None = None

    def on_solution_callback(self) -> None:
        value = int(self.Value(self._breaks))
        if self._best is not None and value >= self._best and not self._optional:
            return
        self._best = value
        bound = None if self._optional else max(0, int(self.BestObjectiveBound()) // self._scale)
        self._progress(value, bound, self.WallTime())


def solve_cp(
    problem: Problem,
    *,
    optional: bool,
    fairness: bool,
    deadline: float,
    share: float = 1.0,
    workers: int | None = None,
    hint: dict[int, int] | None = None,
    progress: Progress | None = None,
) -> Result:
    """Build and solve the model.

    `optional`: meetings may be left out (`place[m]`), and the objective is lexicographic:
    most meetings placed, then fewest breaks, then fewest moves. Otherwise every meeting
    must be placed. `fairness` applies the instance's bound d (when every meeting is placed).
    """
    inst = problem.instance
    T = inst.slots
    mdl = cp_model.CpModel()
    x: dict[tuple[int, int], cp_model.IntVar] = {}
    place: dict[int, object] = {}
    for i in problem.active:
        lits = []
        for t in problem.allowed[i]:
            x[i, t] = mdl.NewBoolVar(f"x{i}_{t}")
            lits.append(x[i, t])
        if optional:
            place[i] = mdl.NewBoolVar(f"place{i}")
            mdl.Add(sum(lits) == place[i])
        else:
            mdl.AddExactlyOne(lits)
            place[i] = 1

    # Tables: in-person meetings per slot.
    by_slot: dict[int, list[int]] = defaultdict(list)
    for i, t in x:
        by_slot[t].append(i)
    online_in_slot: dict[int, int] = defaultdict(int)
    for t, ms in by_slot.items():
        in_person = [x[i, t] for i in ms if not inst.meetings[i].online]
        online_in_slot[t] = len(ms) - len(in_person)
        tables = inst.tables if problem.capacity is None else problem.capacity.get(t, 0)
        if len(in_person) > tables:
            mdl.Add(sum(in_person) <= tables)

    # Per participant: used, held (exact prefix), endBreak, breaks.
    by_p = problem.participants_of()
    used: dict[tuple[Id, int], object] = {}
    brk: dict[Id, cp_model.IntVar] = {}
    ub_total = 0
    one = mdl.NewConstant(1)
    for p, ms in by_p.items():
        already = problem.busy.get(p, set())
        degree = len(ms) + len(already)
        for t in range(1, T + 1):
            if t in already:
                used[p, t] = one
                continue
            lits = [x[i, t] for i in ms if (i, t) in x]
            if not lits:
                continue
            u = mdl.NewBoolVar(f"used{p}_{t}")
            mdl.Add(sum(lits) == u)  # also: at most one meeting per participant and slot
            used[p, t] = u
            if hint is not None:
                mdl.AddHint(u, any(hint.get(i) == t for i in ms))
        busy = [used[p, t] for t in range(1, T + 1) if (p, t) in used and t not in already]
        mdl.Add(sum(busy) == sum(place[i] for i in ms))  # implied constraint 1
        limit = problem.limits.get(p)
        if limit is not None and len(ms) > limit:
            mdl.Add(sum(place[i] for i in ms) <= limit)
        # A complete hint (auxiliaries too) lets CP-SAT start from the greedy schedule.
        hinted = set(already) | {hint[i] for i in ms if i in hint} if hint is not None else None
        held_prev = None
        ends = []
        held: dict[int, object] = {}
        for t in range(1, T + 1):
            u = used.get((p, t))
            if u is None:
                held[t] = held_prev
                continue
            h = mdl.NewBoolVar(f"held{p}_{t}")
            mdl.AddImplication(u, h)
            if held_prev is not None:
                mdl.AddImplication(held_prev, h)
                mdl.AddBoolOr([h.Not(), held_prev, u])
            else:
                mdl.Add(h == u)
            held[t] = h
            held_prev = h
            if hinted is not None:
                mdl.AddHint(h, any(s <= t for s in hinted))
        for t in range(1, T):
            u1 = used.get((p, t + 1))
            h = held[t]
            if u1 is None or h is None:
                continue
            u0 = used.get((p, t))
            e = mdl.NewBoolVar(f"end{p}_{t}")
            mdl.AddImplication(e, h)
            mdl.AddImplication(e, u1)
            if u0 is not None:
                mdl.AddImplication(e, u0.Not())
                mdl.AddBoolOr([h.Not(), u0, u1.Not(), e])
            else:
                mdl.AddBoolOr([h.Not(), u1.Not(), e])
            ends.append(e)
            if hinted is not None:
                mdl.AddHint(e, t not in hinted and t + 1 in hinted and any(s < t for s in hinted))
        ub = max(0, min(degree - 1, (T - 1) // 2, len(ends)))
        ub_total += ub
        b = mdl.NewIntVar(0, ub, f"breaks{p}")
        if problem.break_range is not None:
            mdl.AddLinearConstraint(b, *problem.break_range)
        mdl.Add(b == sum(ends))
        brk[p] = b
        if hinted is not None:
            ordered = sorted(hinted)
            mdl.AddHint(
                b, sum(1 for k in range(1, len(ordered)) if ordered[k] > ordered[k - 1] + 1)
            )

    # Implied constraint 2 and parity: busy participants per slot.
    for t in range(1, T + 1):
        busy = [used[p, t] for p in by_p if (p, t) in used]
        if not busy or problem.busy:  # a neighbourhood sees only some of the participants
            continue
        cap = min(inst.tables + online_in_slot[t], len(by_slot[t]))
        pairs = mdl.NewIntVar(0, cap, f"pairs{t}")
        mdl.Add(sum(busy) == 2 * pairs)

    # Precedences, strictly after: m at t excludes each predecessor at t' >= t.
    for i, ps in problem.predecessors().items():
        for j in ps:
            for t in problem.allowed[i]:
                late = [x[j, s] for s in problem.allowed[j] if s >= t]
                if late:
                    mdl.AddAtMostOne([x[i, t], *late])

    # Fairness: max - min breaks <= d over the participants with meetings.
    if fairness and inst.fairness is not None and brk:
        top = mdl.NewIntVar(0, T, "max_breaks")
        low = mdl.NewIntVar(0, T, "min_breaks")
        for b in brk.values():
            mdl.Add(top >= b)
            mdl.Add(low <= b)
        constraint = mdl.Add(top - low <= inst.fairness)
        if optional:
            everything = mdl.NewBoolVar("all_placed")
            mdl.AddBoolAnd([place[i] for i in problem.active]).OnlyEnforceIf(everything)
            mdl.AddBoolOr([place[i].Not() for i in problem.active] + [everything])
            constraint.OnlyEnforceIf(everything)

    # Moves (rescheduling): a meeting off its previous slot counts once.
    moved = []
    for i, t in problem.previous.items():
        if i not in place:
            continue
        if (i, t) in x:
            moved.append(x[i, t].Not())
        else:
            moved.append(1)
    w_breaks = len(moved) + 1
    breaks_expr = sum(brk.values())
    if problem.breaks_below is not None:
        mdl.Add(breaks_expr < problem.breaks_below)
    objective = w_breaks * breaks_expr + sum(moved)
    if optional:
        # Published meetings weigh more than all the new ones together: they are kept first;
        # a meeting of priority p weighs as 1 + p others.
        w_place = w_breaks * (ub_total + 1)
        weight = {i: 1 + inst.meetings[i].priority for i in problem.active}
        w_published = w_place * (sum(weight.values()) + 1)
        objective += sum(
            (w_published if i in problem.published else w_place * weight[i]) * (1 - place[i])
            for i in problem.active
        )
    mdl.Minimize(objective)

    for (i, t), v in x.items():
        if hint is not None:
            mdl.AddHint(v, hint.get(i) == t)
    if hint is not None and optional:
        for i in problem.active:
            mdl.AddHint(place[i], i in hint)

    solver = cp_model.CpSolver()
    # The time left after building the model (`share` of it), so the limit holds overall.
    solver.parameters.max_time_in_seconds = max(0.1, (deadline - time.monotonic()) * share)
    solver.parameters.num_workers = workers or min(8, max(2, os.cpu_count() or 2))
    solver.parameters.random_seed = 0
    callback = _Callback(breaks_expr, w_breaks, optional, progress) if progress else None
    status = solver.Solve(mdl, callback)
    name = solver.StatusName(status)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return Result(slots={}, status=name, bound=None, breaks=0)
    slots = {i: t for (i, t), v in x.items() if solver.BooleanValue(v)}
    bound = None
    if not optional or len(slots) == len(problem.active):
        # With every meeting placed the place term is zero, so the bound holds for breaks.
        bound = max(0, int(solver.BestObjectiveBound()) // w_breaks)
    return Result(slots=slots, status=name, bound=bound, breaks=int(solver.Value(breaks_expr)))
