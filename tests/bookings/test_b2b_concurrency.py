"""Real concurrent bookings over HTTP against gunicorn on PostgreSQL.

- 50 people book the same slot of the same person at once: one meeting.
- 50 pairs book the last free table of a slot at once: one meeting.
- After each, over the whole database: no person and no table has two meetings
  in one slot.
- Negative control: with the locks off and the unique constraints dropped, the
  same race double-books, and the whole-database check catches it.
"""

from collections import Counter

import pytest
from django.db import connection

from bookings.models import B2BParticipant, Meeting, MeetingSeat
from tests.bookings.conftest import add_participant
from tests.factories import b2b_session
from tests.live import fire, live_gunicorn, signed_in

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.concurrency,
    pytest.mark.django_db(transaction=True),
]
RACERS = 50


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


def same_person_race(base: str, session) -> tuple[list, B2BParticipant]:
    target = add_participant(session, organisation_name="Demo host studio")
    racers = [add_participant(session) for _ in range(RACERS)]
    calls = [
        (
            signed_in(racer.person.user),
            "POST",
            f"/api/v1/b2b/sessions/{session.event.slug}/meetings",
            {"participant": target.pk, "slot": 1},
        )
        for racer in racers
    ]
    return fire(base, calls), target


@pytest.fixture(scope="module")
def server(django_db_setup, django_db_blocker):
    """One gunicorn for the module's races (the negative control starts its own)."""
    from tests.live import require_postgres

    with django_db_blocker.unblock():
        require_postgres()
        with live_gunicorn() as base:
            yield base


@pytest.fixture
def race_session(transactional_db):
    from tests.live import require_postgres

    require_postgres()
    return b2b_session(tables=10, direct_booking=True)


def test_fifty_bookings_of_one_persons_slot_give_one_meeting(server, race_session):
    answers, target = same_person_race(server, race_session)
    statuses = Counter(a.status for a in answers)
    assert statuses == {201: 1, 409: RACERS - 1}, statuses
    assert {a.body["code"] for a in answers if a.status == 409} <= {"slot_taken"}
    assert MeetingSeat.objects.filter(participant=target, active=True).count() == 1
    assert Meeting.objects.filter(state="booked").count() == 1
    assert double_bookings() == ([], [])


def test_fifty_pairs_racing_for_the_last_table_give_one_meeting(server, race_session):
    session = race_session
    # Nine of the ten tables of slot 1 are taken already.
    for _ in range(9):
        from bookings.models import Slot
        from bookings.services import b2b as services

        services.book_meeting(
            add_participant(session),
            add_participant(session),
            Slot.objects.get(session=session, index=1),
        )
    pairs = [(add_participant(session), add_participant(session)) for _ in range(RACERS)]
    calls = [
        (
            signed_in(a.person.user),
            "POST",
            f"/api/v1/b2b/sessions/{session.event.slug}/meetings",
            {"participant": b.pk, "slot": 1},
        )
        for a, b in pairs
    ]
    answers = fire(server, calls)
    statuses = Counter(a.status for a in answers)
    assert statuses == {201: 1, 409: RACERS - 1}, statuses
    assert {a.body["code"] for a in answers if a.status == 409} == {"no_table"}
    assert Meeting.objects.filter(state="booked", slot__index=1).count() == 10
    assert double_bookings() == ([], [])


UNIQUE_CONSTRAINTS = (
    (MeetingSeat, "b2b_seat_one_meeting_per_person_and_slot"),
    (Meeting, "b2b_meeting_one_per_table_and_slot"),
    (Meeting, "b2b_meeting_once_per_pair"),
)


def test_negative_control_without_locks_the_harness_catches_double_bookings(race_session):
    constraints = [
        (model, next(c for c in model._meta.constraints if c.name == name))
        for model, name in UNIQUE_CONSTRAINTS
    ]
    with connection.schema_editor() as editor:
        for model, constraint in constraints:
            editor.remove_constraint(model, constraint)
    try:
        caught = False
        with live_gunicorn(env={"PRIMI_TEST_B2B_LOCKS_DISABLED": "1"}) as base:
            for attempt in range(3):  # a race is a race: give it a few chances
                session = (
                    race_session if attempt == 0 else b2b_session(tables=10, direct_booking=True)
                )
                answers, target = same_person_race(base, session)
                people, _tables = double_bookings()
                if people:
                    caught = True
                    break
        assert caught, "without locks and constraints the race should double-book"
        assert sum(1 for a in answers if a.status == 201) > 1
        assert MeetingSeat.objects.filter(participant=target, active=True).count() > 1
    finally:
        MeetingSeat.objects.all().delete()
        Meeting.objects.all().delete()
        with connection.schema_editor() as editor:
            for model, constraint in constraints:
                editor.add_constraint(model, constraint)
