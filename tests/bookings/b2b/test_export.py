"""A session as a primi-b2b/1 instance, and a primi-b2b-solution/1 applied back."""

import json
from pathlib import Path

import pytest

from bookings.b2b import services
from bookings.b2b.services.solver_io import apply_solution, session_to_instance
from bookings.exceptions import Invalid
from bookings.models import B2BLogEntry, Meeting, MeetingSeat, Slot
from tests.bookings.conftest import add_participant
from tests.factories import b2b_session

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[3]
# The benchmark instances live in shared/ beside the project (one or two levels up).
SHARED = next(
    (
        p / "shared" / "b2b" / "instances"
        for p in (ROOT.parent, ROOT.parent.parent)
        if (p / "shared" / "b2b" / "instances").exists()
    ),
    ROOT.parent / "shared" / "b2b" / "instances",
)


def accept(a, b):
    return services.answer_request(services.send_request(a, b), b, accept=True)


@pytest.fixture
def two_blocks():
    return b2b_session(
        blocks=(("09:00", "10:15"), ("14:00", "15:15")),
        tables=2,
        video_base_url="https://meet.example.org/",
        fairness=2,
    )


def test_instance_has_slots_sessions_forbidden_and_meetings(two_blocks):
    session = two_blocks
    a, b, c = (add_participant(session) for _ in range(3))
    online_only = add_participant(session, mode="online")
    add_participant(session, status="submitted")  # not approved: left out
    services.set_unavailable(a, {2, 5}, a.person)
    accept(a, b)
    accept(c, online_only)
    session.direct_booking = True
    session.save()
    fixed = services.book_meeting(b, c, Slot.objects.get(session=session, index=4))
    instance = session_to_instance(session)
    assert instance["format"] == "primi-b2b/1"
    assert (instance["slots"], instance["tables"], instance["fairness"]) == (6, 2, 2)
    day = Slot.objects.get(session=session, index=1).block.day.isoformat()
    assert instance["sessions"] == {f"{day} 09:00": [1, 3], f"{day} 14:00": [4, 6]}
    assert {p["id"]: p["forbidden"] for p in instance["participants"]} == {
        a.pk: [2, 5],
        b.pk: [],
        c.pk: [],
        online_only.pk: [],
    }
    assert instance["meetings"] == [
        {
            "id": f"meeting-{fixed.pk}",
            "participants": sorted([b.pk, c.pk]),
            "session": None,
            "fixed": 4,
            "after": [],
            "online": False,
        },
        {
            "id": f"request-{a.requests_sent.get().pk}",
            "participants": sorted([a.pk, b.pk]),
            "session": None,
            "fixed": None,
            "after": [],
            "online": False,
        },
        {
            "id": f"request-{c.requests_sent.get().pk}",
            "participants": sorted([c.pk, online_only.pk]),
            "session": None,
            "fixed": None,
            "after": [],
            "online": True,
        },
    ]
    json.dumps(instance)  # plain JSON, ready for the scheduler


def test_a_solution_is_applied_as_scheduler_meetings(two_blocks):
    session = two_blocks
    a, b, c, d = (add_participant(session) for _ in range(4))
    first, second = accept(a, b), accept(c, d)
    solution = {
        "format": "primi-b2b-solution/1",
        "assignments": [
            {"meeting": f"request-{first.pk}", "slot": 1, "table": 2},
            {"meeting": f"request-{second.pk}", "slot": 1, "table": None},
        ],
        "unscheduled": [],
    }
    assert apply_solution(session, solution, None) == {
        "placed": 2,
        "kept": 0,
        "moved": 0,
        "unscheduled": 0,
    }
    placed = {m.request_id: m for m in Meeting.objects.all()}
    assert (placed[first.pk].table.number, placed[first.pk].source) == (2, "scheduler")
    assert placed[second.pk].online and placed[second.pk].video_url
    assert B2BLogEntry.objects.filter(action="solution-applied").count() == 1


def test_a_solution_that_double_books_writes_nothing(two_blocks):
    session = two_blocks
    a, b, c = (add_participant(session) for _ in range(3))
    first, second = accept(a, b), accept(a, c)
    solution = {
        "format": "primi-b2b-solution/1",
        "assignments": [
            {"meeting": f"request-{first.pk}", "slot": 1, "table": 1},
            {"meeting": f"request-{second.pk}", "slot": 1, "table": 2},
        ],
    }
    with pytest.raises(Exception) as caught:
        apply_solution(session, solution, None)
    assert getattr(caught.value, "code", "") == "slot_taken"
    assert (Meeting.objects.count(), MeetingSeat.objects.count()) == (0, 0)


@pytest.mark.parametrize(
    ("solution", "field"),
    [
        ({"format": "primi-b2b/1", "assignments": []}, "format"),
        ({"format": "primi-b2b-solution/1"}, "assignments"),
        (
            {"format": "primi-b2b-solution/1", "assignments": [{"meeting": "x", "slot": 1}]},
            "assignments",
        ),
        ({"format": "primi-b2b-solution/1", "assignments": [{"slot": 1}]}, "assignments"),
    ],
)
def test_a_malformed_solution_names_the_field(two_blocks, solution, field):
    with pytest.raises(Invalid) as caught:
        apply_solution(two_blocks, solution, None)
    assert caught.value.code == "bad_solution"
    assert f"«\xa0{field}\xa0»" in caught.value.message


def test_a_stale_solution_is_refused(two_blocks):
    a, b = add_participant(two_blocks), add_participant(two_blocks)
    request = accept(a, b)
    services.withdraw_request(request, a)
    solution = {
        "format": "primi-b2b-solution/1",
        "assignments": [{"meeting": f"request-{request.pk}", "slot": 1, "table": 1}],
    }
    with pytest.raises(Invalid) as caught:
        apply_solution(two_blocks, solution, None)
    assert caught.value.code == "stale_solution"


@pytest.mark.skipif(
    not SHARED.exists(), reason="the shared benchmark instances are not beside the project"
)
def test_instance_keys_match_the_shared_format():
    """Our exporter writes the same top-level keys as the benchmark instances."""
    sample = json.loads(next(iter(sorted(SHARED.glob("*.json")))).read_text())
    session = b2b_session()
    assert set(session_to_instance(session)) == set(sample)
