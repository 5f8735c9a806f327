"""Core-guided MaxSAT (RC2, PySAT) on the encoding of `sat_encoding.py`: the fewest
breaks with every meeting placed, proven."""

from __future__ import annotations

import threading
import time

from pysat.examples.rc2 import RC2
from pysat.solvers import Solver

from .instance import Id
from .problem import Problem, Progress, Result
from .sat_encoding import Encoding, encode, weighted

SOLVER = "g3"  # Glucose 3, the SAT oracle of RC2
OPTIONS = {"adapt": True, "exhaust": True, "minz": True, "trim": 5}


def participant_minimum(problem: Problem, fairness: bool, deadline: float) -> dict[Id, int]:
    """Per participant, the fewest breaks of their own meetings scheduled alone (partners,
    tables and everyone else ignored): a lower bound in any complete schedule. Each is a
    small MaxSAT problem. With fairness d, nobody has fewer than the largest minus d."""
    out: dict[Id, int] = {}
    for p, ms in problem.participants_of().items():
        if len(ms) < 2 or time.monotonic() > deadline:
            continue
        alone = Problem(problem.instance, ms, problem.allowed)
        with RC2(weighted(encode(alone, fairness=False)), solver=SOLVER) as rc2:
            if rc2.compute() is not None and rc2.cost:
                out[p] = rc2.cost
    d = problem.instance.fairness
    if fairness and d is not None and out and max(out.values()) > d:
        floor = max(out.values()) - d
        out = {p: max(out.get(p, 0), floor) for p in problem.participants_of()}
    return out


class _Search(RC2):
    """RC2 that remembers the lower bound proven before each SAT call (an interrupted call
    may leave a core that is not one) and reports each new bound."""

    def __init__(self, formula, on_bound, **kwargs) -> None:
        self.proven = 0
        self._on_bound = on_bound
        super().__init__(formula, **kwargs)

    def _call_oracle(self, assumptions=(), expect_interrupt=False):
        # After an interrupt, the core of the cut call is not one: its cost proves nothing.
        if self.cost > self.proven and not self.interrupted:
            self.proven = self.cost
            self._on_bound(self.proven)
        return super()._call_oracle(assumptions=assumptions, expect_interrupt=expect_interrupt)


def _limited(solver, deadline: float, assumptions=()) -> bool | None:
    """A SAT call interrupted at `deadline` (None then)."""
    timer = threading.Timer(max(0.0, deadline - time.monotonic()), solver.interrupt)
    timer.daemon = True
    timer.start()
    try:
        return solver.solve_limited(assumptions=list(assumptions), expect_interrupt=True)
    finally:
        timer.cancel()


def _first_schedule(enc: Encoding, phases: list[int], first_by: float) -> dict | bool | None:
    """Any complete schedule (the SAT oracle preferring no breaks) found by `first_by`:
    its slots, False when there is none, None when time ran out."""
    with Solver(name=SOLVER, bootstrap_with=enc.hard) as oracle:
        oracle.set_phases(phases)
        found = _limited(oracle, first_by)
        return enc.slots(oracle.get_model()) if found else found


def _rc2(enc: Encoding, phases: list[int], deadline: float, on_bound):
    """RC2 until `deadline`: (model or None, interrupted, proven bound, cost).

    An interrupted RC2 may fail inside its own code (its core trimming receives no answer
    from the interrupted oracle: a TypeError in pysat's rc2.py); the search is then over,
    with the bound proven before the call. `pipeline.py` runs this in a worker process
    (`maxsat_process.py`), which the run can stop at any point."""
    rc2 = _Search(weighted(enc), on_bound, solver=SOLVER, **OPTIONS)
    rc2.oracle.set_phases(phases)
    timer = threading.Timer(max(0.0, deadline - time.monotonic()), rc2.interrupt)
    timer.daemon = True
    timer.start()
    try:
        model = rc2.compute(expect_interrupt=True)
        return model, rc2.interrupted, rc2.proven, rc2.cost
    except (TypeError, AttributeError, AssertionError):
        if not rc2.interrupted and time.monotonic() < deadline:
            raise
        return None, True, rc2.proven, rc2.cost
    finally:
        timer.cancel()
        rc2.delete()


def solve_maxsat(
    problem: Problem,
    *,
    fairness: bool,
    deadline: float,
    first_by: float | None = None,
    best_known: int | None = None,
    hint: dict[int, int] | None = None,
    progress: Progress | None = None,
    started: float | None = None,
    events=None,
) -> Result:
    """Every meeting placed, fewest breaks, by core-guided MaxSAT (RC2) until `deadline`.

    Status OPTIMAL with the slots; INFEASIBLE when no complete schedule exists (with the
    fairness bound when asked); otherwise, when time ran out, FEASIBLE or UNKNOWN with the
    proven lower bound. `first_by`: first look, until then, for any complete schedule (the
    SAT oracle preferring no breaks), to have one should RC2 not finish; FEASIBLE gives it.
    `best_known`: breaks of a schedule already at hand, reported with each new bound.
    `events(kind, value)`: told of each finding as it comes ("first", the slots of the
    first complete schedule; "bound", each new proven bound), for a caller that may stop
    the search before it returns."""
    started = time.monotonic() if started is None else started
    events = events or (lambda kind, value: None)

    def report(breaks: int, bound: int | None) -> None:
        if progress:
            progress(breaks, bound, time.monotonic() - started)

    enc = encode(problem, fairness, participant_minimum(problem, fairness, deadline))
    phases = enc.phases(problem, hint or {}) + [-e for ends in enc.breaks_of.values() for e in ends]
    first: dict[int, int] = {}
    if first_by is not None:
        found = _first_schedule(enc, phases, first_by)
        if found is False:
            return Result(slots={}, status="INFEASIBLE", bound=None, breaks=0)
        if found:
            first = found
            events("first", first)
            best_known = problem.breaks(first)
            report(best_known, None)

    def on_bound(bound: int) -> None:
        events("bound", bound)
        if best_known is not None:
            report(best_known, min(bound, best_known))

    model, interrupted, proven, cost = _rc2(enc, phases, deadline, on_bound)
    if model is not None:  # every soft clause left satisfiable: the cost is optimal
        report(cost, cost)
        return Result(slots=enc.slots(model), status="OPTIMAL", bound=cost, breaks=cost)
    if not interrupted:
        return Result(slots={}, status="INFEASIBLE", bound=None, breaks=0)
    if first:
        breaks = problem.breaks(first)
        return Result(slots=first, status="FEASIBLE", bound=min(proven, breaks), breaks=breaks)
    return Result(slots={}, status="UNKNOWN", bound=proven, breaks=0)
