"""A cheap lower bound on breaks, valid for any complete schedule.

A participant's busy slots must lie among the slots their meetings may take; those slots
fall into runs of consecutive slots, and a participant with k meetings needs at least as
many runs as the longest runs take to hold k slots, so at least that many runs minus one
breaks. With fairness d nobody has fewer than the largest such count minus d.
"""

from __future__ import annotations

from .problem import Problem


def participant_bounds(problem: Problem, fairness: bool = False) -> dict:
    """Participant -> a lower bound on their breaks in any complete schedule."""
    out = {}
    for p, ms in problem.participants_of().items():
        already = problem.busy.get(p, set())
        free = set(already)
        for i in ms:
            free.update(problem.allowed[i])
        need = len(ms) + len(already)
        runs = []
        length = 0
        for t in range(1, problem.instance.slots + 2):
            if t in free:
                length += 1
            elif length:
                runs.append(length)
                length = 0
        runs.sort(reverse=True)
        held = count = 0
        for length in runs:
            if held >= need:
                break
            held += length
            count += 1
        out[p] = max(0, count - 1) if held >= need else 0
    d = problem.instance.fairness
    if fairness and d is not None and out:
        floor = max(out.values()) - d
        out = {p: max(b, floor) for p, b in out.items()}
    return out


def lower_bound(problem: Problem, fairness: bool = False) -> int:
    return sum(participant_bounds(problem, fairness).values())
