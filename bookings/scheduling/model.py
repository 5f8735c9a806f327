"""The CP-SAT core: the encoding of Bofill et al. (JAIR 2022), in named parts.

Variables: `x[m, t]` (meeting m in slot t, only for the slots it may use), `used[p, t]`
(participant p busy at t), `held[p, t]` (p has had a meeting at or before t, an exact
prefix), `endBreak[p, t]` (p is idle at t after a meeting and busy at t + 1). A participant's
breaks are the number of true `endBreak`, i.e. their blocks of busy slots minus one.
Implied constraints: the number of busy slots of p equals the number of p's meetings; the
number of busy participants of a slot is even and at most twice its capacity.

`solve_cp` builds the model (variables, hard constraints, objective, hints), solves it
until the deadline and reads the schedule back.
"""

from __future__ import annotations

import os
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from .greedy import greedy
from .instance import Id
from .problem import Problem, Progress, Result

__all__ = ["Problem", "Progress", "Result", "greedy", "solve_cp"]

WATCH_SECONDS = 0.05  # how often a running search reads the run's clock


@dataclass
class _Model:
    """A CP-SAT model under construction and the variables later parts refer to."""

    problem: Problem
    optional: bool
    cp: cp_model.CpModel = field(default_factory=cp_model.CpModel)
    x: dict[tuple[int, int], cp_model.IntVar] = field(default_factory=dict)
    place: dict[int, object] = field(default_factory=dict)  # 1, or a bool var if optional
    used: dict[tuple[Id, int], object] = field(default_factory=dict)
    breaks: dict[Id, cp_model.IntVar] = field(default_factory=dict)
    online_in_slot: dict[int, int] = field(default_factory=dict)
    meetings_in_slot: dict[int, list[int]] = field(default_factory=dict)
    most_breaks: int = 0  # an upper bound on the total of breaks


def _variables(model: _Model) -> None:
    """`x[m, t]` for the slots m may take; exactly one of them, or `place[m]` of them."""
    for i in model.problem.active:
        lits = []
        for t in model.problem.allowed[i]:
            model.x[i, t] = model.cp.NewBoolVar(f"x{i}_{t}")
            lits.append(model.x[i, t])
        if model.optional:
            model.place[i] = model.cp.NewBoolVar(f"place{i}")
            model.cp.Add(sum(lits) == model.place[i])
        else:
            model.cp.AddExactlyOne(lits)
            model.place[i] = 1
    in_slot: dict[int, list[int]] = defaultdict(list)
    for i, t in model.x:
        in_slot[t].append(i)
    model.meetings_in_slot = in_slot


def _tables(model: _Model) -> None:
    """In-person meetings per slot: at most the tables (left, in a neighbourhood)."""
    problem = model.problem
    inst = problem.instance
    for t, meetings in model.meetings_in_slot.items():
        in_person = [model.x[i, t] for i in meetings if not inst.meetings[i].online]
        model.online_in_slot[t] = len(meetings) - len(in_person)
        tables = inst.tables if problem.capacity is None else problem.capacity.get(t, 0)
        if len(in_person) > tables:
            model.cp.Add(sum(in_person) <= tables)


def _used_flags(model: _Model, p: Id, meetings: list[int], hint) -> None:
    """`used[p, t]`: p has one of their meetings at t (at most one: the sum equals it)."""
    already = model.problem.busy.get(p, set())
    one = model.cp.NewConstant(1)
    for t in range(1, model.problem.instance.slots + 1):
        if t in already:
            model.used[p, t] = one
            continue
        lits = [model.x[i, t] for i in meetings if (i, t) in model.x]
        if not lits:
            continue
        used = model.cp.NewBoolVar(f"used{p}_{t}")
        model.cp.Add(sum(lits) == used)
        model.used[p, t] = used
        if hint is not None:
            model.cp.AddHint(used, any(hint.get(i) == t for i in meetings))
    slots = range(1, model.problem.instance.slots + 1)
    busy = [model.used[p, t] for t in slots if (p, t) in model.used and t not in already]
    placed = sum(model.place[i] for i in meetings)
    model.cp.Add(sum(busy) == placed)  # implied constraint 1
    limit = model.problem.limits.get(p)
    if limit is not None and len(meetings) > limit:
        model.cp.Add(placed <= limit)


def _held_prefix(model: _Model, p: Id, hinted: set[int] | None) -> dict[int, object]:
    """`held[p, t]`, exact: p has had a meeting at or before t (None before any chance)."""
    cp = model.cp
    held: dict[int, object] = {}
    before = None
    for t in range(1, model.problem.instance.slots + 1):
        used = model.used.get((p, t))
        if used is None:
            held[t] = before
            continue
        h = cp.NewBoolVar(f"held{p}_{t}")
        cp.AddImplication(used, h)
        if before is not None:
            cp.AddImplication(before, h)
            cp.AddBoolOr([h.Not(), before, used])
        else:
            cp.Add(h == used)
        held[t] = before = h
        if hinted is not None:
            cp.AddHint(h, any(s <= t for s in hinted))
    return held


def _break_ends(model: _Model, p: Id, held: dict[int, object], hinted) -> list:
    """`endBreak[p, t]`, exact: p idle at t, after a meeting, busy at t + 1."""
    cp = model.cp
    ends = []
    for t in range(1, model.problem.instance.slots):
        busy_next = model.used.get((p, t + 1))
        h = held[t]
        if busy_next is None or h is None:
            continue
        busy_now = model.used.get((p, t))
        end = cp.NewBoolVar(f"end{p}_{t}")
        cp.AddImplication(end, h)
        cp.AddImplication(end, busy_next)
        if busy_now is not None:
            cp.AddImplication(end, busy_now.Not())
            cp.AddBoolOr([h.Not(), busy_now, busy_next.Not(), end])
        else:
            cp.AddBoolOr([h.Not(), busy_next.Not(), end])
        ends.append(end)
        if hinted is not None:
            idle_after = t not in hinted and any(s < t for s in hinted)
            cp.AddHint(end, idle_after and t + 1 in hinted)
    return ends


def _participant_breaks(model: _Model, hint: dict[int, int] | None) -> None:
    """Per participant: used, held, endBreak and their count of breaks."""
    problem = model.problem
    slots = problem.instance.slots
    for p, meetings in problem.participants_of().items():
        already = problem.busy.get(p, set())
        _used_flags(model, p, meetings, hint)
        # A complete hint (auxiliaries too) lets CP-SAT start from the greedy schedule.
        hinted = None
        if hint is not None:
            hinted = set(already) | {hint[i] for i in meetings if i in hint}
        ends = _break_ends(model, p, _held_prefix(model, p, hinted), hinted)
        most = max(0, min(len(meetings) + len(already) - 1, (slots - 1) // 2, len(ends)))
        model.most_breaks += most
        count = model.cp.NewIntVar(0, most, f"breaks{p}")
        if problem.break_range is not None:
            model.cp.AddLinearConstraint(count, *problem.break_range)
        model.cp.Add(count == sum(ends))
        model.breaks[p] = count
        if hinted is not None:
            ordered = sorted(hinted)
            gaps = sum(1 for k in range(1, len(ordered)) if ordered[k] > ordered[k - 1] + 1)
            model.cp.AddHint(count, gaps)


def _slot_parity(model: _Model) -> None:
    """Implied constraint 2 and parity: busy participants of a slot, an even number at
    most twice its capacity (not in a neighbourhood, which sees only some participants)."""
    problem = model.problem
    if problem.busy:
        return
    people = problem.participants_of()
    for t in range(1, problem.instance.slots + 1):
        busy = [model.used[p, t] for p in people if (p, t) in model.used]
        if not busy:
            continue
        cap = min(problem.instance.tables + model.online_in_slot[t], len(model.meetings_in_slot[t]))
        pairs = model.cp.NewIntVar(0, cap, f"pairs{t}")
        model.cp.Add(sum(busy) == 2 * pairs)


def _precedences(model: _Model) -> None:
    """Strictly after: m at t excludes each predecessor at t' >= t."""
    allowed = model.problem.allowed
    for i, preds in model.problem.predecessors().items():
        for j in preds:
            for t in allowed[i]:
                late = [model.x[j, s] for s in allowed[j] if s >= t]
                if late:
                    model.cp.AddAtMostOne([model.x[i, t], *late])


def _fairness(model: _Model) -> None:
    """max - min breaks <= d over the participants with meetings (when all are placed)."""
    cp, inst = model.cp, model.problem.instance
    top = cp.NewIntVar(0, inst.slots, "max_breaks")
    low = cp.NewIntVar(0, inst.slots, "min_breaks")
    for count in model.breaks.values():
        cp.Add(top >= count)
        cp.Add(low <= count)
    constraint = cp.Add(top - low <= inst.fairness)
    if model.optional:
        active = model.problem.active
        everything = cp.NewBoolVar("all_placed")
        cp.AddBoolAnd([model.place[i] for i in active]).OnlyEnforceIf(everything)
        cp.AddBoolOr([model.place[i].Not() for i in active] + [everything])
        constraint.OnlyEnforceIf(everything)


def _objective(model: _Model):
    """Lexicographic: meetings placed (published ones first, priorities), then breaks,
    then moves. Returns the breaks expression and its weight in the objective."""
    problem = model.problem
    moved = []
    for i, t in problem.previous.items():
        if i in model.place:
            moved.append(model.x[i, t].Not() if (i, t) in model.x else 1)
    breaks_weight = len(moved) + 1
    breaks = sum(model.breaks.values())
    if problem.breaks_below is not None:
        model.cp.Add(breaks < problem.breaks_below)
    objective = breaks_weight * breaks + sum(moved)
    if model.optional:
        # Published meetings weigh more than all the new ones together: they are kept first;
        # a meeting of priority p weighs as 1 + p others.
        place_weight = breaks_weight * (model.most_breaks + 1)
        weight = {i: 1 + problem.instance.meetings[i].priority for i in problem.active}
        published_weight = place_weight * (sum(weight.values()) + 1)
        objective += sum(
            (published_weight if i in problem.published else place_weight * weight[i])
            * (1 - model.place[i])
            for i in problem.active
        )
    model.cp.Minimize(objective)
    return breaks, breaks_weight


def _hints(model: _Model, hint: dict[int, int] | None) -> None:
    """The starting schedule for the meeting variables (the auxiliaries have theirs)."""
    if hint is None:
        return
    for (i, t), var in model.x.items():
        model.cp.AddHint(var, hint.get(i) == t)
    if model.optional:
        for i in model.problem.active:
            model.cp.AddHint(model.place[i], i in hint)


class _Callback(cp_model.CpSolverSolutionCallback):
    """Reports improving solutions and stops the search when the deadline has passed."""

    def __init__(self, breaks_expr, scale: int, optional: bool, progress, stop) -> None:
        super().__init__()
        self._breaks = breaks_expr
        self._scale = scale
        self._optional = optional
        self._progress = progress
        self._stop = stop
        self._best: int | None = None

    def on_solution_callback(self) -> None:
        if self._stop():
            self.StopSearch()
        if self._progress is None:
            return
        value = int(self.Value(self._breaks))
        if self._best is not None and value >= self._best and not self._optional:
            return
        self._best = value
        bound = None if self._optional else max(0, int(self.BestObjectiveBound()) // self._scale)
        self._progress(value, bound, self.WallTime())


@dataclass
class SearchLimits:
    """When a CP-SAT search stops: `deadline` on `clock` (times `share` of what is left),
    with `workers` threads and a `seed`."""

    deadline: float
    clock: object = time.monotonic
    share: float = 1.0
    workers: int | None = None
    seed: int = 0


def _run(model: _Model, limits: SearchLimits, breaks, weight, progress):
    solver = cp_model.CpSolver()
    # The time left after building the model (`share` of it), so the limit holds overall.
    left = (limits.deadline - limits.clock()) * limits.share
    solver.parameters.max_time_in_seconds = max(0.1, left)
    solver.parameters.num_workers = limits.workers or min(8, max(2, os.cpu_count() or 2))
    solver.parameters.random_seed = limits.seed

    def stop() -> bool:
        return limits.clock() >= limits.deadline

    callback = _Callback(breaks, weight, model.optional, progress, stop)
    done = threading.Event()
    watcher = threading.Thread(target=_watch, args=(solver, stop, done), daemon=True)
    watcher.start()
    try:
        status = solver.Solve(model.cp, callback)
    finally:
        done.set()
        watcher.join()
    return solver, status


def _watch(solver, stop, done: threading.Event) -> None:
    """Stops the search when the run's clock says so, between solutions too (CP-SAT
    also has its own time limit, converted from that clock when the search started)."""
    while not done.wait(WATCH_SECONDS):
        if stop():
            solver.stop_search()
            return


def _read_back(model: _Model, solver, status, breaks, weight) -> Result:
    name = solver.StatusName(status)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return Result(slots={}, status=name, bound=None, breaks=0)
    slots = {i: t for (i, t), v in model.x.items() if solver.BooleanValue(v)}
    bound = None
    if not model.optional or len(slots) == len(model.problem.active):
        # With every meeting placed the place term is zero, so the bound holds for breaks.
        bound = max(0, int(solver.BestObjectiveBound()) // weight)
    return Result(slots=slots, status=name, bound=bound, breaks=int(solver.Value(breaks)))


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
    clock=time.monotonic,
    seed: int = 0,
) -> Result:
    """Build and solve the model until `deadline` (on `clock`).

    `optional`: meetings may be left out (`place[m]`), and the objective is lexicographic:
    most meetings placed, then fewest breaks, then fewest moves. Otherwise every meeting
    must be placed. `fairness` applies the instance's bound d (when every meeting is placed).
    """
    model = _Model(problem, optional)
    _variables(model)
    _tables(model)
    _participant_breaks(model, hint)
    _slot_parity(model)
    _precedences(model)
    if fairness and problem.instance.fairness is not None and model.breaks:
        _fairness(model)
    breaks, weight = _objective(model)
    _hints(model, hint)
    if clock() >= deadline:  # building took the time left: no search, nothing found
        return Result(slots={}, status="UNKNOWN", bound=None, breaks=0)
    limits = SearchLimits(deadline, clock, share, workers, seed)
    solver, status = _run(model, limits, breaks, weight, progress)
    return _read_back(model, solver, status, breaks, weight)
