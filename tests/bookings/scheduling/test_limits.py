"""`max_meetings` per participant and `priority` per meeting: read, checked, honoured."""

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from bookings.scheduling import InstanceError, parse_instance, solve
from bookings.scheduling.cli import main

from .builders import make_instance
from .validator import validate

ROOT = Path(__file__).resolve().parents[3]


def limited(limits: dict, meetings: list, slots: int = 6, **kwargs) -> dict:
    data = make_instance(slots, meetings, **kwargs)
    for row in data["participants"]:
        if row["id"] in limits:
            row["max_meetings"] = limits[row["id"]]
    return data


def solved(data: dict) -> dict:
    solution = solve(parse_instance(data), time_limit=5).to_json()
    assert validate(data, solution) == []
    return solution


def placed(solution: dict) -> set:
    return {a["meeting"] for a in solution["assignments"]}


def test_a_limit_counts_fixed_meetings_and_leaves_the_rest_out_with_a_reason():
    # Participant 1 holds two booked meetings and has two more accepted, limit 3.
    data = limited(
        {1: 3},
        [
            {"id": "meeting-1", "participants": [1, 2], "fixed": 1},
            {"id": "meeting-2", "participants": [1, 3], "fixed": 2},
            {"id": "request-3", "participants": [1, 4]},
            {"id": "request-4", "participants": [1, 5]},
            {"id": "request-5", "participants": [2, 3]},
        ],
    )
    solution = solved(data)
    assert {"meeting-1", "meeting-2", "request-5"} <= placed(solution)
    assert len(placed(solution) & {"request-3", "request-4"}) == 1
    [left] = solution["unscheduled"]
    assert left["code"] == "meeting_limit"
    assert left["reason"] == "participant 1 may have at most 3 meetings and has 4 to place"
    assert solution["status"] == "infeasible"


def test_the_meetings_kept_are_the_most_that_the_limits_allow():
    # Greedy on ids would keep 1-2 and then lose both 1-3 and 2-4.
    data = limited({1: 1, 2: 1}, [(1, 1, 2), (2, 1, 3), (3, 2, 4)])
    solution = solved(data)
    assert placed(solution) == {2, 3}
    assert [u["meeting"] for u in solution["unscheduled"]] == [1]


def test_a_higher_priority_is_left_out_last():
    data = limited({1: 1}, [(1, 1, 2), {"id": 2, "participants": [1, 3], "priority": 2}])
    assert placed(solved(data)) == {2}


def test_a_limit_of_zero_places_nothing_for_that_participant():
    data = limited({3: 0}, [(1, 1, 2), (2, 1, 3), (3, 2, 3)])
    solution = solved(data)
    assert placed(solution) == {1}
    assert {u["code"] for u in solution["unscheduled"]} == {"meeting_limit"}


def test_a_limit_that_does_not_bind_changes_nothing():
    meetings = [(1, 1, 2), (2, 1, 3), (3, 2, 3)]
    solution = solved(limited({1: 2, 2: 5}, meetings))
    assert solution["status"] == "optimal"
    assert placed(solution) == {1, 2, 3}
    assert solution["breaks"] == solved(make_instance(6, meetings))["breaks"]


def test_limits_hold_when_moves_are_allowed_from_a_previous_schedule():
    data = limited({1: 2}, [(1, 1, 2), (2, 1, 3), (3, 1, 4)])
    previous = [{"meeting": 3, "slot": 4, "table": 1}]
    solution = solve(parse_instance(data), time_limit=5, previous=previous, allow_moves=True)
    document = solution.to_json()
    assert validate(data, document) == []
    assert 3 in placed(document)  # the published meeting is kept first
    assert len(placed(document)) == 2


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["participants"][0].update(max_meetings=-1), "participants[0].max_meetings"),
        (lambda d: d["participants"][1].update(max_meetings="3"), "participants[1].max_meetings"),
        (lambda d: d["participants"][0].update(max_meetings=True), "participants[0].max_meetings"),
        (lambda d: d["meetings"][1].update(priority=-2), "meetings[1].priority"),
        (lambda d: d["meetings"][0].update(priority=1.5), "meetings[0].priority"),
    ],
)
def test_bad_limits_and_priorities_name_their_field(change, message):
    data = make_instance(4, [(1, 1, 2), (2, 1, 3)])
    change(data)
    with pytest.raises(InstanceError) as caught:
        parse_instance(data)
    assert str(caught.value) == f"{message}: must be a non-negative integer"


def test_a_version_1_file_without_the_new_fields_is_read_as_before():
    instance = parse_instance(make_instance(4, [(1, 1, 2)]))
    assert instance.max_meetings == {}
    assert instance.meetings[0].priority == 0


def test_the_cli_exits_2_naming_the_bad_limit(tmp_path):
    data = make_instance(4, [(1, 1, 2)])
    data["participants"][1]["max_meetings"] = "many"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    assert main([str(path)], stdout=out, stderr=err) == 2
    assert err.getvalue() == (
        "b2b_solve: participants[1].max_meetings: must be a non-negative integer\n"
    )
    done = subprocess.run(
        [sys.executable, "manage.py", "b2b_solve", str(path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2
    assert "participants[1].max_meetings: must be a non-negative integer" in done.stderr
