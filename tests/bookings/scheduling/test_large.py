"""The path for large events (greedy start, local moves, small neighbourhoods), exercised
on small instances by lowering the size threshold."""

import random
import time

from bookings.scheduling import lns, parse_instance, pipeline, solve
from bookings.scheduling.model import Problem
from bookings.scheduling.reasons import explain

from .builders import GENEROUS, make_instance
from .validator import validate


def test_local_moves_closes_a_gap():
    instance = parse_instance(make_instance(4, [(1, 1, 2), (2, 1, 3)]))
    allowed = {i: instance.allowed_slots(m) for i, m in enumerate(instance.meetings)}
    problem = Problem(instance, [0, 1], allowed)
    slots = lns.local_moves(problem, {0: 1, 1: 3}, time.monotonic() + GENEROUS)
    assert abs(slots[0] - slots[1]) == 1


def test_large_path_gives_a_valid_complete_schedule(monkeypatch):
    monkeypatch.setattr(pipeline, "LARGE", 0)
    rng = random.Random(7)
    people = list(range(1, 31))
    pairs = set()
    while len(pairs) < 45:
        a, b = sorted(rng.sample(people, 2))
        pairs.add((a, b))
    meetings = [(i + 1, a, b) for i, (a, b) in enumerate(sorted(pairs))]
    data = make_instance(12, meetings, tables=6, fairness=2)
    seen = []
    solution = solve(
        parse_instance(data), time_limit=4, workers=1, progress=lambda *a: seen.append(a)
    ).to_json()
    assert validate(data, solution) == []
    assert solution["unscheduled"] == []
    assert solution["status"] == "feasible"
    assert all(breaks >= solution["breaks"] for breaks, _, _ in seen)


def test_unproven_fallback_reason_says_time_ran_out():
    instance = parse_instance(make_instance(2, [(1, 1, 2), (2, 2, 3), (3, 1, 3)]))
    code, reason = explain(instance, [3], {1, 2}, proven=False)[3]
    assert code == "unplaceable"
    assert reason.endswith("was found within the time limit")
