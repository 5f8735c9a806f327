"""The MaxSAT core (RC2 on the encoding of Bofill et al.) and the cheap lower bounds."""

import itertools
import random
import time

import pytest

from bookings.scheduling import parse_instance, pipeline, solve
from bookings.scheduling.bounds import lower_bound, participant_bounds
from bookings.scheduling.maxsat import participant_minimum, solve_maxsat
from bookings.scheduling.model import Problem

from .builders import GENEROUS, make_instance
from .test_solve import brute_force_optimum
from .validator import validate


def problem_of(data: dict) -> Problem:
    instance = parse_instance(data)
    active = list(range(len(instance.meetings)))
    allowed = {i: instance.allowed_slots(m) for i, m in enumerate(instance.meetings)}
    return Problem(instance, active, allowed)


def random_instance(seed: int, fairness) -> dict:
    rng = random.Random(seed)
    people = [1, 2, 3, 4, 5]
    pairs = list(itertools.combinations(people, 2))
    rng.shuffle(pairs)
    meetings = [(i + 1, a, b) for i, (a, b) in enumerate(pairs[:6])]
    forbidden = {p: rng.sample(range(1, 8), rng.randint(0, 3)) for p in people}
    return make_instance(7, meetings, tables=2, forbidden=forbidden, fairness=fairness)


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("fairness", [None, 0, 1])
def test_maxsat_optimum_matches_brute_force(seed, fairness):
    data = random_instance(seed, fairness)
    expected = brute_force_optimum(data)
    result = solve_maxsat(problem_of(data), fairness=True, deadline=time.monotonic() + GENEROUS)
    if expected is None:
        assert result.status == "INFEASIBLE"
        return
    assert result.status == "OPTIMAL"
    assert result.breaks == result.bound == expected
    solution = {
        "format": "primi-b2b-solution/1",
        "status": "optimal",
        "breaks": result.breaks,
        "bound": result.bound,
        "assignments": [
            {"meeting": data["meetings"][i]["id"], "slot": t, "table": None}
            for i, t in result.slots.items()
        ],
        "unscheduled": [],
    }
    for row in data["meetings"]:
        row["online"] = True  # tables are the job of tables.py, checked elsewhere
    assert validate(data, solution) == []


def test_fairness_when_nobody_can_be_without_breaks():
    # A 4-cycle in slots 1..4 where everyone is away at 2: each person's two meetings
    # straddle slot 2 or sit at 3, 4. With d = 0 every participant must have the same count.
    meetings = [(1, 1, 2), (2, 2, 3), (3, 3, 4), (4, 4, 1)]
    forbidden = {p: [2] for p in (1, 2, 3, 4)}
    data = make_instance(4, meetings, tables=2, forbidden=forbidden, fairness=0)
    expected = brute_force_optimum(data)
    result = solve_maxsat(problem_of(data), fairness=True, deadline=time.monotonic() + GENEROUS)
    assert result.status == ("INFEASIBLE" if expected is None else "OPTIMAL")
    if expected is not None:
        assert result.breaks == expected


def test_participant_minimum_sees_a_forced_gap():
    # 1 meets 2, 3 and 4 in slots 1..5 and is away at 3; 2 cannot meet at 4 or 5.
    data = make_instance(
        5, [(1, 1, 2), (2, 1, 3), (3, 1, 4)], forbidden={1: [3], 2: [4, 5]}, fairness=None
    )
    problem = problem_of(data)
    assert participant_minimum(problem, False, time.monotonic() + GENEROUS) == {1: 1}
    assert solve_maxsat(problem, fairness=False, deadline=time.monotonic() + GENEROUS).breaks == 1


def test_runs_bound_and_fairness_floor():
    # 1 has three meetings and free slots 1, 2, 4, 5 (two runs): at least one break.
    data = make_instance(5, [(1, 1, 2), (2, 1, 3), (3, 1, 4)], forbidden={1: [3]}, fairness=0)
    problem = problem_of(data)
    assert participant_bounds(problem) == {1: 1, 2: 0, 3: 0, 4: 0}
    # With d = 0 nobody may have fewer breaks than 1 minus 0.
    assert participant_bounds(problem, fairness=True) == dict.fromkeys((1, 2, 3, 4), 1)
    assert lower_bound(problem) == 1


def medium_instance() -> dict:
    rng = random.Random(11)
    people = list(range(1, 25))
    pairs = set()
    while len(pairs) < 70:
        pairs.add(tuple(sorted(rng.sample(people, 2))))
    meetings = [(i + 1, a, b) for i, (a, b) in enumerate(sorted(pairs))]
    return make_instance(12, meetings, tables=7, fairness=2)


def test_a_short_time_limit_still_gives_a_complete_valid_schedule():
    # Whatever the machine's speed: the greedy start is complete and fair, so the schedule
    # is; a bound, when one was proven in the time, is a true lower bound.
    data = medium_instance()
    solution = solve(parse_instance(data), time_limit=2, workers=1).to_json()
    assert validate(data, solution) == []
    assert solution["unscheduled"] == []
    assert solution["status"] in ("optimal", "feasible")
    assert solution["bound"] is None or solution["bound"] <= solution["breaks"]


def test_the_time_limit_cuts_a_long_search():
    # Without a limit this search goes on for tens of seconds of processor time. Measured
    # in processor time, which a loaded machine does not inflate (it only slows the wall
    # clock, which the limit follows): the limit plus the bookkeeping after it.
    rng = random.Random(3)
    people = list(range(1, 31))
    pairs = set()
    while len(pairs) < 120:
        pairs.add(tuple(sorted(rng.sample(people, 2))))
    meetings = [(i + 1, a, b) for i, (a, b) in enumerate(sorted(pairs))]
    forbidden = {p: rng.sample(range(1, 15), rng.randint(0, 3)) for p in people}
    data = make_instance(14, meetings, tables=10, forbidden=forbidden, fairness=1)
    used = time.process_time()
    solution = solve(parse_instance(data), time_limit=1, workers=1).to_json()
    assert time.process_time() - used < 1 + 4
    assert validate(data, solution) == []


def test_with_time_enough_the_optimum_is_proven():
    # The search stops on its proof (under a second on a quiet machine); the limit is a guard.
    data = medium_instance()
    solution = solve(parse_instance(data), time_limit=GENEROUS, workers=1).to_json()
    assert validate(data, solution) == []
    assert solution["unscheduled"] == []
    assert (solution["status"], solution["bound"]) == ("optimal", solution["breaks"])


def test_large_path_reports_a_lower_bound(monkeypatch):
    monkeypatch.setattr(pipeline, "LARGE", 0)
    data = make_instance(
        6, [(1, 1, 2), (2, 1, 3), (3, 1, 4), (4, 5, 6)], forbidden={1: [2, 4, 5]}, fairness=None
    )
    solution = solve(parse_instance(data), time_limit=3, workers=1).to_json()
    assert validate(data, solution) == []
    assert solution["bound"] == 2 == solution["breaks"]
    assert solution["status"] == "optimal"
