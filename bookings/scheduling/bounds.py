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


def cannot_be_complete(problem: Problem, fairness: bool = False) -> str | None:
    """A cheap proof that no schedule places every meeting (within the fairness bound
    when `fairness`), as a sentence; None when none was found. Counts only: a participant
    with more meetings than usable slots, more in-person meetings than table-slots, or
    one participant's fewest breaks too far from another's most."""
    inst = problem.instance
    by_p = problem.participants_of()
    for p, meetings in by_p.items():
        usable = set().union(*(problem.allowed[i] for i in meetings)) - problem.busy.get(p, set())
        if len(meetings) > len(usable):
            return (
                f"participant {p} has {len(meetings)} meetings but only {len(usable)} usable slots"
            )
    in_person = [i for i in problem.active if not inst.meetings[i].online]
    usable = set().union(*(problem.allowed[i] for i in in_person)) if in_person else set()
    if len(in_person) > inst.tables * len(usable):
        return (
            f"{len(in_person)} in-person meetings for {inst.tables} tables over "
            f"{len(usable)} slots: not enough tables"
        )
    d = inst.fairness
    if not fairness or d is None or not by_p:
        return None
    fewest = participant_bounds(problem)
    most = {p: max(0, min(len(ms) - 1, (inst.slots - 1) // 2)) for p, ms in by_p.items()}
    p = max(fewest, key=lambda q: fewest[q])
    q = min(most, key=lambda r: most[r])
    if fewest[p] - most[q] > d:
        return (
            f"participant {p} has at least {fewest[p]} breaks and participant {q} at most "
            f"{most[q]}: the fairness bound {d} cannot hold"
        )
    return None
