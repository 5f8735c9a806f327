"""Real concurrent bookings over HTTP against gunicorn on PostgreSQL (tests/live.py).

- 50 people book the same slot of the same person at once: one meeting.
- 50 pairs book the last free table of a slot at once: one meeting.
- After each, over the whole database: no person and no table has two meetings
  in one slot.
- Negative control: with the locks off (the test-only switch of bookings.locking)
  and the unique constraints dropped, the same race double-books, and the
  whole-database check catches it.
"""

from collections import Counter

import pytest
from django.db import connection

from bookings.b2b import services
from bookings.models import Meeting, MeetingSeat, Slot
from tests.bookings.conftest import add_participant
from tests.factories import b2b_session
from tests.live import fire_at_once, sessions_for

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.concurrency,
    pytest.mark.django_db(transaction=True),
]
RACERS = 50
THREADS = 25


def double_bookings() -> tuple[list, list]:
    """(person, slot) and (table, slot) pairs holding more than one booked meeting."""
    people = Counter()
    tables = Counter()
    for a, b, slot, table in Meeting.objects.filter(state="booked").values_list(
        "participant_a_id", "participant_b_id", "slot_id", "table_id"
    ):
        people[(a, slot)] += 1
        people[(b, slot)] += 1
        if table is not None:
            tables[(table, slot)] += 1
    return (
        [key for key, count in people.items() if count > 1],
        [key for key, count in tables.items() if count > 1],
    )


def race(server, session, pairs):
    """Each (booker, other) pair books slot 1 at the same instant; the answers in order."""
    clients = sessions_for([booker.person.user for booker, _other in pairs])
    path = f"/api/v1/b2b/sessions/{session.event.slug}/meetings"
    return fire_at_once(
        [
            lambda c=client, o=other: c.post_json(server, path, {"participant": o.pk, "slot": 1})
            for client, (_booker, other) in zip(clients, pairs, strict=True)
        ]
    )


def one_persons_slot(server, session):
    target = add_participant(session, organisation_name="Demo host studio")
    pairs = [(add_participant(session), target) for _ in range(RACERS)]
    return race(server, session, pairs), target


@pytest.fixture
def race_session():
    return b2b_session(tables=10, direct_booking=True)


def test_fifty_bookings_of_one_persons_slot_give_one_meeting(live_server_factory, race_session):
    server = live_server_factory(threads=THREADS)
    answers, target = one_persons_slot(server, race_session)
    statuses = Counter(a.status for a in answers)
    assert statuses == {201: 1, 409: RACERS - 1}, statuses
    assert {a.json()["code"] for a in answers if a.status == 409} == {"slot_taken"}
    assert MeetingSeat.objects.filter(participant=target, active=True).count() == 1
    assert Meeting.objects.filter(state="booked").count() == 1
    assert double_bookings() == ([], [])


def test_fifty_pairs_racing_for_the_last_table_give_one_meeting(live_server_factory, race_session):
    session = race_session
    first_slot = Slot.objects.get(session=session, index=1)
    for _ in range(9):  # nine of the ten tables of slot 1 are taken already
        services.book_meeting(add_participant(session), add_participant(session), first_slot)
    pairs = [(add_participant(session), add_participant(session)) for _ in range(RACERS)]
    server = live_server_factory(threads=THREADS)
    answers = race(server, session, pairs)
    statuses = Counter(a.status for a in answers)
    assert statuses == {201: 1, 409: RACERS - 1}, statuses
    assert {a.json()["code"] for a in answers if a.status == 409} == {"no_table"}
    assert Meeting.objects.filter(state="booked", slot__index=1).count() == 10
    assert double_bookings() == ([], [])


UNIQUE_CONSTRAINTS = (
    (MeetingSeat, "b2b_seat_one_meeting_per_person_and_slot"),
    (Meeting, "b2b_meeting_one_per_table_and_slot"),
    (Meeting, "b2b_meeting_once_per_pair"),
)


def test_negative_control_without_locks_the_harness_catches_double_bookings(
    live_server_factory, race_session
):
    constraints = [
        (model, next(c for c in model._meta.constraints if c.name == name))
        for model, name in UNIQUE_CONSTRAINTS
    ]
    with connection.schema_editor() as editor:
        for model, constraint in constraints:
            editor.remove_constraint(model, constraint)
    try:
        server = live_server_factory(
            threads=THREADS,
            env={"PRIMI_TEST_LOCK_DISABLED": "true", "PRIMI_TEST_RACE_DELAY": "0.05"},
        )
        answers, target = one_persons_slot(server, race_session)
        people, _tables = double_bookings()
        assert people, "without locks and constraints the race should double-book"
        assert sum(1 for a in answers if a.status == 201) > 1
        assert MeetingSeat.objects.filter(participant=target, active=True).count() > 1
    finally:
        MeetingSeat.objects.all().delete()
        Meeting.objects.all().delete()
        with connection.schema_editor() as editor:
            for model, constraint in constraints:
                editor.add_constraint(model, constraint)
