import pytest

from bookings.scheduling import parse_instance, solve

from .builders import GENEROUS, make_instance
from .validator import validate


def left_out(data: dict) -> dict:
    solution = solve(parse_instance(data), time_limit=GENEROUS, workers=2).to_json()
    assert validate(data, solution) == []
    assert solution["status"] == "infeasible"
    return {u["meeting"]: (u["code"], u["reason"]) for u in solution["unscheduled"]}


def test_no_common_slot():
    data = make_instance(3, [(1, 4, 7), (2, 4, 5)], forbidden={4: [1], 7: [2, 3]})
    assert left_out(data) == {
        1: ("no_common_slot", "participants 4 and 7 have no common free slot")
    }


def test_no_common_slot_in_session():
    data = make_instance(
        4,
        [{"id": 1, "participants": [1, 2], "session": "AM"}],
        sessions={"AM": [1, 2], "PM": [3, 4]},
        forbidden={2: [1, 2]},
    )
    assert left_out(data)[1][1] == "participants 1 and 2 have no common free slot in session AM"


def test_participant_full():
    data = make_instance(2, [(1, 1, 2), (2, 1, 3), (3, 1, 4)])
    out = left_out(data)
    assert len(out) == 1
    code, reason = next(iter(out.values()))
    assert code == "participant_full"
    assert reason == "participant 1 has 3 meetings but only 2 usable slots"


def test_no_table():
    data = make_instance(2, [(1, 1, 2), (2, 3, 4), (3, 5, 6)], tables=1)
    out = left_out(data)
    assert [code for code, _ in out.values()] == ["no_table"]


def test_precedence_cycle_names_the_cycle():
    data = make_instance(
        5,
        [
            {"id": 1, "participants": [1, 2], "after": [3]},
            {"id": 2, "participants": [3, 4], "after": [1]},
            {"id": 3, "participants": [5, 6], "after": [2]},
            {"id": 4, "participants": [1, 3]},
        ],
    )
    out = left_out(data)
    assert set(out) == {1, 2, 3}
    assert {code for code, _ in out.values()} == {"precedence_cycle"}
    reason = out[1][1]
    assert "→" in reason
    for mid in ("1", "2", "3"):
        assert mid in reason


@pytest.mark.parametrize(
    ("meetings", "forbidden", "code"),
    [
        ([{"id": 1, "participants": [1, 2], "fixed": 2}], {2: [2]}, "fixed_forbidden"),
        (
            [
                {"id": 1, "participants": [1, 2], "fixed": 2},
                {"id": 2, "participants": [1, 3], "fixed": 2},
            ],
            {},
            "fixed_clash",
        ),
        (
            [{"id": 1, "participants": [1, 2], "fixed": 3, "session": "AM"}],
            {},
            "fixed_outside_session",
        ),
    ],
)
def test_fixed_meeting_reasons(meetings, forbidden, code):
    data = make_instance(4, meetings, forbidden=forbidden, sessions={"AM": [1, 2], "PM": [3, 4]})
    out = left_out(data)
    assert len(out) == 1
    assert next(iter(out.values()))[0] == code


def test_unplaceable_fallback():
    # A triangle in two slots: every participant has room, yet one meeting cannot go.
    data = make_instance(2, [(1, 1, 2), (2, 2, 3), (3, 1, 3)])
    out = left_out(data)
    assert len(out) == 1
    code, reason = next(iter(out.values()))
    assert code == "unplaceable"
    assert "together with the others" in reason


def test_reasons_for_many_meetings_left_out_are_counted_once(monkeypatch):
    # Work, not time: the reasons of a large event look at each meeting's slots a fixed
    # number of times, not once per meeting left out (which took seconds at 4,000).
    from bookings.scheduling import reasons
    from bookings.scheduling.instance import Instance

    data = make_instance(4, [(i, 2 * i, 2 * i + 1) for i in range(1, 61)], tables=1)
    instance = parse_instance(data)
    calls = [0]
    original = Instance.allowed_slots

    def counted(self, meeting):
        calls[0] += 1
        return original(self, meeting)

    monkeypatch.setattr(Instance, "allowed_slots", counted)
    left_out = [m.id for m in instance.meetings[4:]]
    found = reasons.explain(instance, left_out, {1, 2, 3, 4})
    assert {code for code, _ in found.values()} == {"no_table"}
    assert calls[0] <= 3 * len(instance.meetings)
