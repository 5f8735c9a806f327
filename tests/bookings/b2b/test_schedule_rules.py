"""Every rule publishing checks is a constraint of the scheduler's run: a run ready for
review can always be published (meeting limits, who meets whom, availability, the
event's dates)."""

import contextlib
import random
from datetime import timedelta

import pytest

from bookings.b2b import services
from bookings.b2b.services import schedule
from bookings.b2b.services.solver_io import session_export
from bookings.exceptions import BookingError
from bookings.models import B2BSession, Meeting, ScheduleRun, Slot
from tests.bookings.conftest import add_participant
from tests.bookings.scheduling.validator import validate
from tests.factories import PersonFactory, StaffUserFactory, b2b_session

pytestmark = pytest.mark.django_db


def accept(a, b):
    return services.answer_request(services.send_request(a, b), b, accept=True)


def slot(session, index):
    return Slot.objects.get(session=session, index=index)


def booked(session, participant=None):
    found = Meeting.objects.filter(session=session, state=Meeting.State.BOOKED)
    if participant is not None:
        found = found.filter(seats__participant=participant, seats__active=True)
    return found.count()


@pytest.fixture
def staff_user(db):
    user = StaffUserFactory()
    PersonFactory(user=user, role="staff")
    return user


def test_a_person_at_the_limit_gets_only_the_meetings_publishing_accepts(
    client, staff_user, django_capture_on_commit_callbacks
):
    """Limit 3: a person holding 2 meetings and 2 accepted requests gets one more, the
    other request is listed with its reason, and publishing succeeds."""
    session = b2b_session(
        blocks=(("09:00", "10:40"),), tables=3, direct_booking=True, max_meetings=3
    )
    names = ["Demo busy studio", "Demo partner 1", "Demo partner 2", "Demo asked 1", "Demo asked 2"]
    busy, first, second, asked_1, asked_2 = (
        add_participant(session, organisation_name=name) for name in names
    )
    services.book_meeting(busy, first, slot(session, 1))
    services.book_meeting(busy, second, slot(session, 2))
    accept(asked_1, busy)
    accept(busy, asked_2)
    accept(asked_1, asked_2)
    client.force_login(staff_user)
    base = f"/en/b2b/{session.event.slug}/staff/schedule/"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(base, {"time_limit": "10"})
    run = ScheduleRun.objects.get(session=session)
    assert run.state == ScheduleRun.State.DONE
    assert (run.placed, run.total) == (4, 5)
    assert [u["code"] for u in run.unscheduled] == ["meeting_limit"]
    page = client.get(f"{base}{run.pk}/").content.decode()
    assert "would have more meetings than this session allows per person." in page
    assert "Demo busy studio" in page

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{base}{run.pk}/publish/", follow=True)
    run.refresh_from_db()
    assert run.state == ScheduleRun.State.PUBLISHED
    assert "Schedule published" in response.content.decode()
    assert booked(session, busy) == 3
    assert booked(session) == 4  # the two held, one of the two asked, and the asked pair


def test_a_request_the_pairing_rule_forbids_is_left_out_with_its_reason(
    django_capture_on_commit_callbacks,
):
    session = b2b_session(blocks=(("09:00", "10:40"),), tables=2)
    member_1 = add_participant(session, organisation_name="Demo member 1")
    member_2 = add_participant(session, organisation_name="Demo member 2")
    delegate = add_participant(session, side="delegate", organisation_name="Demo delegate")
    accept(member_1, member_2)  # accepted before the rule changed
    accept(member_1, delegate)
    B2BSession.objects.filter(pk=session.pk).update(
        pairing=B2BSession.Pairing.DELEGATES_WITH_MEMBERS
    )
    session.refresh_from_db()
    staff = PersonFactory(user=StaffUserFactory(), role="staff")
    with django_capture_on_commit_callbacks(execute=True):
        run = schedule.request_schedule(session, staff, time_limit=10)
    run.refresh_from_db()
    assert (run.placed, run.total) == (1, 2)
    [left] = schedule_unscheduled(run)
    assert left["code"] == "pairing_not_allowed"
    assert left["reason"] == (
        "Demo member 1 and Demo member 2 may not meet under the session’s rule of who meets whom."
    )
    with django_capture_on_commit_callbacks(execute=True):
        counts = schedule.publish_schedule(run, staff)
    assert counts["placed"] == 1 and counts["unscheduled"] == 1
    assert booked(session) == 1


def schedule_unscheduled(run):
    from django.utils import translation

    from bookings.b2b.queries import runs as queries_schedule

    with translation.override("en"):
        return queries_schedule.unscheduled(run)


def test_slots_outside_the_event_are_not_used(django_capture_on_commit_callbacks):
    session = b2b_session(blocks=(("09:00", "10:40"),), tables=2)
    a, b, c = (add_participant(session) for _ in range(3))
    accept(a, b)
    accept(b, c)
    event = session.event
    event.ends_at = slot(session, 2).ends_at  # the event was shortened after the slots
    event.save(update_fields=["ends_at"])
    export = session_export(session)
    assert all(p["forbidden"] == [3, 4] for p in export.instance["participants"])
    staff = PersonFactory(user=StaffUserFactory(), role="staff")
    with django_capture_on_commit_callbacks(execute=True):
        run = schedule.request_schedule(session, staff, time_limit=10)
    run.refresh_from_db()
    assert {a["slot"] for a in run.solution["assignments"]} <= {1, 2}
    with django_capture_on_commit_callbacks(execute=True):
        schedule.publish_schedule(run, staff)
    assert booked(session) == 2


def random_session(seed: int) -> B2BSession:
    """A small session drawn at random: limits, pairing, direct bookings, availability, an
    event shortened after its slots, and accepted requests."""
    rng = random.Random(seed)
    session = b2b_session(
        blocks=(("09:00", "11:05"),),  # five slots
        tables=rng.choice([1, 2, 3]),
        direct_booking=True,
        max_meetings=rng.choice([None, 1, 2, 3]),
        pairing=rng.choice(list(B2BSession.Pairing.values)),
        fairness=rng.choice([None, 1, 2]),
    )
    people = [
        add_participant(
            session,
            side=rng.choice(["member", "delegate"]),
            mode=rng.choice(["both", "both", "in-person"]),
            organisation_name=f"Demo organisation {i}",
        )
        for i in range(rng.randint(4, 7))
    ]
    slots = list(Slot.objects.filter(session=session).order_by("index"))
    for _ in range(rng.randint(0, 4)):  # meetings booked by hand (refusals are fine)
        a, b = rng.sample(people, 2)
        with contextlib.suppress(BookingError):
            services.book_meeting(a, b, rng.choice(slots))
    for person in people:
        if rng.random() < 0.4:
            free = [s.index for s in slots if not person.seats.filter(slot=s, active=True)]
            with contextlib.suppress(BookingError):
                chosen = set(rng.sample(free, min(2, len(free))))
                services.set_unavailable(person, chosen, person.person)
    for _ in range(rng.randint(3, 12)):
        a, b = rng.sample(people, 2)
        with contextlib.suppress(BookingError):
            accept(a, b)
    B2BSession.objects.filter(pk=session.pk).update(pairing=rng.choice(B2BSession.Pairing.values))
    if rng.random() < 0.4:  # the event moved after the slots were made
        event = session.event
        event.ends_at = slots[-1].ends_at - timedelta(minutes=25 * rng.randint(1, 2))
        event.save(update_fields=["ends_at"])
    session.refresh_from_db()
    return session


@pytest.mark.parametrize("seed", range(12))
def test_any_ready_run_publishes(seed, django_capture_on_commit_callbacks):
    session = random_session(seed)
    staff = PersonFactory(user=StaffUserFactory(), role="staff")
    with django_capture_on_commit_callbacks(execute=True):
        run = schedule.request_schedule(session, staff, time_limit=10)
    run.refresh_from_db()
    assert run.state == ScheduleRun.State.DONE, run.error
    assert validate(run.instance, run.solution) == []
    before = booked(session)
    with django_capture_on_commit_callbacks(execute=True):
        counts = schedule.publish_schedule(run, staff)
    assert counts["placed"] == booked(session) - before
    assert run.placed + len(run.unscheduled) == run.total
    limit = session.max_meetings
    if limit is not None:
        for participant in session.participants.all():
            assert booked(session, participant) <= limit


def test_a_solution_publishing_would_refuse_fails_the_run_with_the_reason(
    monkeypatch, django_capture_on_commit_callbacks
):
    """The trial publication catches what the instance missed: a solver that ignores the
    limit (here a stand-in placing everything) gives a failed run, not a ready one."""
    from django.utils import translation

    session = b2b_session(
        blocks=(("09:00", "10:40"),), tables=3, direct_booking=True, max_meetings=1
    )
    busy = add_participant(session, organisation_name="Demo busy studio")
    first, second = add_participant(session), add_participant(session)
    accept(busy, first)
    accept(busy, second)

    def everything(instance, run, previous, progress):
        return {
            "format": "primi-b2b-solution/1",
            "status": "optimal",
            "breaks": 0,
            "bound": 0,
            "seconds": 0.1,
            "assignments": [
                {"meeting": m["id"], "slot": slot_number, "table": 1}
                for slot_number, m in enumerate(instance["meetings"], start=1)
            ],
            "unscheduled": [],
        }

    monkeypatch.setattr(schedule, "_solve", everything)
    staff = PersonFactory(user=StaffUserFactory(), role="staff")
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        run = schedule.request_schedule(session, staff, time_limit=10)
    run.refresh_from_db()
    assert run.state == ScheduleRun.State.FAILED
    assert run.error == "Demo busy studio already has the one meeting this session allows."
    assert booked(session) == 0  # the trial wrote nothing


@pytest.mark.parametrize("seed", range(20, 26))
def test_a_ready_run_that_moves_published_meetings_publishes(
    seed, django_capture_on_commit_callbacks
):
    """As above, with a schedule already published, more requests accepted since, and
    published meetings allowed to move."""
    session = random_session(seed)
    staff = PersonFactory(user=StaffUserFactory(), role="staff")
    with django_capture_on_commit_callbacks(execute=True):
        first = schedule.request_schedule(session, staff, time_limit=10)
    first.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        schedule.publish_schedule(first, staff)
    rng = random.Random(seed)
    people = list(session.participants.all())
    for _ in range(4):
        a, b = rng.sample(people, 2)
        with contextlib.suppress(BookingError):
            accept(a, b)
    with django_capture_on_commit_callbacks(execute=True):
        run = schedule.request_schedule(session, staff, time_limit=10, allow_moves=True)
    run.refresh_from_db()
    assert run.state == ScheduleRun.State.DONE, run.error
    with django_capture_on_commit_callbacks(execute=True):
        schedule.publish_schedule(run, staff)
    run.refresh_from_db()
    assert run.state == ScheduleRun.State.PUBLISHED
