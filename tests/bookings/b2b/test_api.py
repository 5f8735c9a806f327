"""The B2B API: every route, object-level access with two users, errors, query budgets."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bookings.b2b import services
from bookings.models import Meeting, MeetingRequest, Slot
from tests.api_support import assert_error
from tests.bookings.conftest import add_participant, registered_person
from tests.factories import PersonFactory, UserFactory

pytestmark = pytest.mark.django_db
API = "/api/v1/b2b"


def as_user(client, participant):
    client.force_login(participant.person.user)
    return client


def book(session, a, b, index):
    session.direct_booking = True
    session.save(update_fields=["direct_booking"])
    return services.book_meeting(a, b, Slot.objects.get(session=session, index=index))


def test_anonymous_is_refused(client, session):
    response = client.get(f"{API}/sessions/{session.event.slug}")
    assert response.status_code == 401


def test_session_and_slots(client, session, member):
    as_user(client, member)
    body = client.get(f"{API}/sessions/{session.event.slug}").json()
    assert (body["slug"], body["tables"], body["me"], body["online"]) == (
        session.event.slug,
        3,
        member.pk,
        True,
    )
    slots = client.get(f"{API}/sessions/{session.event.slug}/slots").json()
    assert [s["index"] for s in slots] == [1, 2, 3]
    assert slots[1]["local_start"].endswith("T09:25:00+01:00") or slots[1]["local_start"].endswith(
        "T09:25:00+02:00"
    )


def test_unknown_session_is_404_with_the_error_shape(client, member):
    as_user(client, member)
    response = client.get(f"{API}/sessions/nope")
    assert_error(response, 404, "not_found")


def test_directory_filters_and_pages(client, session, member, delegate):
    add_participant(session, organisation_name="Demo games studio", offer_en="Console games")
    as_user(client, member)
    url = f"{API}/sessions/{session.event.slug}/participants"
    body = client.get(url).json()
    assert body["count"] == 2
    assert member.pk not in [p["id"] for p in body["items"]]
    assert [p["organisation"] for p in client.get(url, {"country": "CA"}).json()["items"]] == [
        "Demo partner B"
    ]
    found = client.get(url, {"q": "console", "within": "offer"}).json()
    assert [p["organisation"] for p in found["items"]] == ["Demo games studio"]
    page = client.get(url, {"limit": 1, "offset": 1}).json()
    assert page["count"] == 2 and len(page["items"]) == 1
    assert_error(client.get(url, {"limit": 10_000}), 422, "invalid")
    assert_error(client.get(url, {"colour": "blue"}), 422, "invalid")


def test_directory_is_404_for_someone_outside_the_session(client, session, member):
    client.force_login(PersonFactory().user)
    assert client.get(f"{API}/sessions/{session.event.slug}/participants").status_code == 404
    assert (
        client.get(f"{API}/sessions/{session.event.slug}/participants/{member.pk}").status_code
        == 404
    )


def test_an_unapproved_profile_is_404_to_others(client, session, member):
    draft = add_participant(session, status="submitted")
    as_user(client, member)
    assert (
        client.get(f"{API}/sessions/{session.event.slug}/participants/{draft.pk}").status_code
        == 404
    )
    as_user(client, draft)
    assert (
        client.get(f"{API}/sessions/{session.event.slug}/participants/{draft.pk}").status_code
        == 200
    )


def test_join_update_profile_and_availability(client, session):
    person = registered_person(session)
    client.force_login(person.user)
    slug = session.event.slug
    created = client.post(f"{API}/sessions/{slug}/join")
    assert created.status_code == 201 and created.json()["status"] == "draft"
    assert client.post(f"{API}/sessions/{slug}/join").json()["code"] == "already_joined"
    unagreed = client.patch(
        f"{API}/sessions/{slug}/me",
        {"offer_en": "Motion design", "submit": True},
        content_type="application/json",
    )
    assert_error(unagreed, 422, "consent_required")
    response = client.patch(
        f"{API}/sessions/{slug}/me",
        {
            "offer_en": "Motion design",
            "languages": ["en"],
            "directory_consent": True,
            "submit": True,
        },
        content_type="application/json",
    )
    assert response.json()["directory_consent_at"] is not None
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["offer_en"]) == (
        "submitted",
        "Motion design",
    )
    bad = client.patch(
        f"{API}/sessions/{slug}/me", {"languages": ["xx"]}, content_type="application/json"
    )
    assert bad.status_code == 422 and "xx" in bad.json()["message"]
    put = client.put(
        f"{API}/sessions/{slug}/me/unavailable", {"slots": [1, 3]}, content_type="application/json"
    )
    assert put.json() == {"slots": [1, 3]}
    assert client.get(f"{API}/sessions/{slug}/me/unavailable").json() == {"slots": [1, 3]}
    outside = client.put(
        f"{API}/sessions/{slug}/me/unavailable", {"slots": [7]}, content_type="application/json"
    )
    assert (outside.status_code, outside.json()["code"]) == (422, "slot_outside_session")


def test_request_accept_book_move_cancel_report(client, session, member, delegate):
    slug = session.event.slug
    as_user(client, member)
    sent = client.post(
        f"{API}/sessions/{slug}/requests",
        {"recipient": delegate.pk, "message": "Hello"},
        content_type="application/json",
    )
    assert sent.status_code == 201
    request_id = sent.json()["id"]
    refused = client.post(
        f"{API}/sessions/{slug}/meetings",
        {"participant": delegate.pk, "slot": 1},
        content_type="application/json",
    )
    assert (refused.status_code, refused.json()["code"]) == (422, "no_accepted_request")
    as_user(client, delegate)
    assert client.get(f"{API}/sessions/{slug}/requests").json()["received"][0]["id"] == request_id
    accepted = client.post(
        f"{API}/requests/{request_id}/accept", {"answer": "Sure"}, content_type="application/json"
    )
    assert accepted.json()["state"] == "accepted"
    free = client.get(f"{API}/sessions/{slug}/participants/{member.pk}/free-slots").json()
    assert [s["index"] for s in free] == [1, 2, 3]
    booked = client.post(
        f"{API}/sessions/{slug}/meetings",
        {"participant": member.pk, "slot": 2},
        content_type="application/json",
    )
    assert booked.status_code == 201
    meeting = booked.json()
    assert (meeting["slot"]["index"], meeting["table"], meeting["with_participant"]["id"]) == (
        2,
        1,
        member.pk,
    )
    again = client.post(
        f"{API}/sessions/{slug}/meetings",
        {"participant": member.pk, "slot": 3},
        content_type="application/json",
    )
    assert (again.status_code, again.json()["code"]) == (409, "already_meeting")
    moved = client.post(
        f"{API}/meetings/{meeting['id']}/reschedule", {"slot": 3}, content_type="application/json"
    )
    assert (moved.json()["slot"]["index"], moved.json()["sequence"]) == (3, 1)
    as_user(client, member)
    assert [m["id"] for m in client.get(f"{API}/sessions/{slug}/meetings").json()] == [
        meeting["id"]
    ]
    Slot.objects.filter(session=session).update(starts_at=timezone.now() - timedelta(hours=1))
    reported = client.put(
        f"{API}/meetings/{meeting['id']}/report",
        {"took_place": True, "outcome": "lead"},
        content_type="application/json",
    )
    assert reported.json() == {"took_place": True, "outcome": "lead", "note": ""}
    cancelled = client.post(
        f"{API}/meetings/{meeting['id']}/cancel", {"reason": "x"}, content_type="application/json"
    )
    assert cancelled.json()["state"] == "cancelled"
    twice = client.post(
        f"{API}/meetings/{meeting['id']}/cancel", {}, content_type="application/json"
    )
    assert (twice.status_code, twice.json()["code"]) == (409, "meeting_cancelled")


def test_booking_errors_are_409_or_422_in_the_users_language(client, session, member, delegate):
    third = add_participant(session)
    book(session, third, delegate, 1)
    as_user(client, member)  # French speaker: the message is French
    taken = client.post(
        f"{API}/sessions/{session.event.slug}/meetings",
        {"participant": delegate.pk, "slot": 1},
        content_type="application/json",
    )
    body = assert_error(taken, 409, "slot_taken")
    assert body["message"] == "Demo partner B a déjà un rendez-vous sur ce créneau."
    outside = client.post(
        f"{API}/sessions/{session.event.slug}/meetings",
        {"participant": delegate.pk, "slot": 99},
        content_type="application/json",
    )
    assert (outside.status_code, outside.json()["code"]) == (422, "slot_outside_session")
    oneself = client.post(
        f"{API}/sessions/{session.event.slug}/meetings",
        {"participant": member.pk, "slot": 2},
        content_type="application/json",
    )
    assert (oneself.status_code, oneself.json()["code"]) == (422, "oneself")
    assert Meeting.objects.count() == 1


def test_accepting_a_withdrawn_request_is_409(client, session, member, delegate):
    request = services.send_request(member, delegate)
    services.withdraw_request(request, member)
    as_user(client, delegate)
    response = client.post(
        f"{API}/requests/{request.pk}/accept", {}, content_type="application/json"
    )
    assert (response.status_code, response.json()["code"]) == (409, "request_withdrawn")


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("get", "/requests/{request}", None),
        ("post", "/requests/{request}/accept", {}),
        ("post", "/requests/{request}/decline", {}),
        ("post", "/requests/{request}/withdraw", None),
        ("get", "/meetings/{meeting}", None),
        ("post", "/meetings/{meeting}/reschedule", {"slot": 3}),
        ("post", "/meetings/{meeting}/cancel", {}),
        ("put", "/meetings/{meeting}/report", {"took_place": True}),
        ("get", "/sessions/{slug}/participants/{draft}", None),
        ("get", "/sessions/{slug}/participants/{draft}/free-slots", None),
        ("post", "/sessions/{slug}/requests", {"recipient": "{draft}"}),
        ("post", "/sessions/{slug}/meetings", {"participant": "{draft}", "slot": 3}),
    ],
)
def test_another_persons_objects_are_404_on_every_method(
    client, session, member, delegate, method, path, body
):
    meeting = book(session, member, delegate, 1)
    request = services.send_request(member, add_participant(session))
    draft = add_participant(session, status="submitted")
    ids = {
        "request": request.pk,
        "meeting": meeting.pk,
        "slug": session.event.slug,
        "draft": draft.pk,
    }
    outsider = add_participant(session)
    as_user(client, outsider)
    url = API + path.format(**ids)
    if body is not None:
        body = {
            k: int(v.format(**ids)) if isinstance(v, str) and "{" in v else v
            for k, v in body.items()
        }
        response = getattr(client, method)(url, body, content_type="application/json")
    else:
        response = getattr(client, method)(url)
    assert response.status_code == 404, response.content
    assert response.json()["code"] == "not_found"
    assert Meeting.objects.get().state == "booked" and Meeting.objects.get().slot.index == 1
    assert MeetingRequest.objects.get().state == "pending"


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def test_api_lists_keep_a_constant_number_of_queries(client, session, member):
    slug = session.event.slug
    as_user(client, member)
    urls = [
        f"{API}/sessions/{slug}/participants",
        f"{API}/sessions/{slug}/meetings",
        f"{API}/sessions/{slug}/requests",
    ]
    first = add_participant(session)
    book(session, member, first, 1)
    services.send_request(member, add_participant(session))
    one = [count_queries(client, url) for url in urls]
    for index in (2, 3):
        other = add_participant(session)
        book(session, member, other, index)
        services.send_request(member, add_participant(session))
    assert [count_queries(client, url) for url in urls] == one


def test_staff_grid_figures_instance_and_solution(client, session, member, delegate):
    slug = session.event.slug
    services.answer_request(services.send_request(member, delegate), delegate, accept=True)
    client.force_login(UserFactory(is_staff=True))
    instance = client.get(f"{API}/sessions/{slug}/instance").json()
    assert instance["format"] == "primi-b2b/1"
    assert instance["slots"] == 3 and instance["tables"] == 3
    request_meeting = instance["meetings"][0]
    solution = {  # every key the scheduler writes, a rescheduling's `moved` included
        "format": "primi-b2b-solution/1",
        "instance": instance["name"],
        "status": "infeasible",
        "breaks": 0,
        "bound": 0,
        "seconds": 0.4,
        "assignments": [{"meeting": request_meeting["id"], "slot": 2, "table": 2}],
        "unscheduled": [{"meeting": "request-0", "reason": "no common free slot", "code": "x"}],
        "moved": 0,
    }
    applied = client.post(
        f"{API}/sessions/{slug}/solution", solution, content_type="application/json"
    )
    assert applied.json() == {"placed": 1, "kept": 0, "moved": 0, "unscheduled": 1}
    grid = client.get(f"{API}/sessions/{slug}/grid").json()
    assert grid["cells"] == [
        {
            "slot": 2,
            "table": 2,
            "meeting": Meeting.objects.get().pk,
            "participants": sorted([member.pk, delegate.pk]),
        }
    ]
    assert Meeting.objects.get().source == "scheduler"
    figures = client.get(f"{API}/sessions/{slug}/figures").json()
    assert (figures["booked"], figures["held"], figures["unreported"]) == (1, 0, 1)
    bad = client.post(
        f"{API}/sessions/{slug}/solution",
        {"format": "x", "assignments": []},
        content_type="application/json",
    )
    assert (bad.status_code, bad.json()["code"]) == (422, "bad_solution")


def png_bytes() -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (31, 111, 139)).save(buffer, format="PNG")
    return buffer.getvalue()


def test_logo_upload_accepts_a_picture_and_refuses_anything_else(
    client, session, member, settings, tmp_path
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    as_user(client, member)
    url = f"{API}/sessions/{session.event.slug}/me/logo"
    good = client.post(url, {"logo": SimpleUploadedFile("logo.png", png_bytes(), "image/png")})
    assert good.status_code == 200
    assert good.json()["logo_url"] == f"/fr/b2b/logos/{member.pk}/"
    bad = client.post(url, {"logo": SimpleUploadedFile("logo.png", b"not a picture", "image/png")})
    assert (bad.status_code, bad.json()["code"]) == (422, "not_a_picture")
    wrong_type = client.post(
        url, {"logo": SimpleUploadedFile("logo.gif", png_bytes(), "image/gif")}
    )
    assert wrong_type.status_code == 422
    member.refresh_from_db()
    assert member.logo.name.startswith(f"b2b/logos/{member.pk}/logo")  # the participant's folder
    assert member.logo.name.endswith(".png")


def test_the_openapi_document_lists_the_b2b_routes(client):
    document = client.get("/api/v1/openapi.json").json()
    paths = document["paths"]
    assert "/api/v1/b2b/sessions/{slug}/meetings" in paths
    assert set(paths["/api/v1/b2b/sessions/{slug}/meetings"]) == {"get", "post"}
    assert "/api/v1/b2b/meetings/{pk}/reschedule" in paths
    assert "ErrorOut" in document["components"]["schemas"]


def test_staff_review_a_profile_through_the_api(client, session):
    draft = add_participant(session, status="submitted")
    client.force_login(UserFactory(is_staff=True))
    url = f"{API}/sessions/{session.event.slug}/participants/{draft.pk}/review"
    answer = client.post(
        url, {"approve": False, "note": "Add an English text"}, content_type="application/json"
    )
    assert (answer.json()["status"], answer.json()["review_note"]) == (
        "rejected",
        "Add an English text",
    )
    assert (
        client.post(
            url.replace(str(draft.pk), "999999"), {"approve": True}, content_type="application/json"
        ).status_code
        == 404
    )


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/me"),
        ("patch", "/me"),
        ("get", "/me/unavailable"),
        ("put", "/me/unavailable"),
        ("get", "/requests"),
        ("get", "/meetings"),
    ],
)
def test_personal_routes_are_404_for_someone_outside_the_session(
    client, session, member, method, path
):
    client.force_login(PersonFactory().user)
    url = f"{API}/sessions/{session.event.slug}{path}"
    body = {"slots": []} if method == "put" else {}
    response = (
        getattr(client, method)(url, body, content_type="application/json")
        if method in ("patch", "put")
        else client.get(url)
    )
    assert (response.status_code, response.json()["code"]) == (404, "not_found")


def test_joining_without_a_confirmed_registration_is_refused(client, session):
    client.force_login(PersonFactory(language="en").user)
    response = client.post(f"{API}/sessions/{session.event.slug}/join")
    body = assert_error(response, 422, "not_registered")
    assert body["message"] == (
        "You need a confirmed registration for this event to take part in its meetings."
    )


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("get", "/grid", None),
        ("get", "/figures", None),
        ("get", "/instance", None),
        ("post", "/solution", {"format": "primi-b2b-solution/1", "assignments": []}),
        ("post", "/participants/{member}/review", {"approve": False}),
    ],
)
def test_staff_routes_are_403_to_participants(client, session, member, method, path, body):
    as_user(client, member)
    url = f"{API}/sessions/{session.event.slug}" + path.format(member=member.pk)
    response = (
        client.post(url, body, content_type="application/json")
        if method == "post"
        else client.get(url)
    )
    assert_error(response, 403, "staff_only")
    member.refresh_from_db()
    assert member.status == "approved"
