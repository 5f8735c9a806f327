import itertools
import random
from collections import defaultdict

import pytest

from bookings.scheduling import parse_instance, solve

from .builders import GENEROUS, make_instance
from .validator import breaks_of, validate

LIMIT = GENEROUS


def run(data: dict, **kwargs) -> dict:
    solution = solve(
        parse_instance(data), time_limit=kwargs.pop("time_limit", LIMIT), workers=2, **kwargs
    ).to_json()
    assert validate(data, solution) == []
    return solution


def slot_of(solution: dict) -> dict:
    return {a["meeting"]: a["slot"] for a in solution["assignments"]}


def brute_force_optimum(data: dict) -> int | None:
    """Fewest breaks over every complete schedule (None if there is none)."""
    forbidden = {p["id"]: set(p["forbidden"]) for p in data["participants"]}
    choices = []
    for m in data["meetings"]:
        a, b = m["participants"]
        choices.append(
            [t for t in range(1, data["slots"] + 1) if t not in forbidden[a] | forbidden[b]]
        )
    best = None
    for combo in itertools.product(*choices):
        busy = defaultdict(list)
        load = defaultdict(int)
        ok = True
        for m, t in zip(data["meetings"], combo, strict=True):
            for p in m["participants"]:
                if t in busy[p]:
                    ok = False
                busy[p].append(t)
            load[t] += 1
            if load[t] > data["tables"]:
                ok = False
        if not ok:
            continue
        counts = [breaks_of(ts) for ts in busy.values()]
        if data["fairness"] is not None and max(counts) - min(counts) > data["fairness"]:
            continue
        total = sum(counts)
        best = total if best is None else min(best, total)
    return best


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_optimal_on_small_random_instances_matches_brute_force(seed):
    rng = random.Random(seed)
    people = [1, 2, 3, 4]
    pairs = list(itertools.combinations(people, 2))
    rng.shuffle(pairs)
    meetings = [(i + 1, a, b) for i, (a, b) in enumerate(pairs[:5])]
    forbidden = {p: rng.sample(range(1, 7), 2) for p in people}
    data = make_instance(6, meetings, tables=2, forbidden=forbidden, fairness=1)
    expected = brute_force_optimum(data)
    solution = run(data)
    if expected is None:
        assert solution["status"] == "infeasible"
    else:
        assert solution["status"] == "optimal"
        assert solution["breaks"] == expected == solution["bound"]


def test_star_participant_gets_a_single_block():
    # Participant 1 meets four others; 2 is away at 2, 3 at 3: a block of four exists.
    data = make_instance(
        8, [(1, 1, 2), (2, 1, 3), (3, 1, 4), (4, 1, 5)], forbidden={2: [2], 3: [3]}
    )
    solution = run(data)
    assert solution["status"] == "optimal"
    assert solution["breaks"] == 0
    slots = sorted(slot_of(solution).values())
    assert slots == list(range(slots[0], slots[0] + 4))


def test_forced_gap_is_one_break_and_proven():
    # Participant 1 cannot meet at 2 and has meetings in slots 1..3 only: one break.
    data = make_instance(3, [(1, 1, 2), (2, 1, 3)], forbidden={1: [2]})
    solution = run(data)
    assert (solution["status"], solution["breaks"], solution["bound"]) == ("optimal", 1, 1)


def test_sessions_fixed_and_forbidden_slots_are_respected():
    data = make_instance(
        6,
        [
            {"id": 1, "participants": [1, 2], "session": "PM"},
            {"id": 2, "participants": [1, 3], "fixed": 2},
            {"id": 3, "participants": [2, 3]},
        ],
        sessions={"AM": [1, 3], "PM": [4, 6]},
        forbidden={3: [1, 4, 5, 6]},
    )
    slots = slot_of(run(data))
    assert slots[1] in (4, 5, 6)
    assert slots[2] == 2
    assert slots[3] == 3  # 3 is away at 1, 4, 5, 6 and busy at 2


def test_precedence_is_strict():
    data = make_instance(
        4,
        [
            {"id": "intro", "participants": ["a", "b"]},
            {"id": "follow-up", "participants": ["c", "d"], "after": ["intro"]},
        ],
        forbidden={"a": [3, 4]},
    )
    slots = slot_of(run(data))
    assert slots["follow-up"] > slots["intro"]


def test_table_capacity_spreads_meetings_and_online_needs_none():
    data = make_instance(
        2,
        [
            (1, 1, 2),
            (2, 3, 4),
            {"id": 3, "participants": [5, 6], "online": True},
            {"id": 4, "participants": [7, 8], "online": True},
        ],
        tables=1,
    )
    solution = run(data)
    assert solution["status"] == "optimal"
    slots = slot_of(solution)
    assert slots[1] != slots[2]
    tables = {a["meeting"]: a["table"] for a in solution["assignments"]}
    assert tables == {1: 1, 2: 1, 3: None, 4: None}


def test_string_ids_are_written_back_as_received():
    data = make_instance(3, [("x-1", "alice-role", "bob-role"), ("x-2", "bob-role", 7)])
    solution = run(data)
    assert {a["meeting"] for a in solution["assignments"]} == {"x-1", "x-2"}


def test_fairness_bound_is_applied():
    # Without fairness the optimum gives participant 1 two breaks and the rest none.
    data = make_instance(5, [(1, 1, 2), (2, 1, 3), (3, 1, 4)], forbidden={1: [2, 4]}, fairness=1)
    solution = run(data)
    assert solution["status"] == "infeasible"  # d = 1 cannot hold: 1 has 2 breaks
    data["fairness"] = 2
    solution = run(data)
    assert (solution["status"], solution["breaks"]) == ("optimal", 2)


def test_back_to_back_meetings_keep_their_table():
    data = make_instance(
        2,
        [
            {"id": 1, "participants": [5, 6], "fixed": 1},
            {"id": 2, "participants": [7, 8], "fixed": 1},
            {"id": 3, "participants": [1, 2], "fixed": 1},
            {"id": 4, "participants": [1, 3], "fixed": 2},
            {"id": 5, "participants": [9, 10], "fixed": 2},
        ],
        tables=3,
    )
    tables = {a["meeting"]: a["table"] for a in run(data)["assignments"]}
    assert tables[4] == tables[3] == 3


def test_progress_reports_improving_solutions():
    seen = []
    data = make_instance(6, [(1, 1, 2), (2, 1, 3), (3, 2, 3)], forbidden={1: [3]})
    solution = run(data, progress=lambda *args: seen.append(args))
    assert seen
    assert all(bound is None or bound <= breaks for breaks, bound, _ in seen)
    # A triangle: someone's two meetings cannot be adjacent, so one break at best.
    assert seen[-1][0] == solution["breaks"] == 1


def test_rescheduling_keeps_published_meetings():
    data = make_instance(6, [(1, 1, 2), (2, 3, 4), (3, 1, 3)])
    first = run(data)
    published = first["assignments"]
    data["meetings"].append(
        {
            "id": 4,
            "participants": [2, 4],
            "session": None,
            "fixed": None,
            "after": [],
            "online": False,
        }
    )
    second = run(data, previous=published)
    slots = slot_of(second)
    assert all(slots[a["meeting"]] == a["slot"] for a in published)
    assert second["moved"] == 0
    assert 4 in slots


def test_rescheduling_with_moves_moves_exactly_one_meeting():
    # 1 is busy at slot 1 and 3 at slot 2: the new meeting of 1 and 3 needs a move.
    data = make_instance(2, [(1, 1, 2), (2, 3, 4), (3, 1, 3)])
    published = [{"meeting": 1, "slot": 1, "table": 1}, {"meeting": 2, "slot": 2, "table": 1}]
    kept = run(data, previous=published)
    assert [u["meeting"] for u in kept["unscheduled"]] == [3]
    assert kept["moved"] == 0
    moved = run(data, previous=published, allow_moves=True)
    assert moved["unscheduled"] == []
    assert moved["moved"] == 1
    assert moved["status"] == "optimal"
