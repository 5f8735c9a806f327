"""The list endpoints not measured beside their own tests: the same queries for 1 and 3 items.

The others are measured where they are tested: events, missions (tests/<app>/test_api.py),
tokens, feed tokens, registrations and the review list, the webhook delivery log, the B2B
directory, requests and meetings, the schedule runs.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bookings.b2b.services.meetings import book_meeting
from bookings.b2b.services.participants import set_unavailable
from bookings.b2b.services.requests import answer_request, send_request
from primi_site.models import WebhookEndpoint
from tests.api_support import ApiClient
from tests.factories import (
    ApplicationFactory,
    B2BParticipantFactory,
    MissionFactory,
    PersonFactory,
    b2b_session,
)

pytestmark = pytest.mark.django_db

ONE_SLOT_BLOCKS = (("09:00", "09:20"), ("10:00", "10:20"), ("11:00", "11:20"))


def queries_of(api: ApiClient, path: str) -> tuple[int, object]:
    api.get("/me")  # the token's first use is recorded once, outside the measure
    with CaptureQueriesContext(connection) as captured:
        response = api.get(path)
    assert response.status_code == 200, response.content[:300]
    return len(captured), response


def measure(build, path_of, size_of) -> list[int]:
    """Build the world with 1 then 3 items; the queries of each, checking the sizes."""
    counts = []
    for count in (1, 3):
        api, path = build(count)
        used, response = queries_of(api, path_of(path))
        assert size_of(response) == count
        counts.append(used)
    return counts


def test_webhook_endpoints():
    def build(count):
        WebhookEndpoint.objects.all().delete()
        for index in range(count):
            WebhookEndpoint.objects.create(
                url=f"https://a{index}.example/h", secret="s", event_types=["meeting.created"]
            )
        return ApiClient(PersonFactory(role="staff").user), "/webhooks/endpoints"

    one, three = measure(build, str, lambda r: len(r.json()["items"]))
    assert one == three


def test_staff_registrations_csv():
    def build(count):
        mission = MissionFactory()
        for _ in range(count):
            ApplicationFactory(mission=mission)
        staff = ApiClient(PersonFactory(role="staff").user)
        return staff, f"/staff/registrations.csv?mission={mission.slug}"

    one, three = measure(build, str, lambda r: r.content.decode("utf-8-sig").count("\n") - 1)
    assert one == three


def b2b_world(count: int, *, booked: bool = False, unavailable: bool = False):
    """A session of `count` slots; its participant with `count` meetings or unavailable
    slots, one partner each, and the requests they accepted."""
    blocks = ONE_SLOT_BLOCKS[:count]
    session = b2b_session(blocks=blocks, direct_booking=True)
    mine = B2BParticipantFactory(session=session)
    for index in range(1, count + 1):
        partner = B2BParticipantFactory(session=session)
        answer_request(send_request(mine, partner, "Demo request"), partner, accept=True)
        if booked:
            book_meeting(mine, partner, session.slots.get(index=index))
    if unavailable:
        set_unavailable(mine, set(range(1, count + 1)), mine.person)
    return session, mine


@pytest.mark.parametrize(
    ("path", "staff", "setup", "size"),
    [
        ("/slots", False, {}, lambda body: len(body)),
        ("/me/unavailable", False, {"unavailable": True}, lambda body: len(body["slots"])),
        ("/grid", True, {"booked": True}, lambda body: len(body["cells"])),
        ("/instance", True, {}, lambda body: len(body["meetings"])),
    ],
)
def test_b2b_lists(path, staff, setup, size):
    def build(count):
        session, mine = b2b_world(count, **setup)
        user = PersonFactory(role="staff").user if staff else mine.person.user
        return ApiClient(user), f"/b2b/sessions/{session.event.slug}{path}"

    one, three = measure(build, str, lambda response: size(response.json()))
    assert one == three
