"""The partial MaxSAT encoding of Bofill et al. (JAIR 2022), solved with PySAT.

Hard clauses: `x[m, t]` exactly one slot per meeting (among the slots it may take); `used[p, t]`
is the OR of p's meetings at t, with at most one of them; tables per slot count clusters
(meetings grouped by a participant they share, so a cluster holds at most one meeting per
slot); `held[p, t]` is the exact prefix "p has had a meeting at or before t" and
`endBreak[p, t]` = not used[p, t] and held[p, t] and used[p, t + 1], both pinned exactly so
that fairness cannot be met with invented breaks; implied constraint 1 (p's busy slots number
p's meetings) and 2 (at most 2L busy participants per slot); strict precedences; fairness d
as "every participant's breaks lie in [k, k + d] for the smallest count k", in unary.
Soft clauses: not endBreak[p, t], weight 1 each, so the cost is the number of breaks.
"""

from __future__ import annotations

import threading
import time
from collections import defaultdict
from dataclasses import dataclass

from pysat.card import CardEnc, EncType
from pysat.examples.rc2 import RC2
from pysat.formula import WCNF, IDPool
from pysat.solvers import Solver

from .instance import Id
from .model import Problem, Progress, Result
from .solution import count_breaks

SOLVER = "g3"  # Glucose 3, the SAT oracle of RC2
OPTIONS = {"adapt": True, "exhaust": True, "minz": True, "trim": 5}


@dataclass
class Encoding:
    hard: list[list[int]]
    soft: list[int]  # literals wanted true (each one: "no break here")
    x: dict[tuple[int, int], int]
    used: dict[tuple[Id, int], int]
    breaks_of: dict[Id, list[int]]  # participant -> its endBreak variables
    pool: IDPool

    def phases(self, problem: Problem, hint: dict[int, int]) -> list[int]:
        """Preferred polarities from a (possibly partial) schedule, for the SAT oracle."""
        lits = [v if hint.get(i) == t else -v for (i, t), v in self.x.items()]
        busy = {(p, t) for i, t in hint.items() for p in problem.instance.meetings[i].participants}
        lits += [v if key in busy else -v for key, v in self.used.items()]
        return lits

    def slots(self, model: list[int]) -> dict[int, int]:
        true = {v for v in model if v > 0}
        return {i: t for (i, t), v in self.x.items() if v in true}


def _card(pool: IDPool, lits: list[int], bound: int, kind: str) -> list[list[int]]:
    if kind == "atmost" and bound >= len(lits):
        return []
    if kind == "atleast" and bound <= 0:
        return []
    if kind != "atmost" and bound > len(lits):  # more meetings than slots: impossible
        v = pool.id()
        return [[v], [-v]]
    # Measured on the benchmark: pairwise at-most-one and sequential counters let the SAT
    # oracle find schedules several times faster than ladders and totalizers.
    if kind == "atmost" and bound == 1:
        enc = EncType.pairwise if len(lits) <= 40 else EncType.ladder
    elif kind == "equals":
        enc = EncType.totalizer
    else:
        enc = EncType.seqcounter
    fn = {"atmost": CardEnc.atmost, "atleast": CardEnc.atleast, "equals": CardEnc.equals}[kind]
    return fn(lits=lits, bound=bound, vpool=pool, encoding=enc).clauses


def encode(problem: Problem, fairness: bool, seeds: dict | None = None) -> Encoding:
    inst = problem.instance
    T = inst.slots
    seeds = seeds or {}
    pool = IDPool()
    hard: list[list[int]] = []
    x: dict[tuple[int, int], int] = {}
    for i in problem.active:
        lits = []
        for t in problem.allowed[i]:
            x[i, t] = pool.id(("x", i, t))
            lits.append(x[i, t])
        hard.append(lits)  # at least one (empty: the instance cannot be complete)
        hard += _card(pool, lits, 1, "atmost")

    by_p = problem.participants_of()
    used: dict[tuple[Id, int], int] = {}
    breaks_of: dict[Id, list[int]] = {}
    caps: dict[Id, int] = {}  # participant -> most breaks they can have
    soft: list[int] = []
    for p, ms in by_p.items():
        for t in range(1, T + 1):
            lits = [x[i, t] for i in ms if (i, t) in x]
            if not lits:
                continue
            u = pool.id(("used", p, t))
            used[p, t] = u
            hard += [[-v, u] for v in lits]
            hard.append([-u, *lits])
            hard += _card(pool, lits, 1, "atmost")
        busy = [used[p, t] for t in range(1, T + 1) if (p, t) in used]
        hard += _card(pool, busy, len(ms), "equals")  # implied constraint 1
        limit = problem.limits.get(p)
        if limit is not None and len(ms) > limit:  # every meeting placed: cannot hold
            hard += _card(pool, busy, limit, "atmost")
        # held: exact prefix; endBreak: exact.
        held_prev = None
        held: dict[int, int | None] = {}
        for t in range(1, T + 1):
            u = used.get((p, t))
            if u is None:
                held[t] = held_prev
                continue
            h = pool.id(("held", p, t))
            hard.append([-u, h])
            if held_prev is not None:
                hard.append([-held_prev, h])
                hard.append([-h, held_prev, u])
            else:
                hard.append([-h, u])
            held[t] = held_prev = h
        ends = []
        for t in range(1, T):
            u1 = used.get((p, t + 1))
            h = held[t]
            if u1 is None or h is None:
                continue
            u0 = used.get((p, t))
            e = pool.id(("end", p, t))
            hard += [[-e, h], [-e, u1]]
            if u0 is not None:
                hard.append([-e, -u0])
                hard.append([-h, u0, -u1, e])
            else:
                hard.append([-h, -u1, e])
            ends.append(e)
            soft.append(-e)
        breaks_of[p] = ends
        # At most floor((T - 1) / 2) breaks, and fewer than p's meetings.
        top = caps[p] = max(0, min(len(ms) - 1, (T - 1) // 2, len(ends)))
        hard += _card(pool, ends, top, "atmost")
        # A lower bound proven for p alone (see `participant_minimum`) as a hard constraint:
        # the core-guided search then starts from it.
        low = min(seeds.get(p, 0), len(ends))
        if low > 0:
            hard += _card(pool, ends, low, "atleast")

    # Tables: a cluster (meetings sharing a participant chosen to cover them) holds at most
    # one meeting per slot, so the meetings of a slot are counted by cluster flags.
    cluster_of = _clusters(problem)
    for t in range(1, T + 1):
        members: dict[Id, list[int]] = defaultdict(list)
        n = 0
        for i in problem.active:
            if (i, t) in x and not inst.meetings[i].online:
                members[cluster_of[i]].append(x[i, t])
                n += 1
        tables = inst.tables if problem.capacity is None else problem.capacity.get(t, 0)
        if n <= tables:
            continue
        flags = []
        for c, lits in members.items():
            if len(lits) == len(by_p[c]) and (c, t) in used and _all_in_person(problem, by_p[c]):
                flags.append(used[c, t])
                continue
            f = pool.id(("cluster", c, t))
            hard += [[-v, f] for v in lits]
            hard.append([-f, *lits])
            flags.append(f)
        hard += _card(pool, flags, tables, "atmost")
        # Implied constraint 2: busy participants of the slot, at most 2 x (tables + online).
        online = sum(1 for i in problem.active if (i, t) in x and inst.meetings[i].online)
        busy = [used[p, t] for p in by_p if (p, t) in used]
        cap = 2 * (tables + online)
        if len(busy) > cap:
            hard += _card(pool, busy, cap, "atmost")

    # Precedences, strictly after.
    for i, ps in problem.predecessors().items():
        for j in ps:
            for t in problem.allowed[i]:
                for s in problem.allowed[j]:
                    if s >= t:
                        hard.append([-x[i, t], -x[j, s]])

    if fairness and inst.fairness is not None and breaks_of:
        hard += _fairness(pool, breaks_of, caps, inst.fairness)
    return Encoding(hard=hard, soft=soft, x=x, used=used, breaks_of=breaks_of, pool=pool)


def _all_in_person(problem: Problem, meetings: list[int]) -> bool:
    return not any(problem.instance.meetings[i].online for i in meetings)


def _clusters(problem: Problem) -> dict[int, Id]:
    """Each meeting to one of its participants, greedily covering with busy participants."""
    inst = problem.instance
    degree: dict[Id, int] = defaultdict(int)
    for i in problem.active:
        for p in inst.meetings[i].participants:
            degree[p] += 1
    out: dict[int, Id] = {}
    left = set(problem.active)
    by_p = problem.participants_of()
    while left:
        p = max(degree, key=lambda q: (degree[q], str(q)))
        for i in by_p[p]:
            if i in left:
                out[i] = p
                left.discard(i)
                for q in inst.meetings[i].participants:
                    degree[q] -= 1
    return out


def _fairness(pool: IDPool, breaks_of: dict, caps: dict, d: int) -> list[list[int]]:
    """z[k]: every participant has at least k breaks (the smallest count is >= k). Each
    participant has at most d + k breaks unless z[k + 1]. The smallest count is at most the
    smallest cap (a participant with one meeting has none), which keeps this small."""
    hard: list[list[int]] = []
    kmax = min(caps.values())
    z = {k: pool.id(("zmin", k)) for k in range(1, kmax + 1)}
    for k in range(2, kmax + 1):
        hard.append([-z[k], z[k - 1]])
    for p, ends in breaks_of.items():
        for k in range(1, kmax + 1):
            for clause in _card(pool, ends, k, "atleast"):
                hard.append([-z[k], *clause])
        for k in range(kmax + 1):
            if d + k >= caps[p]:
                break
            relax = [z[k + 1]] if k + 1 in z else []
            for clause in _card(pool, ends, d + k, "atmost"):
                hard.append([*relax, *clause])
    return hard


def participant_minimum(problem: Problem, fairness: bool, deadline: float) -> dict[Id, int]:
    """Per participant, the fewest breaks of their own meetings scheduled alone (partners,
    tables and everyone else ignored): a lower bound in any complete schedule. Each is a
    small MaxSAT problem. With fairness d, nobody has fewer than the largest minus d."""
    out: dict[Id, int] = {}
    for p, ms in problem.participants_of().items():
        if len(ms) < 2 or time.monotonic() > deadline:
            continue
        alone = Problem(problem.instance, ms, problem.allowed)
        enc = encode(alone, fairness=False)
        formula = WCNF()
        formula.extend(enc.hard)
        for lit in enc.soft:
            formula.append([lit], weight=1)
        with RC2(formula, solver=SOLVER) as rc2:
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
        if self.cost > self.proven:
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
) -> Result:
    """Every meeting placed, fewest breaks, by core-guided MaxSAT (RC2) until `deadline`.

    Status OPTIMAL with the slots; INFEASIBLE when no complete schedule exists (with the
    fairness bound when asked); otherwise, when time ran out, FEASIBLE or UNKNOWN with the
    proven lower bound. `first_by`: first look, until then, for any complete schedule (the
    SAT oracle preferring no breaks), to have one should RC2 not finish; FEASIBLE gives it.
    `best_known`: breaks of a schedule already at hand, reported with each new bound."""
    started = time.monotonic() if started is None else started
    seeds = participant_minimum(problem, fairness, deadline)
    enc = encode(problem, fairness, seeds)
    phases = enc.phases(problem, hint or {}) + [-e for ends in enc.breaks_of.values() for e in ends]
    first: dict[int, int] = {}
    if first_by is not None:
        with Solver(name=SOLVER, bootstrap_with=enc.hard) as oracle:
            oracle.set_phases(phases)
            found = _limited(oracle, first_by)
            if found is False:
                return Result(slots={}, status="INFEASIBLE", bound=None, breaks=0)
            if found:
                first = enc.slots(oracle.get_model())
                best_known = _breaks(problem, first)
                if progress:
                    progress(best_known, None, time.monotonic() - started)
    formula = WCNF()
    formula.extend(enc.hard)
    for lit in enc.soft:
        formula.append([lit], weight=1)

    def on_bound(bound: int) -> None:
        if progress and best_known is not None:
            progress(best_known, min(bound, best_known), time.monotonic() - started)

    rc2 = _Search(formula, on_bound, solver=SOLVER, **OPTIONS)
    rc2.oracle.set_phases(phases)
    timer = threading.Timer(max(0.0, deadline - time.monotonic()), rc2.interrupt)
    timer.daemon = True
    timer.start()
    try:
        model = rc2.compute(expect_interrupt=True)
        interrupted = rc2.interrupted
    finally:
        timer.cancel()
        proven = rc2.proven
        cost = rc2.cost
        rc2.delete()
    if model is not None:  # every soft clause left satisfiable: the cost is optimal
        slots = enc.slots(model)
        if progress:
            progress(cost, cost, time.monotonic() - started)
        return Result(slots=slots, status="OPTIMAL", bound=cost, breaks=cost)
    if not interrupted:
        return Result(slots={}, status="INFEASIBLE", bound=None, breaks=0)
    if first:
        breaks = _breaks(problem, first)
        return Result(slots=first, status="FEASIBLE", bound=min(proven, breaks), breaks=breaks)
    return Result(slots={}, status="UNKNOWN", bound=proven, breaks=0)


def _breaks(problem: Problem, slots: dict[int, int]) -> int:
    busy: dict[Id, list[int]] = defaultdict(list)
    for i, t in slots.items():
        for p in problem.instance.meetings[i].participants:
            busy[p].append(t)
    return count_breaks(busy)
