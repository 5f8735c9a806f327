"""The event-or-mission adapter: what differs between the two is said once."""

import pytest

from bookings.models import Registration
from bookings.registrations import targets
from events.models import Event
from missions.models import Mission
from tests.factories import EventFactory, MissionFactory, PersonFactory

pytestmark = pytest.mark.django_db


def test_each_kind_points_a_registration_at_its_target():
    event, mission = EventFactory(), MissionFactory()
    person = PersonFactory()
    for target, model in ((event, Event), (mission, Mission)):
        kind = targets.kind_of(target)
        assert kind.model is model and targets.kind_named(kind.name) is kind
        registration = Registration.objects.create(person=person, **kind.fields(target))
        assert registration.target == target
        assert targets.model_and_pk(registration) == (model, target.pk)


def test_only_events_may_be_for_members_or_without_a_waitlist():
    closed_event = EventFactory(members_only=True, waitlist_enabled=False)
    assert targets.members_only(closed_event) and not targets.has_waitlist(closed_event)
    mission = MissionFactory()
    assert not targets.members_only(mission) and targets.has_waitlist(mission)
    assert targets.MISSION.has_quotas and not targets.EVENT.has_quotas


@pytest.mark.parametrize(
    ("make", "status", "passes"),
    [
        (EventFactory, Event.Status.PUBLISHED, True),
        (EventFactory, Event.Status.CANCELLED, False),
        (EventFactory, Event.Status.DRAFT, False),
        (MissionFactory, Mission.Status.PUBLISHED, True),
        (MissionFactory, Mission.Status.CLOSED, True),  # applicants still move up
        (MissionFactory, Mission.Status.CANCELLED, False),
    ],
)
def test_freed_seats_pass_on_while_the_target_is_live(make, status, passes):
    assert targets.seats_pass_on(make(status=status)) is passes
