"""The pages and the API offer only what the services accept: a meeting request or
slots are offered when the same checks that refuse them (who meets whom, a pair meets
once, the meeting limit) let them through; a refusal names the other side."""

import re

import pytest

from bookings.b2b import services
from bookings.models import B2BSession, Slot
from tests.bookings.conftest import add_participant

pytestmark = pytest.mark.django_db

API = "/api/v1/b2b"


def words_of(response) -> str:
    text = re.sub(r"<[^>]+>", " ", response.content.decode())
    return re.sub(r"[\s\u202f\xa0]+", " ", text)


def open_directory(session, **changes):
    B2BSession.objects.filter(pk=session.pk).update(directory_open=True, **changes)
    session.refresh_from_db()


def login(client, participant):
    client.force_login(participant.person.user)
    return client


def accept(a, b):
    return services.answer_request(services.send_request(a, b), b, accept=True)


def profile(client, session, shown):
    return client.get(f"/en/b2b/{session.event.slug}/participants/{shown.pk}/")


def free_slots(client, session, shown):
    answer = client.get(f"{API}/sessions/{session.event.slug}/participants/{shown.pk}/free-slots")
    assert answer.status_code == 200
    return [slot["index"] for slot in answer.json()]


def test_the_already_met_refusal_names_the_other_side_whoever_asks(client, session):
    first = add_participant(session, organisation_name="Demo studio first")
    second = add_participant(session, organisation_name="Demo studio second")
    assert first.pk < second.pk  # the pair is stored (first, second): the old message named b
    accept(first, second)
    login(client, second)
    slug = session.event.slug
    booked = client.post(
        f"{API}/sessions/{slug}/meetings",
        {"participant": first.pk, "slot": 1},
        content_type="application/json",
    )
    assert booked.status_code == 201
    again = client.post(
        f"{API}/sessions/{slug}/meetings",
        {"participant": first.pk, "slot": 2},
        content_type="application/json",
    )
    assert (again.status_code, again.json()["code"]) == (409, "already_meeting")
    assert again.json()["message"] == "Vous avez déjà un rendez-vous avec Demo studio first."


def test_a_profile_the_pairing_rule_forbids_is_neither_listed_nor_offered(
    client, session, member, delegate
):
    other_member = add_participant(session, organisation_name="Demo studio other")
    open_directory(session, pairing=B2BSession.Pairing.DELEGATES_WITH_MEMBERS)
    login(client, member)
    directory = words_of(client.get(f"/en/b2b/{session.event.slug}/directory/"))
    assert "Demo partner B" in directory
    assert "Demo studio other" not in directory
    listed = client.get(f"{API}/sessions/{session.event.slug}/participants").json()
    assert [p["organisation"] for p in listed["items"]] == ["Demo partner B"]

    page = words_of(profile(client, session, other_member))
    assert "Ask for a meeting" not in page
    assert "In this session delegates meet members only." in page
    assert "Ask for a meeting" in words_of(profile(client, session, delegate))


def test_no_slot_is_offered_with_a_partner_already_met(client, session, member, delegate):
    accept(member, delegate)
    login(client, member)
    assert free_slots(client, session, delegate) == [1, 2, 3]  # offered, and accepted:
    services.book_meeting(member, delegate, Slot.objects.get(session=session, index=1))
    assert free_slots(client, session, delegate) == []
    page = words_of(profile(client, session, delegate))
    assert "Slots where you are both free" not in page
    assert "Ask for a meeting" not in page
    assert "You already have a meeting with Demo partner B." in page


def test_no_slot_is_offered_past_the_meeting_limit(client, session, member, delegate):
    third = add_participant(session, organisation_name="Demo studio third")
    accept(member, delegate)
    accept(member, third)
    services.book_meeting(member, third, Slot.objects.get(session=session, index=1))
    B2BSession.objects.filter(pk=session.pk).update(max_meetings=1)
    login(client, member)
    assert free_slots(client, session, delegate) == []
    page = words_of(profile(client, session, delegate))
    assert "Slots where you are both free" not in page
    assert "Demo studio A already has the one meeting this session allows." in page


def test_slots_outside_the_event_are_not_offered(client, session, member, delegate):
    accept(member, delegate)
    event = session.event
    event.ends_at = Slot.objects.get(session=session, index=2).ends_at
    event.save(update_fields=["ends_at"])
    login(client, member)
    assert free_slots(client, session, delegate) == [1, 2]
