"""The registrations API: every route, two people, budgets, idempotency, staff only."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bookings.models import Registration
from primi_site.models import WebhookDelivery
from primi_site.services import webhooks
from tests.api_support import ApiClient, assert_error, assert_private_everywhere
from tests.factories import (
    ApplicationFactory,
    EventFactory,
    MissionFactory,
    PersonFactory,
    RegistrationFactory,
)

pytestmark = pytest.mark.django_db

ANSWERS = {
    "company_pitch": "Demo studio: 2D animation.",
    "trip_goals": "Meet co-producers.",
    "target_markets": "Canada",
}


@pytest.fixture
def staff():
    return ApiClient(PersonFactory(role="staff").user)


def test_registering_confirms_then_waitlists_with_the_position(two_people):
    event = EventFactory(slug="sound", capacity=1, waitlist_enabled=True, title_en="Sound")
    first = two_people.owner.post("/registrations?lang=en", {"event": "sound"})
    assert first.status_code == 201
    body = first.json()
    assert body["state"] == "confirmed" and body["waitlist_position"] is None
    assert body["target"] == {
        "kind": "event",
        "slug": "sound",
        "title": "Sound",
        "title_lang": "en",
        "starts_at": event.starts_at.isoformat().replace("+00:00", "Z"),
        "time_zone": "Europe/Paris",
    }
    second = two_people.other.post("/registrations", {"event": "sound"})
    assert (second.json()["state"], second.json()["waitlist_position"]) == ("waitlisted", 1)
    assert Registration.objects.filter(event=event).count() == 2


def test_domain_refusals_map_to_409_and_422_in_the_requests_language(two_people):
    EventFactory(slug="full", capacity=1, waitlist_enabled=False)
    assert two_people.owner.post("/registrations", {"event": "full"}).status_code == 201
    again = two_people.owner.post("/registrations?lang=en", {"event": "full"})
    body = assert_error(again, 409, "already_registered")
    assert body["message"] == "You are already registered; your registration is unchanged."
    full = two_people.other.post("/registrations?lang=fr", {"event": "full"})
    assert assert_error(full, 409, "event_full_no_waitlist")["message"].startswith(
        "L’événement est complet"
    )
    EventFactory(slug="gone", status="cancelled")
    assert_error(
        two_people.owner.post("/registrations", {"event": "gone"}), 422, "registration_closed"
    )
    assert_error(two_people.owner.post("/registrations", {"event": "nowhere"}), 404, "not_found")
    assert_error(two_people.owner.post("/registrations", {"event": 3}), 422, "invalid")


def test_a_retry_with_the_same_idempotency_key_replays_and_creates_once(two_people):
    EventFactory(slug="sound", capacity=5)
    headers = {"Idempotency-Key": "5f0c1d3e-9a7b-4c2e-8f60-2b1d7c9e4a10"}
    first = two_people.owner.post("/registrations", {"event": "sound"}, headers=headers)
    replay = two_people.owner.post("/registrations", {"event": "sound"}, headers=headers)
    assert first.status_code == replay.status_code == 201
    assert replay.json() == first.json()
    assert replay["Idempotent-Replayed"] == "true"
    assert Registration.objects.count() == 1
    EventFactory(slug="other", capacity=5)
    reused = two_people.owner.post("/registrations", {"event": "other"}, headers=headers)
    assert_error(reused, 422, "idempotency_key_reused")


def test_applying_for_a_mission_waits_for_the_staff_and_checks_the_answers(two_people):
    MissionFactory(slug="toronto")
    created = two_people.owner.post(
        "/applications",
        {"mission": "toronto", **ANSWERS},
        headers={"Idempotency-Key": "apply-1"},
    )
    assert created.status_code == 201
    assert (created.json()["state"], created.json()["target"]["kind"]) == ("applied", "mission")
    incomplete = two_people.other.post(
        "/applications?lang=en", {"mission": "toronto", **ANSWERS, "trip_goals": "  "}
    )
    body = assert_error(incomplete, 422, "incomplete_application")
    assert "goals for the trip" in body["message"]
    extra = two_people.other.post("/applications", {"mission": "toronto", **ANSWERS, "x": 1})
    assert_error(extra, 422, "invalid")


@pytest.mark.parametrize("count", [1, 3])
def test_my_registrations_keep_a_constant_number_of_queries(two_people, count):
    person = two_people.owner.user.person
    for _ in range(count):
        RegistrationFactory(person=person, state="waitlisted")
    RegistrationFactory(person=two_people.other.user.person)
    two_people.owner.get("/me")  # records the token's last use (once a minute)
    with CaptureQueriesContext(connection) as queries:
        body = two_people.owner.get("/registrations").json()
    assert len(body["items"]) == count
    assert {item["waitlist_position"] for item in body["items"]} == {1}
    assert len(queries) == 3  # the token with its person, the count, the page


def test_another_persons_registration_is_a_404_everywhere(two_people):
    registration = RegistrationFactory(
        person=two_people.owner.user.person, event=EventFactory(capacity=3)
    )
    assert_private_everywhere(
        two_people,
        [
            ("get", f"/registrations/{registration.pk}", None),
            ("post", f"/registrations/{registration.pk}/cancel", None),
        ],
        owner_status=200,
    )
    registration.refresh_from_db()
    assert registration.state == "cancelled"  # by the owner's call, the last one


def test_cancelling_returns_the_registration_and_twice_is_a_conflict(two_people):
    registration = RegistrationFactory(person=two_people.owner.user.person)
    detail = two_people.owner.get(f"/registrations/{registration.pk}").json()
    assert detail["state"] == "confirmed"
    cancelled = two_people.owner.post(f"/registrations/{registration.pk}/cancel")
    assert cancelled.json()["state"] == "cancelled"
    again = two_people.owner.post(f"/registrations/{registration.pk}/cancel")
    assert_error(again, 409, "invalid_transition")
    assert_error(two_people.owner.get("/registrations/9223372036854775808"), 422, "invalid")


def test_staff_routes_refuse_members(two_people):
    registration = ApplicationFactory(person=two_people.owner.user.person)
    for method, path, body in [
        ("get", "/staff/registrations", None),
        ("get", "/staff/registrations.csv", None),
        ("post", f"/staff/registrations/{registration.pk}/decision", {"decision": "accept"}),
        ("post", "/staff/registrations/decisions", {"registrations": [1], "decision": "accept"}),
    ]:
        assert_error(two_people.owner.request(method, path, body), 403, "staff_only")
    registration.refresh_from_db()
    assert registration.state == "applied"


@pytest.mark.parametrize("count", [1, 3])
def test_the_review_list_filters_and_keeps_a_constant_number_of_queries(staff, count):
    mission = MissionFactory(slug="toronto")
    for _ in range(count):
        ApplicationFactory(mission=mission)
    ApplicationFactory(mission=mission, state="rejected")
    ApplicationFactory()  # another mission
    staff.get("/me")
    with CaptureQueriesContext(connection) as queries:
        body = staff.get("/staff/registrations?mission=toronto&state=applied").json()
    assert body["count"] == count
    assert {item["person"]["organisation"] is not None for item in body["items"]} == {True}
    assert body["items"][0]["company_pitch"].startswith("Demo studio")
    # the token with its person (staff role), the mission, the count, the page
    assert len(queries) == 4
    assert_error(staff.get("/staff/registrations?mission=nowhere"), 404, "not_found")
    assert_error(staff.get("/staff/registrations?colour=red"), 422, "invalid")


def test_staff_decide_one_with_a_reason_and_in_bulk(staff):
    mission = MissionFactory(capacity=1)
    first, second = ApplicationFactory(mission=mission), ApplicationFactory(mission=mission)
    refused = staff.post(
        f"/staff/registrations/{first.pk}/decision?lang=en", {"decision": "reject"}
    )
    assert_error(refused, 422, "reason_required")
    bulk = staff.post(
        "/staff/registrations/decisions?lang=en",
        {"registrations": [first.pk, second.pk, 999999], "decision": "accept"},
    )
    assert bulk.json() == {
        "outcomes": [
            {"registration": first.pk, "ok": True, "code": None, "message": None},
            {
                "registration": second.pk,
                "ok": False,
                "code": "no_seat_left",
                "message": "The only seat is taken.",
            },
        ]
    }
    rejected = staff.post(
        f"/staff/registrations/{second.pk}/decision",
        {"decision": "reject", "reason": "Seats are taken."},
    )
    assert (rejected.json()["state"], rejected.json()["decision_reason"]) == (
        "rejected",
        "Seats are taken.",
    )


def test_staff_export_the_review_list_as_csv(staff):
    mission = MissionFactory(slug="toronto", title_en="Toronto")
    application = ApplicationFactory(mission=mission)
    response = staff.get("/staff/registrations.csv?mission=toronto&lang=en")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = response.content.decode("utf-8-sig")
    lines = text.strip().splitlines()
    assert lines[0].startswith("Last name,First name,Email")
    assert len(lines) == 2 and application.person.user.email in lines[1]


def test_changes_emit_webhooks_after_the_commit(two_people):
    webhooks.create_endpoint(
        by=None,
        url="https://partner.example/hooks",
        event_types=["registration.created", "registration.cancelled"],
    )
    event = EventFactory(slug="sound", capacity=3)
    created = two_people.owner.post("/registrations", {"event": "sound"}).json()
    two_people.owner.post(f"/registrations/{created['id']}/cancel")
    deliveries = list(WebhookDelivery.objects.order_by("pk"))
    assert [(d.event_type, d.payload) for d in deliveries] == [
        (
            "registration.created",
            {
                "registration": created["id"],
                "kind": "event",
                "event": event.slug,
                "mission": None,
                "state": "confirmed",
                "previous_state": None,
            },
        ),
        (
            "registration.cancelled",
            {
                "registration": created["id"],
                "kind": "event",
                "event": event.slug,
                "mission": None,
                "state": "cancelled",
                "previous_state": "confirmed",
            },
        ),
    ]
