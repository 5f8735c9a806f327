"""The scheduler over the API (staff): start a run, follow it, preview, publish, discard."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bookings.b2b.services import schedule
from bookings.models import Meeting, ScheduleRun
from tests.api_support import ApiClient, assert_error
from tests.bookings.b2b.test_schedule import Small
from tests.factories import b2b_session

pytestmark = pytest.mark.django_db


@pytest.fixture
def small(db):
    return Small()


@pytest.fixture
def staff_api(small):
    return ApiClient(small.staff_user)


def runs_url(small) -> str:
    return f"/b2b/sessions/{small.session.event.slug}/schedule-runs"


def start(staff_api, small, capture, body=None):
    with capture(execute=True):
        response = staff_api.post(runs_url(small), body or {"time_limit": 10})
    return response


def test_staff_start_follow_preview_and_publish_a_run(
    small, staff_api, django_capture_on_commit_callbacks
):
    started = start(staff_api, small, django_capture_on_commit_callbacks)
    assert started.status_code == 202
    queued = started.json()
    assert (queued["state"], queued["time_limit"], queued["allow_moves"]) == ("queued", 10, False)
    assert queued["session"] == small.session.event.slug
    run = ScheduleRun.objects.get()
    assert queued["id"] == run.pk
    run.refresh_from_db()
    # The job ran on commit (synchronous queue in tests): the run is ready for review.
    status = staff_api.get(f"{runs_url(small)}/{run.pk}").json()
    assert status["state"] == "done"
    assert (status["placed"], status["total"], status["unscheduled"]) == (10, 11, 1)
    assert status["best_breaks"] == run.solution["breaks"] and status["elapsed"] > 0
    assert (status["bound"], status["solver_status"]) == (run.bound, run.solver_status)
    assert status["solver_status"] != "" and status["finished_at"] is not None

    preview = staff_api.get(f"{runs_url(small)}/{run.pk}/preview?lang=en")
    body = preview.json()
    assert {m["meeting"] for m in body["meetings"]} == {
        a["meeting"] for a in run.solution["assignments"]
    }
    fixed = next(m for m in body["meetings"] if m["meeting"] == f"meeting-{small.fixed.pk}")
    assert fixed["slot"]["index"] == 2
    assert sorted(fixed["participants"]) == sorted([small.people[0].pk, small.people[1].pk])
    # Each proposed meeting shows in the agendas of both sides.
    agendas = {a["participant"]: a for a in body["agendas"]}
    assert sum(len(a["meetings"]) for a in agendas.values()) == 2 * len(body["meetings"])
    assert [u["code"] for u in body["unscheduled"]] == ["no_common_slot"]
    assert body["unscheduled"][0]["reason"] == (
        "Demo studio 6 and Demo studio 7 have no free slot in common."
    )
    assert Meeting.objects.filter(session=small.session).count() == 1  # nothing written yet

    with django_capture_on_commit_callbacks(execute=True):
        published = staff_api.post(f"{runs_url(small)}/{run.pk}/publish")
    assert published.json() == {"placed": 9, "kept": 1, "moved": 0, "unscheduled": 1}
    assert Meeting.objects.filter(session=small.session, state="booked").count() == 10
    again = staff_api.post(f"{runs_url(small)}/{run.pk}/publish")
    assert_error(again, 409, "run_not_done")
    assert_error(staff_api.post(f"{runs_url(small)}/{run.pk}/discard"), 409, "run_closed")
    assert staff_api.get(f"{runs_url(small)}/{run.pk}").json()["state"] == "published"


def test_the_reason_follows_the_request_language(
    small, staff_api, django_capture_on_commit_callbacks
):
    start(staff_api, small, django_capture_on_commit_callbacks)
    run = ScheduleRun.objects.get()
    body = staff_api.get(f"{runs_url(small)}/{run.pk}/preview?lang=fr").json()
    assert body["unscheduled"][0]["reason"] == (
        "Demo studio 6 et Demo studio 7 n’ont aucun créneau libre en commun."
    )


def test_a_queued_run_cannot_be_published_and_has_no_preview(small, staff_api):
    # Without running the on-commit callbacks, the run stays queued.
    response = staff_api.post(runs_url(small), {"time_limit": 5, "allow_moves": True})
    assert response.status_code == 202
    run = ScheduleRun.objects.get()
    assert (run.state, run.time_limit, run.allow_moves) == ("queued", 5, True)
    assert_error(staff_api.post(f"{runs_url(small)}/{run.pk}/publish"), 409, "run_not_done")
    assert_error(staff_api.get(f"{runs_url(small)}/{run.pk}/preview"), 409, "no_solution")
    # One active run per session.
    assert_error(staff_api.post(runs_url(small), {"time_limit": 5}), 409, "run_active")
    discarded = staff_api.post(f"{runs_url(small)}/{run.pk}/discard")
    assert discarded.json()["state"] == "discarded"
    run.refresh_from_db()
    assert run.state == "discarded" and run.decided_by == small.staff
    # A discarded run is never solved, even if its job runs late.
    assert schedule.run_schedule(run.pk) is None
    assert_error(staff_api.post(f"{runs_url(small)}/{run.pk}/publish"), 409, "run_not_done")


@pytest.mark.parametrize(
    "body",
    [{"time_limit": 0}, {"time_limit": 3601}, {"time_limit": "10"}, {"colour": "blue"}],
)
def test_bad_options_are_422_and_start_nothing(small, staff_api, body):
    assert_error(staff_api.post(runs_url(small), body), 422, "invalid")
    assert not ScheduleRun.objects.exists()


def test_a_session_without_slots_is_422(staff_api):
    bare = b2b_session(blocks=())
    response = staff_api.post(f"/b2b/sessions/{bare.event.slug}/schedule-runs", {})
    assert_error(response, 422, "no_slots")
    assert not ScheduleRun.objects.exists()


def test_unknown_session_or_run_is_404(small, staff_api):
    other = b2b_session()
    run = schedule.request_schedule(other, small.staff)
    assert_error(staff_api.post("/b2b/sessions/nope/schedule-runs", {}), 404, "not_found")
    assert_error(staff_api.get("/b2b/sessions/nope/schedule-runs"), 404, "not_found")
    # A run of another session is not found under this one.
    for method, suffix in [
        ("get", ""),
        ("get", "/preview"),
        ("post", "/publish"),
        ("post", "/discard"),
    ]:
        response = getattr(staff_api, method)(f"{runs_url(small)}/{run.pk}{suffix}")
        assert_error(response, 404, "not_found")
    run.refresh_from_db()
    assert run.state == "queued"


@pytest.mark.parametrize(
    ("method", "suffix"),
    [
        ("post", ""),
        ("get", ""),
        ("get", "/{run}"),
        ("get", "/{run}/preview"),
        ("post", "/{run}/publish"),
        ("post", "/{run}/discard"),
    ],
)
def test_participants_are_refused(small, method, suffix):
    run = schedule.request_schedule(small.session, small.staff)
    participant = ApiClient(small.people[0].person.user)
    url = runs_url(small) + suffix.format(run=run.pk)
    response = (
        participant.post(url, {"time_limit": 5}) if method == "post" else participant.get(url)
    )
    assert_error(response, 403, "staff_only")
    run.refresh_from_db()
    assert run.state == "queued"
    assert ScheduleRun.objects.count() == 1


@pytest.mark.parametrize("count", [1, 3])
def test_the_list_keeps_a_constant_number_of_queries(small, staff_api, count):
    for _ in range(count):
        run = schedule.request_schedule(small.session, small.staff)
        schedule.discard_schedule(run, small.staff)
    staff_api.get("/me")  # records the token's last use
    with CaptureQueriesContext(connection) as queries:
        body = staff_api.get(runs_url(small)).json()
    assert body["count"] == count and len(body["items"]) == count
    assert [item["state"] for item in body["items"]] == ["discarded"] * count
    assert len(queries) == 4  # the token with its person (language), the session, count, page


def test_the_stand_in_solver_of_the_schemathesis_run_finishes_a_run_at_once(
    small, staff_api, monkeypatch, django_capture_on_commit_callbacks
):
    from tests.primi_site.test_api_schema import no_real_solve

    monkeypatch.setattr(schedule, "_solve", no_real_solve)
    start(staff_api, small, django_capture_on_commit_callbacks, {"time_limit": 3600})
    run = ScheduleRun.objects.get()
    assert (run.state, run.solver_status, run.placed, run.total) == ("done", "unknown", 0, 11)
    assert run.elapsed == 0
