"""The partial MaxSAT encoding of Bofill et al. (JAIR 2022), as PySAT clauses.

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

from collections import defaultdict
from dataclasses import dataclass, field

from pysat.card import CardEnc, EncType
from pysat.formula import WCNF, IDPool

from .instance import Id
from .problem import Problem


@dataclass
class Encoding:
    hard: list[list[int]]
    soft: list[int]  # literals wanted true (each one: "no break here")
    x: dict[tuple[int, int], int]
    used: dict[tuple[Id, int], int]
    breaks_of: dict[Id, list[int]]  # participant -> its endBreak variables
    pool: IDPool
    caps: dict[Id, int] = field(default_factory=dict)  # participant -> most breaks

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


def _meeting_clauses(problem: Problem, enc: Encoding) -> None:
    """Exactly one slot per meeting, among the slots it may take."""
    for i in problem.active:
        lits = []
        for t in problem.allowed[i]:
            enc.x[i, t] = enc.pool.id(("x", i, t))
            lits.append(enc.x[i, t])
        enc.hard.append(lits)  # at least one (empty: the instance cannot be complete)
        enc.hard += _card(enc.pool, lits, 1, "atmost")


def _used_clauses(problem: Problem, enc: Encoding, p: Id, meetings: list[int]) -> None:
    """`used[p, t]` is the OR of p's meetings at t, at most one of them; p's busy slots
    number p's meetings (implied constraint 1), within their limit."""
    pool, hard = enc.pool, enc.hard
    for t in range(1, problem.instance.slots + 1):
        lits = [enc.x[i, t] for i in meetings if (i, t) in enc.x]
        if not lits:
            continue
        used = enc.used[p, t] = pool.id(("used", p, t))
        hard += [[-v, used] for v in lits]
        hard.append([-used, *lits])
        hard += _card(pool, lits, 1, "atmost")
    busy = [enc.used[p, t] for t in range(1, problem.instance.slots + 1) if (p, t) in enc.used]
    hard += _card(pool, busy, len(meetings), "equals")
    limit = problem.limits.get(p)
    if limit is not None and len(meetings) > limit:  # every meeting placed: cannot hold
        hard += _card(pool, busy, limit, "atmost")


def _held_clauses(problem: Problem, enc: Encoding, p: Id) -> dict[int, int | None]:
    """`held[p, t]`: the exact prefix "p has had a meeting at or before t"."""
    held: dict[int, int | None] = {}
    before = None
    for t in range(1, problem.instance.slots + 1):
        used = enc.used.get((p, t))
        if used is None:
            held[t] = before
            continue
        h = enc.pool.id(("held", p, t))
        enc.hard.append([-used, h])
        if before is not None:
            enc.hard.append([-before, h])
            enc.hard.append([-h, before, used])
        else:
            enc.hard.append([-h, used])
        held[t] = before = h
    return held


def _break_clauses(problem: Problem, enc: Encoding, p: Id, held: dict) -> list[int]:
    """`endBreak[p, t]` = not used[p, t] and held[p, t] and used[p, t + 1], exactly; each
    one is a soft clause "no break here"."""
    ends = []
    for t in range(1, problem.instance.slots):
        busy_next = enc.used.get((p, t + 1))
        h = held[t]
        if busy_next is None or h is None:
            continue
        busy_now = enc.used.get((p, t))
        end = enc.pool.id(("end", p, t))
        enc.hard += [[-end, h], [-end, busy_next]]
        if busy_now is not None:
            enc.hard.append([-end, -busy_now])
            enc.hard.append([-h, busy_now, -busy_next, end])
        else:
            enc.hard.append([-h, -busy_next, end])
        ends.append(end)
        enc.soft.append(-end)
    return ends


def _participant_clauses(problem: Problem, enc: Encoding, seeds: dict) -> None:
    slots = problem.instance.slots
    for p, meetings in problem.participants_of().items():
        _used_clauses(problem, enc, p, meetings)
        ends = enc.breaks_of[p] = _break_clauses(problem, enc, p, _held_clauses(problem, enc, p))
        # At most floor((T - 1) / 2) breaks, and fewer than p's meetings.
        top = enc.caps[p] = max(0, min(len(meetings) - 1, (slots - 1) // 2, len(ends)))
        enc.hard += _card(enc.pool, ends, top, "atmost")
        # A lower bound proven for p alone (see `participant_minimum`) as a hard constraint:
        # the core-guided search then starts from it.
        low = min(seeds.get(p, 0), len(ends))
        if low > 0:
            enc.hard += _card(enc.pool, ends, low, "atleast")


def _table_clauses(problem: Problem, enc: Encoding) -> None:
    """A cluster (meetings sharing a participant chosen to cover them) holds at most one
    meeting per slot, so the meetings of a slot are counted by cluster flags; at most
    2 x (tables + online) busy participants per slot (implied constraint 2)."""
    inst, pool = problem.instance, enc.pool
    by_p = problem.participants_of()
    cluster_of = _clusters(problem)
    for t in range(1, inst.slots + 1):
        members: dict[Id, list[int]] = defaultdict(list)
        for i in problem.active:
            if (i, t) in enc.x and not inst.meetings[i].online:
                members[cluster_of[i]].append(enc.x[i, t])
        tables = inst.tables if problem.capacity is None else problem.capacity.get(t, 0)
        if sum(len(lits) for lits in members.values()) <= tables:
            continue
        flags = []
        for c, lits in members.items():
            whole = len(lits) == len(by_p[c]) and _all_in_person(problem, by_p[c])
            if whole and (c, t) in enc.used:
                flags.append(enc.used[c, t])
                continue
            flag = pool.id(("cluster", c, t))
            enc.hard += [[-v, flag] for v in lits]
            enc.hard.append([-flag, *lits])
            flags.append(flag)
        enc.hard += _card(pool, flags, tables, "atmost")
        online = sum(1 for i in problem.active if (i, t) in enc.x and inst.meetings[i].online)
        busy = [enc.used[p, t] for p in by_p if (p, t) in enc.used]
        if len(busy) > 2 * (tables + online):
            enc.hard += _card(pool, busy, 2 * (tables + online), "atmost")


def _precedence_clauses(problem: Problem, enc: Encoding) -> None:
    """Strictly after: m at t excludes each predecessor at s >= t."""
    for i, preds in problem.predecessors().items():
        for j in preds:
            for t in problem.allowed[i]:
                for s in problem.allowed[j]:
                    if s >= t:
                        enc.hard.append([-enc.x[i, t], -enc.x[j, s]])


def encode(problem: Problem, fairness: bool, seeds: dict | None = None) -> Encoding:
    """The hard and soft clauses of `problem`; `seeds`: per-participant lower bounds."""
    enc = Encoding(hard=[], soft=[], x={}, used={}, breaks_of={}, pool=IDPool())
    _meeting_clauses(problem, enc)
    _participant_clauses(problem, enc, seeds or {})
    _table_clauses(problem, enc)
    _precedence_clauses(problem, enc)
    if fairness and problem.instance.fairness is not None and enc.breaks_of:
        enc.hard += _fairness(enc.pool, enc.breaks_of, enc.caps, problem.instance.fairness)
    return enc


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


def weighted(enc: Encoding) -> WCNF:
    """The hard clauses and one soft clause of weight 1 per possible break."""
    formula = WCNF()
    formula.extend(enc.hard)
    for lit in enc.soft:
        formula.append([lit], weight=1)
    return formula
