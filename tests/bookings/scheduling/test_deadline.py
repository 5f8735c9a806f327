"""The run keeps its word: one clock for every stage, cut short at any point with the best
schedule found and an honest status; limits out of range refused; RC2 never crashes the
run. Time is injected (a clock that runs out after a number of readings), so no test
depends on the machine's speed; wall-clock checks live in bench/b2b_deadline.py."""

import random
import time

import pytest

from bookings.scheduling import maxsat, maxsat_process, parse_instance, pipeline, solve
from bookings.scheduling.deadline import Deadline
from bookings.scheduling.problem import Problem

from .builders import GENEROUS, make_instance
from .test_cli import run_main, write
from .validator import validate


class RunsOut:
    """A clock that reads 0 for its first `readings` readings, then far past any limit."""

    def __init__(self, readings: int) -> None:
        self.left = readings

    def __call__(self) -> float:
        self.left -= 1
        return 0.0 if self.left >= 0 else 1e9


def medium(seed: int = 11, fairness=2) -> dict:
    rng = random.Random(seed)
    people = list(range(1, 25))
    pairs = set()
    while len(pairs) < 70:
        pairs.add(tuple(sorted(rng.sample(people, 2))))
    meetings = [(i + 1, a, b) for i, (a, b) in enumerate(sorted(pairs))]
    forbidden = {p: rng.sample(range(1, 13), rng.randint(0, 2)) for p in people}
    return make_instance(12, meetings, tables=7, forbidden=forbidden, fairness=fairness)


def honest(data: dict, solution: dict) -> None:
    assert validate(data, solution) == []
    if solution["status"] == "optimal":
        assert solution["bound"] == solution["breaks"]
        assert solution["run"]["ended_by"] == "proof"
    if solution["status"] == "unknown":  # nothing proven: no reason may claim it was
        assert not any(
            u["reason"].startswith("no schedule places") for u in solution["unscheduled"]
        )


@pytest.mark.parametrize("readings", [1, 2, 5, 9, 17, 40, 90, 200])
def test_cut_at_any_point_the_run_returns_a_valid_schedule(readings):
    # The clock runs out after `readings` readings: in the presolve, the greedy start, the
    # MaxSAT worker (killed), CP-SAT or the neighbourhoods, depending on the count.
    data = medium()
    deadline = Deadline(60, clock=RunsOut(readings))
    solution = solve(parse_instance(data), workers=1, deadline=deadline).to_json()
    honest(data, solution)
    assert solution["unscheduled"] == []  # the greedy start is complete and fair here


@pytest.mark.parametrize("readings", [1, 3, 8, 30])
def test_cut_while_meetings_do_not_all_fit_keeps_the_most_placed(readings):
    # One table, three slots, five meetings: two cannot be placed whatever the time.
    data = make_instance(3, [(i, 2 * i, 2 * i + 1) for i in range(1, 6)], tables=1)
    deadline = Deadline(60, clock=RunsOut(readings))
    solution = solve(parse_instance(data), workers=1, deadline=deadline).to_json()
    honest(data, solution)
    assert len(solution["assignments"]) == 3  # the greedy start's three, never fewer
    # Infeasibility first: a count proves it before any search, whatever the clock says.
    assert solution["status"] == "infeasible"
    assert {u["code"] for u in solution["unscheduled"]} == {"no_table"}


def test_rc2_failing_after_an_interrupt_does_not_crash(monkeypatch):
    # pysat's RC2 may fail in its core trimming after an interrupt (a TypeError, "object
    # of type 'NoneType' has no len()"): the search ends with what was proven before.
    data = medium()
    instance = parse_instance(data)
    active = list(range(len(instance.meetings)))
    problem = Problem(
        instance, active, {i: instance.allowed_slots(m) for i, m in enumerate(instance.meetings)}
    )
    calls = [0]

    def trim_core(self):
        calls[0] += 1
        if calls[0] == 2:
            self.interrupt()
            raise TypeError("object of type 'NoneType' has no len()")

    monkeypatch.setattr(maxsat._Search, "trim_core", trim_core)
    result = maxsat.solve_maxsat(problem, fairness=True, deadline=time.monotonic() + GENEROUS)
    assert result.status in ("UNKNOWN", "FEASIBLE")
    exact = solve(instance, time_limit=GENEROUS, workers=1).to_json()
    assert result.bound is None or result.bound <= exact["breaks"]


def test_a_maxsat_worker_that_dies_leaves_a_valid_schedule(monkeypatch):
    import subprocess
    import sys

    def dying():
        return subprocess.Popen(
            [sys.executable, "-c", "import sys; sys.stdin.buffer.read(); sys.exit(3)"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
        )

    monkeypatch.setattr(maxsat_process, "_start", dying)
    data = medium()
    # CP-SAT then searches until the limit; what is asserted holds whatever it finds.
    solution = solve(parse_instance(data), time_limit=5, workers=1).to_json()
    honest(data, solution)
    assert solution["unscheduled"] == []


def test_interrupted_rc2_claims_no_bound_it_did_not_prove(monkeypatch):
    # An interrupt at the k-th SAT call leaves a core that is not one; the bound reported
    # must stay at or below the true optimum whatever k.
    data = medium(seed=2, fairness=None)  # an interrupt at the 12th call claimed 4 for 3
    instance = parse_instance(data)
    optimum = solve(instance, time_limit=GENEROUS, workers=1).to_json()["breaks"]
    active = list(range(len(instance.meetings)))
    problem = Problem(
        instance, active, {i: instance.allowed_slots(m) for i, m in enumerate(instance.meetings)}
    )
    original = maxsat._Search._call_oracle
    for k in range(1, 15):
        calls = [0]

        def call(self, assumptions=(), expect_interrupt=False, k=k, calls=calls):
            calls[0] += 1
            if calls[0] == k:
                self.interrupt()
            return original(self, assumptions=assumptions, expect_interrupt=expect_interrupt)

        monkeypatch.setattr(maxsat._Search, "_call_oracle", call)
        result = maxsat.solve_maxsat(problem, fairness=False, deadline=time.monotonic() + GENEROUS)
        assert result.bound is None or result.bound <= optimum, k


@pytest.mark.parametrize("limit", ["4.9", "0", "-3", "3601"])
def test_a_time_limit_out_of_range_exits_2_naming_the_option(tmp_path, limit):
    data = make_instance(4, [(1, 1, 2)])
    code, out, err = run_main([write(tmp_path, data), "--time-limit", limit])
    assert code == 2
    assert out == ""
    assert err.startswith("b2b_solve: --time-limit: must be between 5 and 3600 seconds")


def test_the_largest_limit_follows_the_setting(tmp_path, monkeypatch):
    monkeypatch.setenv("SOLVER_MAX_SECONDS", "30")
    data = make_instance(4, [(1, 1, 2)])
    code, _, err = run_main([write(tmp_path, data), "--time-limit", "31"])
    assert (code, err.strip()) == (
        2,
        "b2b_solve: --time-limit: must be between 5 and 30 seconds, got 31",
    )


def test_same_input_and_seed_give_the_same_schedule_when_ended_by_proof():
    data = medium()
    first = solve(parse_instance(data), time_limit=GENEROUS, workers=1, seed=7).to_json()
    second = solve(parse_instance(data), time_limit=GENEROUS, workers=1, seed=7).to_json()
    assert first["run"]["ended_by"] == second["run"]["ended_by"] == "proof"
    assert first["assignments"] == second["assignments"]
    assert first["run"]["seed"] == 7
    assert set(first["run"]["solvers"]) == {"python", "python-sat", "ortools"}


def test_seed_from_the_file_and_from_the_option(tmp_path):
    data = {**make_instance(4, [(1, 1, 2), (2, 1, 3)]), "seed": 5}
    code, out, _ = run_main([write(tmp_path, data), "--time-limit", "120"])
    import json

    assert code == 0
    assert json.loads(out)["run"]["seed"] == 5
    code, out, _ = run_main([write(tmp_path, data), "--time-limit", "120", "--seed", "9"])
    assert json.loads(out)["run"]["seed"] == 9


@pytest.mark.parametrize(("value", "option"), [(-1, None), ("x", None), (None, "-2")])
def test_a_bad_seed_exits_2_naming_the_field(tmp_path, value, option):
    data = make_instance(4, [(1, 1, 2)])
    if value is not None:
        data["seed"] = value
    argv = [write(tmp_path, data), "--time-limit", "60"]
    if option is not None:
        argv += ["--seed", option]
    code, _, err = run_main(argv)
    assert code == 2
    assert ("--seed: must be" if option else "seed: must be a non-negative integer") in err


def test_the_pipeline_polls_one_clock(monkeypatch):
    # Every stage reads the run's clock: with one that never runs out the run ends by proof.
    readings = [0]

    def clock() -> float:
        readings[0] += 1
        return 0.0

    data = medium()
    solution = solve(parse_instance(data), workers=1, deadline=Deadline(60, clock=clock))
    assert solution.to_json()["run"]["ended_by"] == "proof"
    assert readings[0] > 3
    assert pipeline.LARGE > 0


def test_a_product_run_counts_its_limit_from_the_job_start():
    # The job was claimed three seconds before the solve began (the export took them).
    import datetime
    import json
    from types import SimpleNamespace

    from bookings.b2b.services import schedule

    started = datetime.datetime.now(datetime.UTC) - datetime.timedelta(seconds=3)
    run = SimpleNamespace(time_limit=GENEROUS, started_at=started, allow_moves=False)
    data = make_instance(4, [(1, 1, 2), (2, 1, 3)])
    solution = schedule._solve(json.loads(json.dumps(data)), run, [], None)
    assert validate(data, solution) == []
    assert solution["seconds"] >= 3
    assert solution["run"]["time_limit"] == GENEROUS


@pytest.mark.parametrize("readings", [3, 12, 30, 70, 150])
def test_cut_in_the_neighbourhood_search_of_a_large_event(monkeypatch, readings):
    monkeypatch.setattr(pipeline, "LARGE", 0)  # the path of large events, on a small one
    data = medium(seed=5)
    deadline = Deadline(60, clock=RunsOut(readings))
    solution = solve(parse_instance(data), workers=1, deadline=deadline).to_json()
    honest(data, solution)
    assert solution["unscheduled"] == []


@pytest.mark.parametrize("readings", [2, 6, 15, 40, 100])
def test_cut_in_cp_sat_when_rescheduling_with_moves(readings):
    # Moves go to CP-SAT (MaxSAT does not count them): the clock runs out inside it.
    data = medium(seed=6)
    instance = parse_instance(data)
    published = solve(instance, time_limit=GENEROUS, workers=1).assignments[:20]
    deadline = Deadline(60, clock=RunsOut(readings))
    solution = solve(
        instance, workers=1, previous=published, allow_moves=True, deadline=deadline
    ).to_json()
    honest(data, solution)
    assert solution["moved"] is not None
