"""Automatic B2B meeting scheduling (no Django here: plain Python, PySAT and OR-Tools).

    from bookings.scheduling import parse_instance, solve
    solution = solve(parse_instance(data), time_limit=60)
    solution.to_json()  # a `primi-b2b-solution/1` document

Meetings are placed as many as possible first, then breaks are minimised (with the
instance's fairness bound when every meeting is placed), then, when rescheduling with
moves allowed, the number of moved meetings. Complete schedules come from core-guided
MaxSAT (`maxsat.py`), which proves the optimum; CP-SAT (`model.py`) handles moves and
partial placement, and large events are improved by neighbourhoods (`lns.py`).
"""

from __future__ import annotations

import time
from collections import defaultdict

from . import lns
from .bounds import lower_bound
from .instance import FORMAT, Id, Instance, InstanceError, Meeting, parse_instance
from .limits import select_within_limits
from .maxsat import solve_maxsat
from .model import Problem, Progress, Result, greedy, solve_cp
from .reasons import explain, presolve_reasons
from .solution import Assignment, Solution, Unscheduled, count_breaks
from .tables import assign_tables

__all__ = [
    "FORMAT",
    "Assignment",
    "Instance",
    "InstanceError",
    "Meeting",
    "Solution",
    "Unscheduled",
    "parse_instance",
    "solve",
]


def _previous_map(instance: Instance, previous) -> dict[Id, tuple[int, int | None]]:
    out: dict[Id, tuple[int, int | None]] = {}
    for row in previous or ():
        if isinstance(row, Assignment):
            mid, slot, table = row.meeting, row.slot, row.table
        else:
            mid, slot, table = row["meeting"], row["slot"], row.get("table")
        if mid in instance.index and isinstance(slot, int) and 1 <= slot <= instance.slots:
            out[mid] = (slot, table)
    return out


def _fair(instance: Instance, slots: dict[int, int]) -> bool:
    if instance.fairness is None:
        return True
    busy: dict[Id, list[int]] = defaultdict(list)
    for i, t in slots.items():
        for p in instance.meetings[i].participants:
            busy[p].append(t)
    counts = [count_breaks({p: ts}) for p, ts in busy.items()]
    return not counts or max(counts) - min(counts) <= instance.fairness


def count_breaks_of(problem: Problem, slots: dict[int, int]) -> int:
    busy: dict[Id, list[int]] = defaultdict(list)
    for i, t in slots.items():
        for p in problem.instance.meetings[i].participants:
            busy[p].append(t)
    return count_breaks(busy)


LARGE = 30_000  # meeting-slot pairs above which one model is not built


def large(problem: Problem) -> bool:
    return sum(len(slots) for slots in problem.allowed.values()) > LARGE


def solve(
    instance: Instance,
    time_limit: float = 60.0,
    workers: int | None = None,
    previous=None,
    allow_moves: bool = False,
    progress: Progress | None = None,
) -> Solution:
    """Schedule the meetings of `instance` within about `time_limit` seconds.

    `previous`: the assignments of a published solution (dicts or `Assignment`). Without
    `allow_moves` its meetings keep their slots (where still allowed); with it they may
    move, and the number moved is minimised after placement and breaks, and reported.
    `progress(best_breaks, bound, elapsed_seconds)` is called on each improving solution.
    """
    started = time.monotonic()
    # Keep a little time for tables and reasons so that the limit holds overall.
    deadline = started + time_limit - min(2.0, 0.05 * time_limit)
    prev = _previous_map(instance, previous)
    pre = presolve_reasons(instance)
    # Per-participant limits: the meetings that cannot all be placed are chosen first.
    candidates = [i for i, m in enumerate(instance.meetings) if m.id not in pre]
    kept_first = {i for i in candidates if instance.meetings[i].fixed is not None}
    kept_first |= {instance.index[mid] for mid in prev} & set(candidates)
    pre.update(select_within_limits(instance, candidates, kept_first, started + 0.1 * time_limit))
    active = [i for i, m in enumerate(instance.meetings) if m.id not in pre]
    allowed = {}
    for i in active:
        m = instance.meetings[i]
        slots = instance.allowed_slots(m)
        old = prev.get(m.id)
        if old and not allow_moves and old[0] in slots:
            slots = [old[0]]
        allowed[i] = slots
    moves = {instance.index[mid]: old[0] for mid, old in prev.items()} if allow_moves else {}
    moves = {i: t for i, t in moves.items() if i in allowed}
    published = {instance.index[mid] for mid in prev} & set(allowed)
    problem = Problem(
        instance,
        active,
        allowed,
        previous=moves,
        published=published,
        limits=dict(instance.max_meetings),
    )
    start = greedy(problem)
    if len(start) == len(active):
        start = lns.local_moves(problem, start, deadline)
    everything_possible = not pre
    # A fair, complete greedy schedule is a valid answer on its own.
    fallback = start if len(start) == len(active) and _fair(instance, start) else None

    if large(problem) and fallback is not None:
        # Too big for one model within the limit: improve the greedy schedule piecewise.
        # Tables, reasons and the recount take a few seconds at that size: stop earlier.
        slots = lns.improve(problem, start, deadline - 0.05 * time_limit, progress)
        status = "infeasible" if pre else "feasible"
        bound = None if pre else lower_bound(problem, fairness=True)
        if bound is not None and bound >= count_breaks_of(problem, slots):
            status = "optimal"
        return _build(instance, slots, status, bound, started, prev, pre, previous)
    # The core: MaxSAT (RC2) proves the fewest breaks with every meeting placed. It has no
    # solution until it has the optimum, so without a complete, fair greedy schedule the
    # SAT oracle first looks for any (a quarter of the time at most), and the last fifth of
    # the time is kept to improve that schedule by neighbourhoods should RC2 not finish.
    lower = None
    maxsat_infeasible = False
    if not moves and active:
        now = time.monotonic()
        left = max(0.0, deadline - now)
        result = solve_maxsat(
            problem,
            fairness=everything_possible,
            deadline=now + (0.85 if fallback is not None else 0.8) * left,
            first_by=None if fallback is not None else now + 0.25 * left,
            best_known=count_breaks_of(problem, fallback) if fallback is not None else None,
            hint=start,
            progress=progress,
            started=started,
        )
        if result.status == "OPTIMAL":
            status = "infeasible" if pre else "optimal"
            bound = None if pre else result.bound
            slots = result.slots
            return _build(instance, slots, status, bound, started, prev, pre, previous)
        maxsat_infeasible = result.status == "INFEASIBLE"
        lower = result.bound
        if result.slots:  # complete (and fair when it must be), from the SAT oracle
            start = fallback = result.slots
        if fallback is not None and lower is not None:
            # RC2 ran out of time with a bound proven: improve the complete schedule by
            # re-solving small neighbourhoods (as for large events) for the time left.
            slots = lns.improve(problem, fallback, deadline, progress)
            found = count_breaks_of(problem, slots)
            status = "infeasible" if pre else ("optimal" if lower >= found else "feasible")
            bound = None if pre else lower
            return _build(instance, slots, status, bound, started, prev, pre, previous)
    share = 1.0 if len(start) == len(active) else 0.6
    strict = Result(slots={}, status="INFEASIBLE", bound=None, breaks=0)
    if not maxsat_infeasible:
        strict = solve_cp(
            problem,
            optional=False,
            fairness=everything_possible,
            deadline=deadline,
            share=share,
            workers=workers,
            hint=start,
            progress=progress,
        )
    if strict.status == "FEASIBLE" and share < 1.0 and deadline - time.monotonic() > 1.0:
        # Time was kept for placing fewer meetings, and is not needed: go on improving.
        again = solve_cp(
            problem,
            optional=False,
            fairness=everything_possible,
            deadline=deadline,
            workers=workers,
            hint=strict.slots,
            progress=progress,
        )
        if again.slots and again.breaks <= strict.breaks:
            strict = again
    if fallback is not None and (
        not strict.slots or count_breaks_of(problem, fallback) < strict.breaks
    ):
        strict = Result(fallback, "FEASIBLE", strict.bound, count_breaks_of(problem, fallback))
    if strict.slots and lower is not None:
        strict.bound = max(strict.bound or 0, lower)
        if strict.bound >= strict.breaks:
            strict.status = "OPTIMAL"
    proven_incomplete = bool(pre)
    if strict.slots:
        slots, bound = strict.slots, strict.bound
        status = "optimal" if strict.status == "OPTIMAL" else "feasible"
    elif fallback is not None and (not everything_possible or _fair(instance, fallback)):
        slots, bound, status = fallback, lower, "feasible"
        if lower is not None and lower >= count_breaks_of(problem, fallback):
            status = "optimal"
    else:
        proven_incomplete = proven_incomplete or strict.status == "INFEASIBLE"
        partial = solve_cp(
            problem,
            optional=True,
            fairness=everything_possible,
            deadline=deadline,
            workers=workers,
            hint=start,
            progress=progress,
        )
        if partial.slots or not start:
            slots, bound = partial.slots, partial.bound
        else:
            slots, bound = dict(start), None
            if len(slots) == len(active) and not _fair(instance, slots):
                # A complete but unfair greedy schedule is not an answer: hand back a
                # partial one, without the last meeting of the instance (status unknown).
                slots.pop(max(slots))
        complete = len(slots) == len(active)
        if partial.status == "OPTIMAL" and not complete:
            proven_incomplete = True
        if complete and everything_possible:
            status = "optimal" if partial.status == "OPTIMAL" else "feasible"
        else:
            status = "infeasible" if proven_incomplete else "unknown"
    if pre:
        status = "infeasible"
    if not everything_possible or len(slots) < len(active):
        bound = None
    return _build(instance, slots, status, bound, started, prev, pre, previous)


def _build(instance, slots, status, bound, started, prev, pre, previous) -> Solution:
    """Tables, reasons and the recount of breaks around the slots chosen; `pre`: the
    reasons known before the search (presolve and limits)."""
    by_id = {instance.meetings[i].id: t for i, t in slots.items()}
    tables = assign_tables(instance, by_id, prev)
    assignments = [
        Assignment(m.id, by_id[m.id], tables[m.id]) for m in instance.meetings if m.id in by_id
    ]
    left_out = [m.id for m in instance.meetings if m.id not in by_id]
    reasons = explain(instance, left_out, set(by_id), proven=status != "unknown", known=pre)
    busy: dict[Id, list[int]] = defaultdict(list)
    for m in instance.meetings:
        if m.id in by_id:
            for p in m.participants:
                busy[p].append(by_id[m.id])
    breaks = count_breaks(busy)
    if bound is not None:
        bound = min(bound, breaks)
    moved = None
    if previous is not None:
        moved = sum(1 for mid, (t, _) in prev.items() if by_id.get(mid) != t)
    return Solution(
        instance=instance.name,
        status=status,
        breaks=breaks,
        bound=bound,
        seconds=time.monotonic() - started,
        assignments=assignments,
        unscheduled=[Unscheduled(mid, reasons[mid][1], reasons[mid][0]) for mid in left_out],
        moved=moved,
    )
