"""The B2B pages not measured in test_pages.py keep their queries as a session grows:
the same count with 1 and 3 meetings, requests each way and unavailable slots."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bookings.b2b import services
from tests.factories import B2BParticipantFactory, UserFactory, b2b_session

pytestmark = pytest.mark.django_db

BLOCKS = tuple((f"{hour:02}:00", f"{hour:02}:20") for hour in range(8, 14))  # a slot each


def world(count: int):
    """A session of 2×count slots; its participant has `count` meetings (slots 1…count),
    `count` requests sent and received, and slots count+1…2×count unavailable."""
    session = b2b_session(blocks=BLOCKS[: 2 * count], direct_booking=True)
    mine = B2BParticipantFactory(session=session)
    partners = []
    for index in range(1, count + 1):
        partner = B2BParticipantFactory(session=session, organisation_name=f"Partner {index}")
        services.book_meeting(mine, partner, session.slots.get(index=index))
        services.send_request(mine, B2BParticipantFactory(session=session), "Hello")
        services.send_request(B2BParticipantFactory(session=session), mine, "Hello")
        partners.append(partner)
    services.set_unavailable(mine, set(range(count + 1, 2 * count + 1)), mine.person)
    return session, mine, partners


# page: (for staff, a text it shows once per item: the world is really there)
PAGES = {
    "requests/": (False, "Hello"),  # the messages received
    "availability/": (False, "checked"),  # the unavailable slots ticked
    "agenda/print/": (False, "Partner "),  # the meetings
    "participants/{partner}/": (False, None),
    "staff/figures/": (True, None),
    "staff/figures/?format=csv": (True, None),
}


@pytest.mark.parametrize("page", list(PAGES))
def test_queries_do_not_grow_with_the_session(client, page):
    counts = []
    for count in (1, 3):
        session, mine, partners = world(count)
        staff, witness = PAGES[page]
        user = UserFactory(is_staff=True) if staff else mine.person.user
        client.force_login(user)
        url = f"/en/b2b/{session.event.slug}/" + page.format(partner=partners[-1].pk)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200, response.content[:300]
        if witness:
            assert response.content.decode().count(witness) == count
        counts.append(len(captured))
    assert counts[0] == counts[1], counts
