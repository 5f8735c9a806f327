"""Confirmed registrations reach the person's private feed; other states do not."""

import pytest

from bookings.models import RegistrationState
from events import services
from tests.factories import ApplicationFactory, PersonFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


def test_confirmed_mission_and_event_are_in_the_private_feed_and_applied_ones_are_not(client):
    person = PersonFactory(language="en")
    confirmed = ApplicationFactory(person=person, state=RegistrationState.CONFIRMED)
    pending = ApplicationFactory(person=person, state=RegistrationState.APPLIED)
    event = RegistrationFactory(person=person, state=RegistrationState.CONFIRMED).event
    _token, secret = services.create_feed_token(person, "Phone")
    feed = client.get(f"/feeds/me/{secret}.ics").content.decode()
    assert confirmed.mission.title_en in feed
    assert event.title_en in feed
    assert pending.mission.title_en not in feed


def test_a_new_confirmation_changes_the_feed_etag(client):
    person = PersonFactory(language="en")
    _token, secret = services.create_feed_token(person, "Phone")
    before = client.get(f"/feeds/me/{secret}.ics")["ETag"]
    ApplicationFactory(person=person, state=RegistrationState.CONFIRMED)
    assert client.get(f"/feeds/me/{secret}.ics")["ETag"] != before
