"""The scheduler in the product: request a run, follow it, preview, publish, discard."""

import re

import pytest
from django.core import mail
from django.db import IntegrityError, transaction

from bookings.b2b import services
from bookings.b2b.services import schedule
from bookings.b2b.services.solver_io import session_to_instance
from bookings.exceptions import Conflict
from bookings.models import B2BLogEntry, Meeting, MeetingSeat, ScheduleRun, Slot
from primi_site.models import WebhookDelivery, WebhookEndpoint
from tests.bookings.conftest import add_participant
from tests.bookings.scheduling.validator import validate
from tests.factories import PersonFactory, StaffUserFactory, b2b_session

pytestmark = pytest.mark.django_db

# (a, b) indexes of the accepted requests; (0, 1) is booked by hand, (6, 7) cannot meet.
PAIRS = [(0, 1), (0, 2), (0, 3), (1, 2), (1, 4), (2, 3), (3, 4), (4, 5), (0, 5), (3, 5), (6, 7)]


def accept(a, b):
    return services.answer_request(services.send_request(a, b), b, accept=True)


class Small:
    """Eight participants (four French, four English), four slots, three tables."""

    def __init__(self):
        self.session = b2b_session(blocks=(("09:00", "10:40"),), tables=3, direct_booking=True)
        self.people = [
            add_participant(
                self.session,
                person=PersonFactory(language="fr" if i % 2 == 0 else "en"),
                organisation_name=f"Demo studio {i}",
            )
            for i in range(8)
        ]
        p = self.people
        for a, b in PAIRS:
            accept(p[a], p[b])
        self.fixed = services.book_meeting(p[0], p[1], self.slot(2))
        services.set_unavailable(p[2], {1}, p[2].person)
        services.set_unavailable(p[6], {1, 2}, p[6].person)
        services.set_unavailable(p[7], {3, 4}, p[7].person)
        self.staff_user = StaffUserFactory()
        self.staff = PersonFactory(user=self.staff_user, role="staff")

    def slot(self, index):
        return Slot.objects.get(session=self.session, index=index)


@pytest.fixture
def small(db):
    return Small()


def run_to_done(small, capture, **kwargs):
    with capture(execute=True):
        run = schedule.request_schedule(small.session, small.staff, time_limit=10, **kwargs)
    run.refresh_from_db()
    return run


def test_a_run_is_solved_previewed_and_published(small, django_capture_on_commit_callbacks):
    WebhookEndpoint.objects.create(
        url="https://partner.example/h", secret="s", event_types=["schedule.published"]
    )
    mail.outbox.clear()
    run = run_to_done(small, django_capture_on_commit_callbacks)
    assert run.state == ScheduleRun.State.DONE
    assert run.total == 11
    assert run.placed == 10
    assert [u["code"] for u in run.unscheduled] == ["no_common_slot"]
    assert run.unscheduled[0]["meeting"].startswith("request-")
    assert run.best_breaks == run.solution["breaks"]
    assert run.elapsed > 0
    assert validate(run.instance, run.solution) == []
    # The fixed meeting stays in its slot; nothing is written before publishing.
    fixed = {a["meeting"]: a["slot"] for a in run.solution["assignments"]}
    assert fixed[f"meeting-{small.fixed.pk}"] == 2
    assert Meeting.objects.filter(session=small.session).count() == 1
    # The unavailable slot is respected.
    p2 = small.people[2].pk
    by_meeting = {m["id"]: m for m in run.instance["meetings"]}
    assert all(
        a["slot"] != 1
        for a in run.solution["assignments"]
        if p2 in by_meeting[a["meeting"]]["participants"]
    )

    with django_capture_on_commit_callbacks(execute=True):
        counts = schedule.publish_schedule(run, small.staff)
    assert counts == {"placed": 9, "kept": 1, "moved": 0, "unscheduled": 1}
    run.refresh_from_db()
    assert run.state == ScheduleRun.State.PUBLISHED
    booked = {
        (m.participant_a_id, m.participant_b_id): (
            m.slot.index,
            m.table.number if m.table else None,
        )
        for m in Meeting.objects.filter(session=small.session, state="booked").select_related(
            "slot", "table"
        )
    }
    expected = {
        tuple(sorted(by_meeting[a["meeting"]]["participants"])): (a["slot"], a["table"])
        for a in run.solution["assignments"]
    }
    assert booked == expected
    # One agenda per participant, in their language, one REQUEST invitation per meeting.
    assert len(mail.outbox) == 8
    by_address = {m.to[0]: m for m in mail.outbox}
    for participant in small.people:
        email = by_address[participant.person.user.email]
        count = sum(1 for pair in booked if participant.pk in pair)
        assert len(email.attachments) == count
        assert all("METHOD:REQUEST" in a[1] for a in email.attachments)
        if participant.person.language == "fr":
            assert email.subject.startswith("Vos rendez-vous")
        else:
            assert email.subject.startswith("Your B2B meetings")
    delivery = WebhookDelivery.objects.get(event_type="schedule.published")
    assert delivery.payload["placed"] == 9
    assert delivery.payload["session"] == small.session.event.slug
    assert B2BLogEntry.objects.filter(action="schedule-published").count() == 1


def test_a_late_request_keeps_every_published_meeting(small, django_capture_on_commit_callbacks):
    run = run_to_done(small, django_capture_on_commit_callbacks)
    schedule.publish_schedule(run, small.staff)
    before = dict(
        Meeting.objects.filter(session=small.session, state="booked").values_list("pk", "slot_id")
    )
    late = add_participant(small.session, organisation_name="Demo studio late")
    accept(late, small.people[5])
    run = run_to_done(small, django_capture_on_commit_callbacks, allow_moves=False)
    assert run.state == ScheduleRun.State.DONE
    assert run.moved == 0
    assert validate(run.instance, run.solution) == []
    counts = schedule.publish_schedule(run, small.staff)
    assert counts["placed"] == 1 and counts["moved"] == 0
    after = dict(
        Meeting.objects.filter(session=small.session, state="booked").values_list("pk", "slot_id")
    )
    assert {pk: after[pk] for pk in before} == before
    assert len(after) == len(before) + 1


def test_with_moves_allowed_the_moves_are_counted_and_applied(
    small, django_capture_on_commit_callbacks
):
    run = run_to_done(small, django_capture_on_commit_callbacks)
    schedule.publish_schedule(run, small.staff)
    run = run_to_done(small, django_capture_on_commit_callbacks, allow_moves=True)
    assert run.state == ScheduleRun.State.DONE
    assert run.moved is not None
    # The meeting booked by hand stays fixed even when moves are allowed.
    fixed = next(m for m in run.instance["meetings"] if m["id"] == f"meeting-{small.fixed.pk}")
    assert fixed["fixed"] == 2
    counts = schedule.publish_schedule(run, small.staff)
    assert counts["moved"] == run.moved
    assert (
        MeetingSeat.objects.filter(active=True).count()
        == 2 * Meeting.objects.filter(state="booked").count()
    )


def test_publishing_is_refused_when_the_session_changed(small, django_capture_on_commit_callbacks):
    run = run_to_done(small, django_capture_on_commit_callbacks)
    services.set_unavailable(small.people[4], {4}, small.people[4].person)
    with pytest.raises(Conflict) as error:
        schedule.publish_schedule(run, small.staff)
    assert error.value.code == "session_changed"
    run.refresh_from_db()
    assert run.state == ScheduleRun.State.DONE
    assert Meeting.objects.filter(session=small.session).count() == 1


def test_progress_is_written_while_solving(small, monkeypatch):
    import threading

    writes = []
    written = threading.Event()
    real_write = schedule._write_progress

    def recording_write(run_pk, values):
        real_write(run_pk, values)
        writes.append(values)
        written.set()

    def fake_solve(instance, run, previous, progress):
        progress(9, 2, 0.1)
        progress(7, 3, 0.4)  # only the latest within PROGRESS_EVERY is written
        assert written.wait(5), "no progress written while solving"
        progress(5, 3, 0.6)
        raise RuntimeError("stop here")

    monkeypatch.setattr(schedule, "_write_progress", recording_write)
    monkeypatch.setattr(schedule, "_solve", fake_solve)
    run = schedule.request_schedule(small.session, small.staff, time_limit=5)
    schedule.run_schedule(run.pk)
    assert writes == [(7, 3, 0.4), (5, 3, 0.6)]
    run.refresh_from_db()
    assert (run.best_breaks, run.bound, run.elapsed, run.total) == (5, 3, 0.6, 11)
    assert run.state == ScheduleRun.State.FAILED


def test_a_failing_solver_fails_the_run_and_writes_nothing(
    small, monkeypatch, django_capture_on_commit_callbacks
):
    def broken(*args):
        raise RuntimeError("solver exploded")

    monkeypatch.setattr(schedule, "_solve", broken)
    run = run_to_done(small, django_capture_on_commit_callbacks)
    assert run.state == ScheduleRun.State.FAILED
    assert run.error == "solver exploded"
    assert run.solution is None
    assert Meeting.objects.filter(session=small.session).count() == 1
    with pytest.raises(Conflict) as refused:
        schedule.publish_schedule(run, small.staff)
    assert refused.value.code == "run_not_done"
    # A failed run does not block the next one.
    assert schedule.request_schedule(small.session, small.staff).state == "queued"


def test_one_active_run_per_session(small):
    first = schedule.request_schedule(small.session, small.staff)
    with pytest.raises(Conflict) as error:
        schedule.request_schedule(small.session, small.staff)
    assert error.value.code == "run_active"
    with pytest.raises(IntegrityError), transaction.atomic():
        ScheduleRun.objects.create(session=small.session, state="done")
    schedule.discard_schedule(first, small.staff)
    assert schedule.request_schedule(small.session, small.staff).state == "queued"
    assert ScheduleRun.objects.filter(session=small.session).count() == 2


def test_running_a_run_twice_solves_once(small, django_capture_on_commit_callbacks):
    run = run_to_done(small, django_capture_on_commit_callbacks)
    assert schedule.run_schedule(run.pk) is None
    assert B2BLogEntry.objects.filter(action="schedule-done").count() == 1


def test_the_export_is_unchanged_for_the_session(small):
    instance = session_to_instance(small.session)
    assert [m["fixed"] for m in instance["meetings"] if m["id"].startswith("meeting-")] == [2]


# Pages ------------------------------------------------------------------------------


def test_staff_schedule_preview_and_publish_pages(
    client, small, django_capture_on_commit_callbacks
):
    client.force_login(small.staff_user)
    base = f"/fr/b2b/{small.session.event.slug}/staff/schedule/"
    form = client.get(base)
    assert "Planifier" in form.content.decode() or 'name="time_limit"' in form.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(base, {"time_limit": "10"})
    run = ScheduleRun.objects.get()
    assert response.status_code == 302 and response.url == f"{base}{run.pk}/"
    run.refresh_from_db()
    assert run.state == "done"
    page = client.get(f"{base}{run.pk}/").content.decode()
    assert 'http-equiv="refresh"' not in page
    assert "<script>" not in page and "style=" not in page
    # The preview lists exactly the solution's meetings.
    shown = set(re.findall(r'data-meeting="([^"]+)"', page))
    assert shown == {a["meeting"] for a in run.solution["assignments"]}
    # The impossible meeting's reason, in French, names both sides.
    assert "Demo studio 6 et Demo studio 7 n’ont aucun créneau libre en commun." in page
    progress = client.get(f"{base}{run.pk}/progress.json").json()
    assert progress["state"] == "done" and progress["placed"] == 10 and progress["total"] == 11
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"{base}{run.pk}/publish/")
    run.refresh_from_db()
    assert run.state == "published"
    assert Meeting.objects.filter(session=small.session, state="booked").count() == 10


def test_a_running_run_page_refreshes_itself(client, small):
    run = schedule.request_schedule(small.session, small.staff)
    ScheduleRun.objects.filter(pk=run.pk).update(state="running", best_breaks=4, elapsed=1.5)
    client.force_login(small.staff_user)
    page = client.get(f"/en/b2b/{small.session.event.slug}/staff/schedule/{run.pk}/")
    html = page.content.decode()
    assert '<meta http-equiv="refresh" content="2">' in html
    assert "/static/bookings/schedule_progress.js" in html
    assert '<dd data-field="best_breaks">4</dd>' in html
    # The script follows the state in the page's language, as the page shows it.
    slug = small.session.event.slug
    progress = client.get(f"/fr/b2b/{slug}/staff/schedule/{run.pk}/progress.json")
    assert progress.json()["state"] == "running"
    assert progress.json()["state_label"] == "En cours"


def test_members_cannot_reach_the_scheduler_pages(client, small):
    run = schedule.request_schedule(small.session, small.staff)
    client.force_login(small.people[0].person.user)
    base = f"/en/b2b/{small.session.event.slug}/staff/schedule/"
    assert client.get(base).status_code == 404
    assert client.post(base, {"time_limit": "5"}).status_code == 404
    assert client.get(f"{base}{run.pk}/").status_code == 404
    assert client.get(f"{base}{run.pk}/progress.json").status_code == 404
    assert client.post(f"{base}{run.pk}/discard/").status_code == 404
    run.refresh_from_db()
    assert run.state == "queued"
    assert ScheduleRun.objects.count() == 1
