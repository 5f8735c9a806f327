"""Per-participant limits (`max_meetings`): which meetings to leave out before the search.

A participant with a limit k cannot have more than k of their meetings placed, fixed ones
included. When some limit binds, the instance cannot be complete whatever the slots, so
the meetings kept are chosen first, as a weighted b-matching (CP-SAT, a fraction of a
second): fixed meetings and published ones (rescheduling) outweigh all the others, then
each meeting weighs 1 + its priority. The meetings left out get the reason
`meeting_limit`; the search then places the others, and every stage (greedy, MaxSAT,
CP-SAT, neighbourhoods) also keeps the limits as constraints of its own.
"""

from __future__ import annotations

import time
from collections import defaultdict

from ortools.sat.python import cp_model

from .instance import Id, Instance
from .reasons import MEETING_LIMIT


def over_limit(instance: Instance, candidates: list[int]) -> dict[Id, list[int]]:
    """Participants whose candidate meetings outnumber their limit -> those meetings."""
    by_p: dict[Id, list[int]] = defaultdict(list)
    for i in candidates:
        for p in instance.meetings[i].participants:
            if p in instance.max_meetings:
                by_p[p].append(i)
    return {p: ms for p, ms in by_p.items() if len(ms) > instance.max_meetings[p]}


def _weights(instance: Instance, meetings: list[int], kept_first: set[int]) -> dict[int, int]:
    base = {i: 1 + instance.meetings[i].priority for i in meetings}
    heavy = sum(base.values()) + 1
    return {i: w + (heavy if i in kept_first else 0) for i, w in base.items()}


def _greedy(instance: Instance, meetings: list[int], weights: dict[int, int]) -> set[int]:
    left = dict(instance.max_meetings)
    kept = set()
    for i in sorted(meetings, key=lambda i: (-weights[i], i)):
        pair = instance.meetings[i].participants
        if all(left.get(p, 1) > 0 for p in pair):
            kept.add(i)
            for p in pair:
                if p in left:
                    left[p] -= 1
    return kept


def select_within_limits(
    instance: Instance,
    candidates: list[int],
    kept_first: set[int],
    deadline: float,
    clock=time.monotonic,
) -> dict[Id, tuple[str, str]]:
    """Meetings (ids) to leave out so that no participant exceeds their limit, each with
    (code, reason); empty when no limit binds. `kept_first`: indices kept in preference
    (fixed, published)."""
    binding = over_limit(instance, candidates)
    if not binding:
        return {}
    # Only the meetings of a participant over their limit are in question.
    meetings = sorted({i for ms in binding.values() for i in ms})
    weights = _weights(instance, meetings, kept_first)
    kept = _greedy(instance, meetings, weights)
    mdl = cp_model.CpModel()
    keep = {i: mdl.NewBoolVar(f"keep{i}") for i in meetings}
    for p, ms in binding.items():
        mdl.Add(sum(keep[i] for i in ms) <= instance.max_meetings[p])
    for i, v in keep.items():
        mdl.AddHint(v, i in kept)
    mdl.Maximize(sum(weights[i] * v for i, v in keep.items()))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.05, min(2.0, deadline - clock()))
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = 0
    status = solver.Solve(mdl)
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        found = {i for i, v in keep.items() if solver.BooleanValue(v)}
        if sum(weights[i] for i in found) >= sum(weights[i] for i in kept):
            kept = found
    load: dict[Id, int] = defaultdict(int)
    for i in kept:
        for p in instance.meetings[i].participants:
            load[p] += 1
    out: dict[Id, tuple[str, str]] = {}
    for i in meetings:
        if i in kept:
            continue
        m = instance.meetings[i]
        limited = [p for p in m.participants if p in binding]
        p = next((p for p in limited if load[p] >= instance.max_meetings[p]), limited[0])
        limit = instance.max_meetings[p]
        out[m.id] = (
            MEETING_LIMIT,
            f"participant {p} may have at most {limit} meetings and has {len(binding[p])} to place",
        )
    return out
