"""Every API route that takes an object's id, tried by two users.

`PERSONAL` routes: the other person (a participant of the same B2B session, so only the
object's owner differs) gets the documented 404 on every method and changes nothing; the
owner is answered (not 404). `STAFF` routes: a member gets 403 `staff_only`, staff are
answered. A route with an id that is in neither table fails `test_every_id_route_is_listed`.
"""

import re

import pytest

from bookings.b2b.services.meetings import book_meeting
from bookings.b2b.services.requests import answer_request, send_request
from bookings.models import Meeting, MeetingRequest, Registration, RegistrationState, ScheduleRun
from events.models import FeedToken
from events.services import create_feed_token
from primi_site.models import ApiToken, WebhookDelivery, WebhookEndpoint
from primi_site.services import tokens, webhooks
from tests.api_support import ApiClient, assert_error
from tests.factories import (
    B2BParticipantFactory,
    DelegateFactory,
    PersonFactory,
    RegistrationFactory,
    b2b_session,
)
from tests.primi_site.test_url_permissions import named_patterns

pytestmark = pytest.mark.django_db

# name: (method, path, body); the owner's calls run in this order, so the ones that end
# an object come after those that read it.
PERSONAL = {
    "api:get_token": ("get", "/tokens/{api_token}", None),
    "api:revoke_token": ("delete", "/tokens/{api_token}", None),
    "api:revoke_feed_token": ("delete", "/feed-tokens/{feed_token}", None),
    "api:get_registration": ("get", "/registrations/{registration}", None),
    "api:cancel_registration": ("post", "/registrations/{registration}/cancel", None),
    "api:participant_detail": ("get", "/b2b/sessions/{draft_slug}/participants/{draft}", None),
    "api:free_slots": ("get", "/b2b/sessions/{draft_slug}/participants/{draft}/free-slots", None),
    "api:request_detail": ("get", "/b2b/requests/{received}", None),
    "api:accept_request": ("post", "/b2b/requests/{received}/accept", {}),
    "api:decline_request": ("post", "/b2b/requests/{received}/decline", {}),
    "api:withdraw_request": ("post", "/b2b/requests/{sent}/withdraw", None),
    "api:meeting_detail": ("get", "/b2b/meetings/{meeting}", None),
    "api:report": ("put", "/b2b/meetings/{meeting}/report", {"took_place": True}),
    "api:reschedule": ("post", "/b2b/meetings/{meeting}/reschedule", {"slot": 3}),
    "api:cancel": ("post", "/b2b/meetings/{meeting}/cancel", {}),
}
STAFF = {
    "api:decide_one": (
        "post",
        "/staff/registrations/{application}/decision",
        {"decision": "waitlist", "reason": ""},
    ),
    "api:review": (
        "post",
        "/b2b/sessions/{draft_slug}/participants/{draft}/review",
        {"approve": True},
    ),
    "api:get_schedule_run": ("get", "/b2b/sessions/{slug}/schedule-runs/{run}", None),
    "api:preview_schedule_run": ("get", "/b2b/sessions/{slug}/schedule-runs/{run}/preview", None),
    "api:publish_schedule_run": ("post", "/b2b/sessions/{slug}/schedule-runs/{run}/publish", None),
    "api:discard_schedule_run": ("post", "/b2b/sessions/{slug}/schedule-runs/{run}/discard", None),
    "api:replay_delivery": ("post", "/webhooks/deliveries/{delivery}/replay", None),
    "api:delete_endpoint": ("delete", "/webhooks/endpoints/{endpoint}", None),
}


def test_every_id_route_is_listed():
    """A route whose path takes an id (anything but the session's or event's slug)."""
    with_ids = {
        name
        for name, pattern in named_patterns()
        if name.startswith("api:")
        and set(re.findall(r"<(?:\w+:)?(\w+)>", str(pattern.pattern))) - {"slug"}
    }
    assert with_ids - PERSONAL.keys() - STAFF.keys() == set(), "add them to a table here"
    assert (PERSONAL.keys() | STAFF.keys()) - with_ids == set(), "no longer id routes"


@pytest.fixture
def objects():
    """The owner's objects: tokens, a registration, and in a B2B session a request received,
    a request sent and a meeting; the other person takes part in the sessions too."""
    owner, other = PersonFactory(language="en"), PersonFactory(language="en")
    session = b2b_session(direct_booking=True)
    mine = B2BParticipantFactory(session=session, person=owner)
    B2BParticipantFactory(session=session, person=other)
    # In a second session the owner's profile waits for review: theirs and the staff's only.
    draft_session = b2b_session()
    draft = B2BParticipantFactory(session=draft_session, person=owner, status="submitted")
    B2BParticipantFactory(session=draft_session, person=other)
    partner = B2BParticipantFactory(
        session=session, person=DelegateFactory(), side="delegate", department="", country="CA"
    )
    third = B2BParticipantFactory(
        session=session, person=DelegateFactory(), side="delegate", department="", country="CA"
    )
    answer_request(send_request(mine, partner, "Demo request"), partner, accept=True)
    meeting = book_meeting(mine, partner, session.slots.get(index=1))
    received = send_request(third, mine, "Demo request")
    sent = send_request(mine, B2BParticipantFactory(session=session), "Demo request")
    api_token, _secret = tokens.create_token(owner.user, name="laptop", scope="read")
    feed_token, _feed_secret = create_feed_token(owner, "phone")
    registration = RegistrationFactory(person=owner, state=RegistrationState.CONFIRMED)
    return {
        "owner": owner,
        "other": other,
        "session": session,
        "draft": draft,
        "ids": {
            "slug": session.event.slug,
            "api_token": api_token.pk,
            "feed_token": feed_token.pk,
            "registration": registration.pk,
            "draft_slug": draft_session.event.slug,
            "draft": draft.pk,
            "received": received.pk,
            "sent": sent.pk,
            "meeting": meeting.pk,
        },
    }


def test_another_persons_objects_are_404_on_every_route_and_untouched(objects):
    owner = ApiClient(objects["owner"].user)
    other = ApiClient(objects["other"].user)
    ids = objects["ids"]
    routes = [(method, path.format(**ids), body) for method, path, body in PERSONAL.values()]
    # The other's calls first (all 404): nothing changes.
    for method, path, body in routes:
        assert_error(other.request(method, path, body), 404, "not_found")
    assert ApiToken.objects.get(pk=ids["api_token"]).revoked_at is None
    assert FeedToken.objects.get(pk=ids["feed_token"]).revoked_at is None
    assert Registration.objects.get(pk=ids["registration"]).state == "confirmed"
    assert MeetingRequest.objects.get(pk=ids["received"]).state == "pending"
    assert MeetingRequest.objects.get(pk=ids["sent"]).state == "pending"
    meeting = Meeting.objects.get(pk=ids["meeting"])
    assert (meeting.state, meeting.slot.index) == ("booked", 1)
    # Then the owner's, with the other's token left alone: answered, and in effect.
    for method, path, body in routes:
        response = owner.request(method, path, body)
        assert response.status_code not in (401, 403, 404), (method, path, response.content)
    assert ApiToken.objects.get(pk=ids["api_token"]).revoked_at is not None
    assert FeedToken.objects.get(pk=ids["feed_token"]).revoked_at is not None
    assert Registration.objects.get(pk=ids["registration"]).state == "cancelled"
    assert MeetingRequest.objects.get(pk=ids["received"]).state == "accepted"
    assert MeetingRequest.objects.get(pk=ids["sent"]).state == "withdrawn"
    assert Meeting.objects.get(pk=ids["meeting"]).state == "cancelled"


def test_staff_routes_refuse_members_and_answer_staff(objects):
    staff = ApiClient(PersonFactory(role="staff").user)
    member = ApiClient(objects["owner"].user)
    endpoint = staff.post(
        "/webhooks/endpoints",
        {"url": "https://crm.partner.example/hooks", "event_types": ["registration.created"]},
    ).json()["id"]
    webhooks.emit("registration.created", {"registration": 9})
    application = RegistrationFactory(person=objects["other"], state=RegistrationState.APPLIED)
    run = ScheduleRun.objects.create(session=objects["session"], time_limit=1)
    ids = {
        **objects["ids"],
        "application": application.pk,
        "run": run.pk,
        "delivery": WebhookDelivery.objects.get().pk,
        "endpoint": endpoint,
    }
    routes = [(method, path.format(**ids), body) for method, path, body in STAFF.values()]
    for method, path, body in routes:
        assert_error(member.request(method, path, body), 403, "staff_only")
    assert WebhookEndpoint.objects.filter(pk=endpoint).exists()
    assert WebhookDelivery.objects.count() == 1
    assert Registration.objects.get(pk=application.pk).state == "applied"
    assert ScheduleRun.objects.get(pk=run.pk).state == "queued"
    for method, path, body in routes:
        response = staff.request(method, path, body)
        assert response.status_code not in (401, 403, 404), (method, path, response.content)
    assert not WebhookEndpoint.objects.filter(pk=endpoint).exists()
    assert ScheduleRun.objects.get(pk=run.pk).state == "discarded"
    objects["draft"].refresh_from_db()
    assert objects["draft"].status == "approved"
