"""`Idempotency-Key` on booking a meeting and on sending a meeting request (B2B API)."""

import pytest

from bookings.b2b import services
from bookings.models import Meeting, MeetingRequest
from primi_site.models import IdempotencyKey
from tests.api_support import ApiClient, assert_error
from tests.bookings.conftest import add_participant

pytestmark = pytest.mark.django_db


def meetings_url(session) -> str:
    return f"/b2b/sessions/{session.event.slug}/meetings"


def requests_url(session) -> str:
    return f"/b2b/sessions/{session.event.slug}/requests"


@pytest.fixture
def api(member):
    return ApiClient(member.person.user)


@pytest.fixture
def accepted(member, delegate):
    return services.answer_request(services.send_request(member, delegate), delegate, accept=True)


def test_a_retried_booking_gets_the_first_answer_and_books_once(api, session, delegate, accepted):
    body = {"participant": delegate.pk, "slot": 2}
    first = api.post(meetings_url(session), body, headers={"Idempotency-Key": "book-1"})
    again = api.post(meetings_url(session), body, headers={"Idempotency-Key": "book-1"})
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true" and "Idempotent-Replayed" not in first
    assert Meeting.objects.filter(session=session).count() == 1
    # Without the key, the same booking is refused by the state: the slot is taken.
    assert_error(api.post(meetings_url(session), body), 409, "already_meeting")


def test_the_same_booking_key_with_another_body_is_a_422(api, session, delegate, accepted):
    key = {"Idempotency-Key": "book-2"}
    booked = api.post(meetings_url(session), {"participant": delegate.pk, "slot": 1}, headers=key)
    assert booked.status_code == 201
    moved = api.post(meetings_url(session), {"participant": delegate.pk, "slot": 3}, headers=key)
    body = assert_error(moved, 422, "idempotency_key_reused")
    assert body["errors"][0]["field"] == "Idempotency-Key"
    assert list(Meeting.objects.values_list("slot__index", flat=True)) == [1]


def test_a_refused_booking_keeps_no_answer_so_the_retry_runs(
    api, session, member, delegate, accepted
):
    other = add_participant(session)
    services.answer_request(services.send_request(member, other), other, accept=True)
    services.book_meeting(other, member, session.slots.get(index=1))
    key = {"Idempotency-Key": "book-3"}
    body = {"participant": delegate.pk, "slot": 1}
    assert_error(api.post(meetings_url(session), body, headers=key), 409, "slot_taken")
    assert not IdempotencyKey.objects.filter(key="book-3").exists()
    services.cancel_meeting(Meeting.objects.get(), other)
    retried = api.post(meetings_url(session), body, headers=key)
    assert retried.status_code == 201 and "Idempotent-Replayed" not in retried


def test_a_retried_request_gets_the_first_answer_and_asks_once(api, session, delegate):
    body = {"recipient": delegate.pk, "message": "Co-production?"}
    first = api.post(requests_url(session), body, headers={"Idempotency-Key": "ask-1"})
    again = api.post(requests_url(session), body, headers={"Idempotency-Key": "ask-1"})
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json() and again["Idempotent-Replayed"] == "true"
    assert MeetingRequest.objects.count() == 1
    other = api.post(
        requests_url(session),
        {"recipient": delegate.pk, "message": "Another text"},
        headers={"Idempotency-Key": "ask-1"},
    )
    assert_error(other, 422, "idempotency_key_reused")
    assert MeetingRequest.objects.get().message == "Co-production?"


def test_request_keys_belong_to_one_person(session, member, delegate):
    third = add_participant(session, side="delegate", department="", country="CA")
    mine = ApiClient(member.person.user).post(
        requests_url(session), {"recipient": delegate.pk}, headers={"Idempotency-Key": "same"}
    )
    theirs = ApiClient(third.person.user).post(
        requests_url(session), {"recipient": delegate.pk}, headers={"Idempotency-Key": "same"}
    )
    assert mine.status_code == theirs.status_code == 201
    assert mine.json()["id"] != theirs.json()["id"]
    assert MeetingRequest.objects.count() == 2


def test_the_header_is_documented_on_both_operations(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in ("/api/v1/b2b/sessions/{slug}/meetings", "/api/v1/b2b/sessions/{slug}/requests"):
        names = [p["name"] for p in paths[path]["post"]["parameters"]]
        assert "Idempotency-Key" in names
