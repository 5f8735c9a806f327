"""Per-person limits on B2B booking and meeting requests, pages and API counted together."""

import pytest

from bookings.models import Meeting, MeetingRequest
from tests.api_support import ApiClient, assert_error
from tests.bookings.conftest import add_participant

pytestmark = pytest.mark.django_db


@pytest.fixture
def direct(session):
    session.direct_booking = True
    session.save(update_fields=["direct_booking"])
    return session


def others(session, count):
    return [add_participant(session, organisation_name=f"Demo studio {i}") for i in range(count)]


def page(session, participant, what):
    return f"/fr/b2b/{session.event.slug}/participants/{participant.pk}/{what}/"


def test_sending_requests_too_often_from_the_pages_is_a_429_in_french(
    client, settings, session, member
):
    settings.B2B_REQUEST_RATE = "2/h"
    client.force_login(member.person.user)
    answers = [client.post(page(session, p, "request"), {}) for p in others(session, 3)]
    assert [a.status_code for a in answers] == [302, 302, 429]
    assert int(answers[2]["Retry-After"]) > 0
    assert "Trop de demandes" in answers[2].content.decode()
    assert MeetingRequest.objects.filter(sender=member).count() == 2


def test_booking_too_often_from_the_pages_is_a_429_and_others_are_not_limited(
    client, settings, direct, member
):
    settings.B2B_BOOKING_RATE = "1/h"
    first, second = others(direct, 2)
    client.force_login(member.person.user)
    assert client.post(page(direct, first, "book"), {"slot": 1}).status_code == 302
    refused = client.post(page(direct, second, "book"), {"slot": 2})
    assert refused.status_code == 429
    assert Meeting.objects.count() == 1
    # Another person has a bucket of their own.
    client.force_login(second.person.user)
    assert client.post(page(direct, first, "book"), {"slot": 2}).status_code == 302
    assert Meeting.objects.count() == 2


def test_the_api_answers_429_with_retry_after_in_the_persons_language(
    settings, direct, member, delegate
):
    settings.B2B_BOOKING_RATE = "1/h"
    first, second = others(direct, 2)
    api = ApiClient(delegate.person.user)  # an English-speaking delegate
    url = f"/b2b/sessions/{direct.event.slug}/meetings"
    assert api.post(url, {"participant": first.pk, "slot": 1}).status_code == 201
    refused = api.post(url, {"participant": second.pk, "slot": 2})
    body = assert_error(refused, 429, "throttled")
    wait = int(refused["Retry-After"])
    assert 0 < wait <= 3600
    assert body["message"] == f"Too many requests; retry in {wait} seconds."
    french = api.post(url, {"participant": second.pk, "slot": 2}, headers={"Accept-Language": "fr"})
    assert assert_error(french, 429, "throttled")["message"].startswith("Trop de requêtes")
    assert Meeting.objects.count() == 1


def test_pages_and_api_share_one_limit_per_person(client, settings, session, member):
    settings.B2B_REQUEST_RATE = "1/h"
    first, second = others(session, 2)
    client.force_login(member.person.user)
    assert client.post(page(session, first, "request"), {}).status_code == 302
    api = ApiClient(member.person.user)
    refused = api.post(f"/b2b/sessions/{session.event.slug}/requests", {"recipient": second.pk})
    assert_error(refused, 429, "throttled")
    assert MeetingRequest.objects.filter(sender=member).count() == 1


def test_a_replayed_answer_does_not_count(settings, direct, member):
    settings.B2B_BOOKING_RATE = "1/h"
    first, second = others(direct, 2)
    api = ApiClient(member.person.user)
    url = f"/b2b/sessions/{direct.event.slug}/meetings"
    key = {"Idempotency-Key": "book-once"}
    assert api.post(url, {"participant": first.pk, "slot": 1}, headers=key).status_code == 201
    replay = api.post(url, {"participant": first.pk, "slot": 1}, headers=key)
    assert replay.status_code == 201 and replay["Idempotent-Replayed"] == "true"
    assert_error(api.post(url, {"participant": second.pk, "slot": 2}), 429, "throttled")
