"""Meeting webhooks: created, changed, cancelled, from every service that writes meetings."""

import json

import pytest

from bookings.b2b import services
from bookings.b2b.services import schedule
from bookings.exceptions import Conflict
from bookings.models import Meeting, Slot
from primi_site.models import WebhookDelivery
from primi_site.services import webhooks
from tests.bookings.b2b.test_schedule import Small, run_to_done
from tests.bookings.conftest import add_participant
from tests.primi_site.test_api_webhooks import receiver  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db
MEETING_EVENTS = ["meeting.created", "meeting.changed", "meeting.cancelled"]
PAYLOAD_KEYS = {
    "meeting",
    "session",
    "state",
    "participants",
    "request",
    "source",
    "slot",
    "starts_at",
    "ends_at",
    "table",
    "online",
    "sequence",
}


@pytest.fixture
def endpoint(db):
    return webhooks.create_endpoint(
        by=None, url="https://partner.example/hooks", event_types=MEETING_EVENTS
    )


def slot(session, index):
    return Slot.objects.get(session=session, index=index)


def sent():
    return [(d.event_type, d.payload) for d in WebhookDelivery.objects.order_by("pk")]


def accepted(a, b):
    return services.answer_request(services.send_request(a, b), b, accept=True)


def test_booking_moving_and_cancelling_emit_one_webhook_each(endpoint, session, member, delegate):
    request = accepted(member, delegate)
    meeting = services.book_meeting(member, delegate, slot(session, 1))
    services.reschedule_meeting(meeting, delegate, slot(session, 3))
    services.cancel_meeting(meeting, member, "Flight changed, Jean Dupont cannot come")
    first, second, third = sent()
    assert first == (
        "meeting.created",
        {
            "meeting": meeting.pk,
            "session": session.event.slug,
            "state": "booked",
            "participants": sorted([member.pk, delegate.pk]),
            "request": request.pk,
            "source": "booked",
            "slot": 1,
            "starts_at": slot(session, 1).starts_at.isoformat().replace("+00:00", "Z"),
            "ends_at": slot(session, 1).ends_at.isoformat().replace("+00:00", "Z"),
            "table": 1,
            "online": False,
            "sequence": 0,
        },
    )
    assert second[0] == "meeting.changed"
    assert (second[1]["slot"], second[1]["state"], second[1]["sequence"]) == (3, "booked", 1)
    assert third[0] == "meeting.cancelled"
    assert (third[1]["state"], third[1]["sequence"]) == ("cancelled", 2)
    # Ids, slugs, states and times only: no names, addresses or free text.
    for _type, payload in sent():
        assert set(payload) == PAYLOAD_KEYS
        text = json.dumps(payload)
        for participant in (member, delegate):
            assert participant.person.user.email not in text
            assert participant.organisation_name not in text
        assert "Dupont" not in text and "Flight" not in text


def test_an_online_meeting_has_no_table(endpoint, session, member, delegate):
    accepted(member, delegate)
    services.book_meeting(member, delegate, slot(session, 2), online=True)
    [(kind, payload)] = sent()
    assert (kind, payload["online"], payload["table"]) == ("meeting.created", True, None)
    assert "meet.example.org" not in json.dumps(payload)  # the video link stays private


def test_withdrawing_a_request_cancels_its_meeting_with_a_webhook(
    endpoint, session, member, delegate
):
    request = accepted(member, delegate)
    meeting = services.book_meeting(member, delegate, slot(session, 1))
    services.withdraw_request(request, delegate)
    assert [kind for kind, _payload in sent()] == ["meeting.created", "meeting.cancelled"]
    assert sent()[1][1]["meeting"] == meeting.pk


def test_a_refused_booking_emits_nothing(endpoint, session, member, delegate):
    accepted(member, delegate)
    third = add_participant(session)
    accepted(member, third)
    services.book_meeting(member, delegate, slot(session, 1))
    with pytest.raises(Conflict):
        services.book_meeting(member, third, slot(session, 1))
    assert [kind for kind, _payload in sent()] == ["meeting.created"]
    assert Meeting.objects.count() == 1


def test_nothing_goes_out_before_the_commit_then_each_is_delivered_once(
    receiver,  # noqa: F811
    session,
    member,
    delegate,
    django_capture_on_commit_callbacks,
):
    webhooks.create_endpoint(by=None, url=receiver.url, event_types=MEETING_EVENTS)
    accepted(member, delegate)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.book_meeting(member, delegate, slot(session, 1))
    assert receiver.received == []
    assert WebhookDelivery.objects.get().status == "pending"
    for callback in callbacks:
        callback()
    assert [json.loads(r.body)["type"] for r in receiver.received] == ["meeting.created"]
    assert WebhookDelivery.objects.get().status == "succeeded"


def test_publishing_a_schedule_emits_each_new_and_moved_meeting(
    endpoint, django_capture_on_commit_callbacks
):
    small = Small()
    WebhookDelivery.objects.all().delete()  # the meeting booked by hand in the fixture
    run = run_to_done(small, django_capture_on_commit_callbacks)
    assert sent() == []  # a run writes nothing
    counts = schedule.publish_schedule(run, small.staff)
    created = [p for kind, p in sent() if kind == "meeting.created"]
    assert len(created) == counts["placed"] == 9
    assert {p["source"] for p in created} == {"scheduler"}
    booked = set(
        Meeting.objects.filter(session=small.session, source="scheduler").values_list(
            "pk", flat=True
        )
    )
    assert {p["meeting"] for p in created} == booked
    WebhookDelivery.objects.all().delete()
    late = add_participant(small.session, organisation_name="Demo studio late")
    accepted(late, small.people[5])
    run = run_to_done(small, django_capture_on_commit_callbacks, allow_moves=True)
    counts = schedule.publish_schedule(run, small.staff)
    kinds = [kind for kind, _payload in sent()]
    assert kinds.count("meeting.changed") == counts["moved"]
    assert kinds.count("meeting.created") == counts["placed"]
