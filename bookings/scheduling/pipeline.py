"""The scheduling pipeline, one named stage after another.

1. presolve: meetings no schedule can place (with their reasons), the choice of meetings
   kept under `max_meetings`, the slots each remaining meeting may take;
2. greedy start: a first schedule, improved by local moves; then, when it is not complete,
   a cheap count that may prove no schedule is (infeasibility first: straight to 6);
3. large-event search: too big for one model, improve the greedy schedule piecewise;
4. MaxSAT (RC2): the fewest breaks with every meeting placed, proven;
5. CP-SAT on the complete problem, when MaxSAT was skipped (moves) or ran out of time;
6. partial placement: the most meetings (by priority), then breaks, when not all fit;
7. finish: tables, reasons for each meeting left out, the recount of breaks.
Every stage stops at the run's one `Deadline`.
"""

from __future__ import annotations

import platform
from dataclasses import dataclass, field
from importlib import metadata

from . import lns
from .bounds import cannot_be_complete, lower_bound
from .deadline import Deadline
from .greedy import greedy
from .instance import Id, Instance
from .limits import select_within_limits
from .maxsat import OPTIONS as MAXSAT_OPTIONS
from .maxsat import SOLVER as MAXSAT_ORACLE
from .maxsat_process import solve_maxsat_isolated
from .model import solve_cp
from .problem import Problem, Progress, Result, busy_slots
from .reasons import explain, presolve_reasons
from .solution import Assignment, Solution, Unscheduled, count_breaks
from .tables import assign_tables

LARGE = 30_000  # meeting-slot pairs above which one model is not built


@dataclass
class Run:
    """One call of `solve`: the problem handed to the stages and what they share."""

    instance: Instance
    deadline: Deadline
    problem: Problem
    # Meeting id -> (code, reason), for the meetings left out before the search.
    known_reasons: dict[Id, tuple[str, str]]
    # The published solution when rescheduling: meeting id -> (slot, table).
    published_slots: dict[Id, tuple[int, int | None]]
    rescheduling: bool
    workers: int | None = None
    progress: Progress | None = None
    seed: int = 0
    start: dict[int, int] = field(default_factory=dict)  # the greedy schedule
    fallback: dict[int, int] | None = None  # a complete (and fair) schedule at hand
    proven: bool = False  # the last stage ended by a proof (not by the clock)

    @property
    def everything_possible(self) -> bool:
        """No meeting was ruled out before the search: fairness applies."""
        return not self.known_reasons


def large(problem: Problem) -> bool:
    return sum(len(slots) for slots in problem.allowed.values()) > LARGE


def solve(
    instance: Instance,
    time_limit: float = 60.0,
    workers: int | None = None,
    previous=None,
    allow_moves: bool = False,
    progress: Progress | None = None,
    *,
    seed: int | None = None,
    deadline: Deadline | None = None,
) -> Solution:
    """Schedule the meetings of `instance` within `time_limit` seconds.

    `previous`: the assignments of a published solution (dicts or `Assignment`). Without
    `allow_moves` its meetings keep their slots (where still allowed); with it they may
    move, and the number moved is minimised after placement and breaks, and reported.
    `progress(best_breaks, bound, elapsed_seconds)` is called on each improving solution.
    `seed`: of the randomised searches (default: the instance's `seed`, else 0).
    `deadline`: the run's clock and limit, when counted from earlier than this call (the
    process or the job start) or on a clock of the caller's; `time_limit` is then unused.
    """
    deadline = deadline or Deadline(time_limit)
    run = presolve(instance, deadline, previous, allow_moves)
    run.workers, run.progress = workers, progress
    run.seed = instance.seed if seed is None else seed
    greedy_start(run)
    if run.fallback is None and cannot_be_complete(run.problem, run.everything_possible):
        # Infeasibility first: said by a count, then the time goes to placing the most.
        return finish(run, *partial_placement(run, proven_incomplete=True))
    if large(run.problem) and run.fallback is not None:
        return large_event_search(run)
    lower, proven_incomplete = None, False
    if not run.problem.previous and run.problem.active:
        outcome = maxsat_search(run)
        if isinstance(outcome, Solution):
            return outcome
        lower, proven_incomplete = outcome
    complete = complete_search(run, lower, proven_incomplete)
    if complete.slots:
        status = "optimal" if complete.status == "OPTIMAL" else "feasible"
        return finish(run, complete.slots, status, complete.bound)
    # No complete schedule: proven impossible when MaxSAT or CP-SAT said so.
    return finish(run, *partial_placement(run, complete.status == "INFEASIBLE"))


def published_map(instance: Instance, previous) -> dict[Id, tuple[int, int | None]]:
    """The previous solution's rows (dicts or `Assignment`) still in range, by meeting id."""
    out: dict[Id, tuple[int, int | None]] = {}
    for row in previous or ():
        if isinstance(row, Assignment):
            meeting, slot, table = row.meeting, row.slot, row.table
        else:
            meeting, slot, table = row["meeting"], row["slot"], row.get("table")
        if meeting in instance.index and isinstance(slot, int) and 1 <= slot <= instance.slots:
            out[meeting] = (slot, table)
    return out


def presolve(instance: Instance, deadline: Deadline, previous, allow_moves: bool) -> Run:
    """Stage 1: leave out what no schedule can place, choose the meetings kept under the
    per-participant limits, and restrict each meeting to the slots it may take (its
    published slot, when rescheduling without moves)."""
    published_slots = published_map(instance, previous)
    known = presolve_reasons(instance)
    candidates = [i for i, m in enumerate(instance.meetings) if m.id not in known]
    kept_first = {i for i in candidates if instance.meetings[i].fixed is not None}
    kept_first |= {instance.index[mid] for mid in published_slots} & set(candidates)
    limits_end = deadline.started + 0.1 * deadline.limit
    known.update(select_within_limits(instance, candidates, kept_first, limits_end, deadline.clock))
    active = [i for i, m in enumerate(instance.meetings) if m.id not in known]
    allowed = {}
    for i in active:
        meeting = instance.meetings[i]
        slots = instance.allowed_slots(meeting)
        old = published_slots.get(meeting.id)
        if old and not allow_moves and old[0] in slots:
            slots = [old[0]]
        allowed[i] = slots
    by_index = {instance.index[mid]: old[0] for mid, old in published_slots.items()}
    moves = {i: t for i, t in by_index.items() if i in allowed} if allow_moves else {}
    problem = Problem(
        instance,
        active,
        allowed,
        previous=moves,
        published=set(by_index) & set(allowed),
        limits=dict(instance.max_meetings),
    )
    return Run(instance, deadline, problem, known, published_slots, previous is not None)


def greedy_start(run: Run) -> None:
    """Stage 2: the greedy schedule, improved by local moves when complete; kept as the
    fallback answer when it is complete and fair."""
    problem = run.problem
    run.start = greedy(problem)
    if problem.complete(run.start):
        deadline = run.deadline
        run.start = lns.local_moves(problem, run.start, deadline.search_end, deadline.clock)
        if problem.fair(run.start):
            run.fallback = run.start


def large_event_search(run: Run) -> Solution:
    """Stage 3: too big for one model within the limit, improve the greedy schedule by
    neighbourhoods. Tables, reasons and the recount take a few seconds at that size, so
    the search stops earlier than on smaller events."""
    problem, deadline = run.problem, run.deadline
    end = deadline.search_end - 0.05 * deadline.limit
    slots = lns.improve(problem, run.fallback, end, run.progress, run.seed, deadline.clock)
    bound = lower_bound(problem, fairness=True)
    run.proven = bound >= problem.breaks(slots)
    status = "optimal" if run.proven else "feasible"
    return finish(run, slots, status, bound)


def maxsat_search(run: Run) -> Solution | tuple[int | None, bool]:
    """Stage 4: RC2 proves the fewest breaks with every meeting placed. It has no
    solution until it has the optimum, so without a complete, fair greedy schedule the SAT
    oracle first looks for any (a quarter of the time at most), and the last fifth of the
    time is kept to improve that schedule by neighbourhoods should RC2 not finish.

    Returns the solution when done, or (the proven lower bound, whether it proved that
    not every meeting can be placed) for the next stages."""
    problem, deadline, fallback = run.problem, run.deadline, run.fallback
    result = solve_maxsat_isolated(
        problem,
        clock=deadline.clock,
        fairness=run.everything_possible,
        deadline=deadline.share(0.85 if fallback is not None else 0.8),
        first_by=None if fallback is not None else deadline.share(0.25),
        best_known=problem.breaks(fallback) if fallback is not None else None,
        hint=run.start,
        progress=run.progress,
        started=deadline.started,
    )
    if result.status == "OPTIMAL":
        run.proven = True
        return finish(run, result.slots, "optimal", result.bound)
    if result.slots:  # complete (and fair when it must be), from the SAT oracle
        run.start = run.fallback = result.slots
    if run.fallback is not None and result.bound is not None:
        return improve_by_neighbourhoods(run, result.bound)
    return result.bound, result.status == "INFEASIBLE"


def improve_by_neighbourhoods(run: Run, lower: int) -> Solution:
    """RC2 ran out of time with a bound proven: improve the complete schedule by
    re-solving small neighbourhoods (as for large events) for the time left."""
    problem = run.problem
    deadline = run.deadline
    slots = lns.improve(
        problem, run.fallback, deadline.search_end, run.progress, run.seed, deadline.clock
    )
    run.proven = lower >= problem.breaks(slots)
    status = "optimal" if run.proven else "feasible"
    return finish(run, slots, status, lower)


def complete_search(run: Run, lower: int | None, proven_incomplete: bool) -> Result:
    """Stage 5: CP-SAT with every meeting placed (skipped when MaxSAT proved that
    impossible). Without a complete start, 40 % of the time is kept for partial
    placement; unused, it goes on improving. The fallback wins when it is better."""
    problem, deadline = run.problem, run.deadline
    complete_start = problem.complete(run.start)
    share = 1.0 if complete_start else 0.6
    result = Result(slots={}, status="INFEASIBLE", bound=None, breaks=0)
    if not proven_incomplete:
        result = _cp(run, optional=False, hint=run.start, share=share)
    if result.status == "FEASIBLE" and share < 1.0 and deadline.left() > 1.0:
        again = _cp(run, optional=False, hint=result.slots)
        if again.slots and again.breaks <= result.breaks:
            result = again
    fallback = run.fallback
    if fallback is not None and (not result.slots or problem.breaks(fallback) < result.breaks):
        result = Result(fallback, "FEASIBLE", result.bound, problem.breaks(fallback))
    if result.slots and lower is not None:
        result.bound = max(result.bound or 0, lower)
        if result.bound >= result.breaks:
            result.status = "OPTIMAL"
    run.proven = result.status in ("OPTIMAL", "INFEASIBLE")
    return result


def partial_placement(run: Run, proven_incomplete: bool) -> tuple[dict[int, int], str, int | None]:
    """Stage 6: no complete schedule: CP-SAT places the most meetings (published first,
    then by priority), then fewest breaks. Returns (slots, status, bound)."""
    problem = run.problem
    proven_incomplete = proven_incomplete or bool(run.known_reasons)
    partial = _cp(run, optional=True, hint=run.start)
    if partial.slots and placed_value(problem, partial.slots) >= placed_value(problem, run.start):
        slots, bound = partial.slots, partial.bound
    elif not run.start:
        slots, bound = {}, None
    else:  # the greedy start placed more: it is never lost to a search cut short
        slots, bound = dict(run.start), None
        partial = Result(slots, "FEASIBLE", None, problem.breaks(slots))
        if problem.complete(slots) and not problem.fair(slots):
            # A complete but unfair greedy schedule is not an answer: hand back a
            # partial one, without the last meeting of the instance (status unknown).
            slots.pop(max(slots))
    complete = problem.complete(slots)
    run.proven = partial.status == "OPTIMAL"
    if run.proven and not complete:
        proven_incomplete = True
    if complete and run.everything_possible:
        status = "optimal" if partial.status == "OPTIMAL" else "feasible"
    else:
        status = "infeasible" if proven_incomplete else "unknown"
    return slots, status, bound


def placed_value(problem: Problem, slots: dict[int, int]) -> tuple[int, int]:
    """How good a (partial) schedule is: the weight of the meetings placed (published
    ones above all new ones, then 1 + priority each), then fewer breaks."""
    weight = {i: 1 + problem.instance.meetings[i].priority for i in problem.active}
    heavy = sum(weight.values()) + 1
    placed = sum(heavy if i in problem.published else weight[i] for i in slots)
    return placed, -problem.breaks(slots)


def _cp(run: Run, *, optional: bool, hint: dict[int, int], share: float = 1.0) -> Result:
    return solve_cp(
        run.problem,
        optional=optional,
        fairness=run.everything_possible,
        deadline=run.deadline.search_end,
        share=share,
        workers=run.workers,
        hint=hint,
        progress=run.progress,
        clock=run.deadline.clock,
        seed=run.seed,
    )


def finish(run: Run, slots: dict[int, int], status: str, bound: int | None) -> Solution:
    """Stage 7: tables, reasons and the recount of breaks around the slots chosen. A
    meeting left out before the search makes the run infeasible, and a bound holds only
    for complete schedules."""
    instance = run.instance
    if run.known_reasons:
        status = "infeasible"
    if not run.everything_possible or not run.problem.complete(slots):
        bound = None
    by_id = {instance.meetings[i].id: t for i, t in slots.items()}
    tables = assign_tables(instance, by_id, run.published_slots)
    assignments = [
        Assignment(m.id, by_id[m.id], tables[m.id]) for m in instance.meetings if m.id in by_id
    ]
    left_out = [m.id for m in instance.meetings if m.id not in by_id]
    proven = status != "unknown"
    reasons = explain(instance, left_out, set(by_id), proven=proven, known=run.known_reasons)
    breaks = count_breaks(busy_slots(instance, slots))
    if bound is not None:
        bound = min(bound, breaks)
    moved = None
    if run.rescheduling:
        moved = sum(1 for mid, (t, _) in run.published_slots.items() if by_id.get(mid) != t)
    return Solution(
        instance=instance.name,
        status=status,
        breaks=breaks,
        bound=bound,
        seconds=run.deadline.elapsed(),
        assignments=assignments,
        unscheduled=[Unscheduled(mid, reasons[mid][1], reasons[mid][0]) for mid in left_out],
        moved=moved,
        run=run_record(run),
    )


def run_record(run: Run) -> dict:
    """What reproduces the run: its seed, limit, how it ended, solvers and parameters."""
    return {
        "seed": run.seed,
        "time_limit": run.deadline.limit,
        "ended_by": "proof" if run.proven else "time_limit",
        "workers": run.workers,
        "solvers": solver_versions(),
        "parameters": {
            "maxsat": f"RC2 {MAXSAT_OPTIONS} on {MAXSAT_ORACLE}",
            "cp_sat_random_seed": run.seed,
            "neighbourhood_seed": run.seed,
        },
    }


def solver_versions() -> dict[str, str]:
    versions = {"python": platform.python_version()}
    for package in ("python-sat", "ortools"):
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = "unknown"
    return versions
