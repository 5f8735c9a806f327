"""The staff's admin of B2B sessions: generating slots, reviewing profiles."""

from datetime import UTC, date, datetime, time, timedelta

import pytest

from bookings.models import B2BBlock, B2BLogEntry, B2BParticipant, Slot
from tests.factories import B2BParticipantFactory, B2BSessionFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def test_the_generate_action_builds_slots_and_reports_bad_blocks(staff_client):
    day = date.today() + timedelta(days=20)  # noqa: DTZ011
    session = B2BSessionFactory(
        event__starts_at=datetime.combine(day, time(6), tzinfo=UTC),
        event__ends_at=datetime.combine(day, time(18), tzinfo=UTC),
    )
    B2BBlock.objects.create(session=session, day=day, starts=time(9), ends=time(10))
    response = staff_client.post(
        "/admin/bookings/b2bsession/",
        {"action": "generate_slots", "_selected_action": [session.pk]},
        follow=True,
    )
    assert Slot.objects.filter(session=session).count() == 2
    assert "2 créneaux" in response.content.decode()
    spring = B2BSessionFactory(event__time_zone="Europe/Paris")
    B2BBlock.objects.create(session=spring, day=date(2027, 3, 28), starts=time(2, 30), ends=time(4))
    response = staff_client.post(
        "/admin/bookings/b2bsession/",
        {"action": "generate_slots", "_selected_action": [spring.pk]},
        follow=True,
    )
    assert "n’existe pas" in response.content.decode()
    assert not Slot.objects.filter(session=spring).exists()


def test_the_review_actions_approve_and_log(staff_client):
    participant = B2BParticipantFactory(status="submitted")
    staff_client.post(
        "/admin/bookings/b2bparticipant/",
        {"action": "approve", "_selected_action": [participant.pk]},
    )
    assert B2BParticipant.objects.get().status == "approved"
    assert B2BLogEntry.objects.get().action == "profile-reviewed"
