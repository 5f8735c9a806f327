import pytest

from bookings.models import B2BParticipant
from tests.factories import (
    B2BParticipantFactory,
    EventFactory,
    MissionFactory,
    PartnerFactory,
    PersonFactory,
    StaffUserFactory,
    b2b_session,
)

# Registrations --------------------------------------------------------------------


@pytest.fixture
def staff():
    return StaffUserFactory()


@pytest.fixture
def small_event():
    return EventFactory(slug="workshop", capacity=2)


@pytest.fixture
def mission():
    return MissionFactory(slug="toronto", capacity=3)


@pytest.fixture
def people():
    return [PersonFactory() for _ in range(5)]


# B2B meetings ---------------------------------------------------------------------


@pytest.fixture
def session(db):
    """An open session: one day, three slots (09:00, 09:25, 09:50 Paris), three tables."""
    return b2b_session(video_base_url="https://meet.example.org/")


@pytest.fixture
def member(session) -> B2BParticipant:
    return B2BParticipantFactory(session=session, organisation_name="Demo studio A")


@pytest.fixture
def delegate(session) -> B2BParticipant:
    person = PersonFactory(role="delegate", language="en", organisation=PartnerFactory())
    return B2BParticipantFactory(
        session=session,
        person=person,
        side="delegate",
        organisation_name="Demo partner B",
        country="CA",
        department="",
    )


def add_participant(session, **kwargs) -> B2BParticipant:
    return B2BParticipantFactory(session=session, **kwargs)


def registered_person(session, **kwargs):
    """A person with a confirmed registration for the session's event."""
    from tests.factories import RegistrationFactory

    person = PersonFactory(**kwargs)
    RegistrationFactory(person=person, event=session.event)
    return person
