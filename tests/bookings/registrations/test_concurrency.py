"""Real concurrent HTTP requests against gunicorn and PostgreSQL: never overbooked.

Skipped with a message on SQLite; `dev.py test` runs them in its PostgreSQL pass.
"""

import random
import re
import threading
import time
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.db import connections
from django.utils import timezone

from bookings import tasks
from bookings.models import Registration, RegistrationState
from bookings.registrations import queries
from missions.models import Organisation, Person
from tests.factories import EventFactory, OrganisationFactory
from tests.live import Response, fire_at_once, sessions_for

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.concurrency,
    pytest.mark.django_db(transaction=True),
]

SEATS = 50
CLIENTS = 200
POSITION = re.compile(r"on the waitlist, in position (\d+)\.")


def make_people(count: int, organisation: Organisation) -> list[Person]:
    user_model = get_user_model()
    prefix = f"rush-{time.monotonic_ns()}"
    users = user_model.objects.bulk_create(
        [
            user_model(username=f"{prefix}-{n}", email=f"{prefix}-{n}@example.org", password="!")
            for n in range(count)
        ]
    )
    return Person.objects.bulk_create(
        [Person(user=user, organisation=organisation, language="en") for user in users]
    )


def seat_everyone(event, holders, waiting) -> None:
    """The state a first rush leaves (as the services write it, in bulk for speed)."""
    now = timezone.now()
    Registration.objects.bulk_create(
        [Registration(event=event, person=p, state=RegistrationState.CONFIRMED) for p in holders]
        + [
            Registration(
                event=event,
                person=p,
                state=RegistrationState.WAITLISTED,
                waitlisted_at=now + timedelta(microseconds=n),
            )
            for n, p in enumerate(waiting)
        ]
    )


def outcome(response: Response) -> tuple[str, int | None]:
    """What the person was told: ("confirmed", None) or ("waitlisted", position)."""
    assert response.status == 302, (response.status, response.body[:500])
    (message,) = response.messages()
    if message.startswith("You are registered for"):
        return "confirmed", None
    match = POSITION.search(message)
    assert match, message
    return "waitlisted", int(match.group(1))


def rush(server, event, clients):
    path = f"/en/events/{event.slug}/register/"
    return fire_at_once([lambda c=c: c.post(server, path) for c in clients])


def assert_rush_answers(results, seats: int) -> None:
    errors = [r for r in results if isinstance(r, BaseException)]
    assert not errors, errors[:3]
    server_errors = [r.status for r in results if r.status >= 500]
    assert not server_errors
    told = [outcome(r) for r in results]
    assert sum(1 for state, _ in told if state == "confirmed") == seats
    positions = sorted(position for state, position in told if state == "waitlisted")
    assert positions == list(range(1, len(results) - seats + 1))


def test_two_hundred_people_at_once_for_fifty_seats(live_server_factory):
    event = EventFactory(slug="rush", capacity=SEATS)
    people = make_people(CLIENTS, OrganisationFactory())
    server = live_server_factory(workers=2, threads=8)
    results = rush(server, event, sessions_for(person.user for person in people))

    assert_rush_answers(results, SEATS)
    counts = queries.counts_by_state(event)
    assert counts == {"confirmed": SEATS, "waitlisted": CLIENTS - SEATS}
    assert queries.invariant_violations(event, settled=True) == []
    assert Registration.objects.filter(event=event).count() == CLIENTS  # no duplicate


def test_rush_with_cancellations_and_promotions_at_the_same_time(live_server_factory):
    event = EventFactory(slug="busy", capacity=SEATS)
    organisation = OrganisationFactory()
    holders = make_people(SEATS, organisation)
    early_waiting = make_people(20, organisation)
    seat_everyone(event, holders, early_waiting)
    newcomers = make_people(150, organisation)
    server = live_server_factory(workers=2, threads=8)

    leaving = random.Random(3).sample(holders, 30)
    registrations = dict(
        Registration.objects.filter(event=event, person__in=leaving).values_list("person", "pk")
    )
    cancel_clients = sessions_for(person.user for person in leaving)
    register_clients = sessions_for(person.user for person in newcomers)

    peak = {"taken": 0}
    stop = threading.Event()

    def watch() -> None:
        while not stop.is_set():
            peak["taken"] = max(peak["taken"], queries.seats_taken(event))
            time.sleep(0.005)
        connections.close_all()

    def promote() -> int:
        time.sleep(random.random() * 0.5)
        return tasks.promote_waitlist("event", event.pk)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    register_path = f"/en/events/{event.slug}/register/"
    actions = [lambda c=c: c.post(server, register_path) for c in register_clients]
    actions += [
        lambda c=c, pk=registrations[p.pk]: c.post(
            server, f"/en/account/registrations/{pk}/cancel/", {"reason": "plans changed"}
        )
        for c, p in zip(cancel_clients, leaving, strict=True)
    ]
    actions += [promote for _ in range(10)]
    random.Random(7).shuffle(actions)
    results = fire_at_once(actions)
    tasks.promote_waitlist("event", event.pk)  # the job the last cancellation enqueued
    stop.set()
    watcher.join()

    errors = [r for r in results if isinstance(r, BaseException)]
    assert not errors, errors[:3]
    responses = [r for r in results if isinstance(r, Response)]
    assert len(responses) == 180
    assert all(r.status == 302 for r in responses), {r.status for r in responses}
    said = [m for r in responses for m in r.messages()]
    assert sum("is cancelled" in m for m in said) == 30
    assert sum("You are registered" in m or "on the waitlist" in m for m in said) == 150
    assert peak["taken"] <= SEATS
    assert queries.invariant_violations(event, settled=True) == []
    counts = queries.counts_by_state(event)
    assert counts["confirmed"] == SEATS and counts["cancelled"] == 30
    assert counts["waitlisted"] == 20 + 150 - 30


def test_negative_control_without_the_lock_the_harness_sees_overbooking(live_server_factory):
    """A rush with the lock disabled and the check-to-write window widened."""
    seats = 20
    event = EventFactory(slug="unlocked", capacity=seats)
    people = make_people(100, OrganisationFactory())
    server = live_server_factory(
        workers=2,
        threads=8,
        env={"PRIMI_TEST_LOCK_DISABLED": "true", "PRIMI_TEST_RACE_DELAY": "0.05"},
    )
    results = rush(server, event, sessions_for(person.user for person in people))
    assert all(isinstance(r, Response) and r.status == 302 for r in results)
    confirmed = Registration.objects.filter(event=event, state=RegistrationState.CONFIRMED).count()
    assert confirmed > seats
    problems = queries.invariant_violations(event)
    assert problems and problems[0].startswith("overbooked")
