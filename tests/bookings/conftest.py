import pytest

from tests.factories import EventFactory, MissionFactory, PersonFactory, StaffUserFactory


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
