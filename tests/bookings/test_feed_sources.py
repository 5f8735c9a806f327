"""The registrations source of the private feed: what a person is confirmed for."""

from datetime import timedelta
from unittest import mock

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bookings.registrations.services.registrations import cancel_registration, register_for_event
from events import services as event_services
from tests.events.ical_checks import check_calendar
from tests.factories import (
    ApplicationFactory,
    EventFactory,
    MissionFactory,
    PersonFactory,
    RegistrationFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_feed_cache():
    caches["feeds"].clear()


def uid(kind, pk):
    return f"{kind}-{pk}@international.primi"


def feed(client, person):
    _token, secret = event_services.create_feed_token(person, "Phone")
    response = client.get(f"/feeds/me/{secret}.ics")
    assert response.status_code == 200
    if b"BEGIN:VEVENT" not in response.content:
        return {}
    return check_calendar(response.content, "feed")


def test_feed_holds_confirmed_registrations_and_confirmed_missions_with_programme(client):
    person = PersonFactory(language="en")
    confirmed = RegistrationFactory(person=person, event=EventFactory(title_en="Workshop"))
    RegistrationFactory(person=person, state="waitlisted")
    mission = MissionFactory(title_en="Toronto")
    programme = EventFactory(mission=mission, title_en="Studio visit")
    ApplicationFactory(person=person, mission=mission, state="confirmed")
    ApplicationFactory(person=person)  # applied, not decided: not in the calendar
    other_mission = MissionFactory()
    EventFactory(mission=other_mission)
    ApplicationFactory(mission=other_mission, state="confirmed")  # someone else's
    parsed = feed(client, person)
    assert set(parsed) == {
        uid("event", confirmed.event_id),
        uid("mission", mission.pk),
        uid("event", programme.pk),
    }
    assert parsed[uid("event", confirmed.event_id)].summary == "Workshop"
    assert parsed[uid("event", programme.pk)].summary == "Studio visit"
    assert {event.status for event in parsed.values()} == {"CONFIRMED"}


def test_a_mission_closed_to_applications_stays_in_its_participants_feed(client):
    person = PersonFactory()
    mission = MissionFactory(status="closed")
    ApplicationFactory(person=person, mission=mission, state="confirmed")
    assert feed(client, person)[uid("mission", mission.pk)].status == "CONFIRMED"


def test_a_partner_organisation_alone_no_longer_puts_a_mission_in_the_feed(client):
    person = PersonFactory()
    mission = MissionFactory()
    mission.partners.add(person.organisation)
    assert feed(client, person) == {}


def test_a_cancelled_registration_stays_30_days_cancelled_with_a_higher_sequence(client):
    person = PersonFactory()
    event = EventFactory(capacity=5)
    registration = register_for_event(person, event)
    _token, secret = event_services.create_feed_token(person, "Phone")
    before = client.get(f"/feeds/me/{secret}.ics")
    assert check_calendar(before.content)[uid("event", event.pk)].sequence == 0
    cancel_registration(registration, by=person.user)
    after = client.get(f"/feeds/me/{secret}.ics", headers={"If-None-Match": before["ETag"]})
    assert after.status_code == 200  # the ETag moved
    cancelled = check_calendar(after.content)[uid("event", event.pk)]
    assert (cancelled.status, cancelled.sequence) == ("CANCELLED", 1)
    # Registered again: confirmed, and above the cancellation.
    again = register_for_event(person, event)
    fresh = check_calendar(client.get(f"/feeds/me/{secret}.ics").content)
    assert (fresh[uid("event", event.pk)].status, fresh[uid("event", event.pk)].sequence) == (
        "CONFIRMED",
        2,
    )
    cancel_registration(again, by=person.user)
    assert (
        check_calendar(client.get(f"/feeds/me/{secret}.ics").content)[
            uid("event", event.pk)
        ].sequence
        == 3
    )
    later = timezone.now() + timedelta(days=31)
    with mock.patch("django.utils.timezone.now", return_value=later):
        gone = client.get(f"/feeds/me/{secret}.ics")
    assert b"BEGIN:VEVENT" not in gone.content


def test_a_waitlisted_person_who_cancels_gets_nothing_in_the_feed(client):
    person = PersonFactory()
    event = EventFactory(capacity=1, waitlist_enabled=True)
    register_for_event(PersonFactory(), event)
    waiting = register_for_event(person, event)
    assert waiting.state == "waitlisted"
    cancel_registration(waiting, by=person.user)
    assert feed(client, person) == {}


def test_a_cancelled_mission_application_cancels_its_programme_too(client):
    person = PersonFactory()
    mission = MissionFactory()
    visit = EventFactory(mission=mission)
    application = ApplicationFactory(person=person, mission=mission, state="confirmed")
    from bookings.registrations.services.common import record

    record(application, "applied")  # its confirmation, as the staff's decision logs it
    cancel_registration(application, by=person.user, as_staff=True)
    parsed = feed(client, person)
    assert {key: (event.status, event.sequence) for key, event in parsed.items()} == {
        uid("mission", mission.pk): ("CANCELLED", 1),
        uid("event", visit.pk): ("CANCELLED", 1),
    }


def test_a_confirmed_registration_outranks_the_same_event_cancelled_elsewhere(client):
    person = PersonFactory()
    mission = MissionFactory()
    visit = EventFactory(mission=mission, capacity=5)
    application = ApplicationFactory(person=person, mission=mission, state="confirmed")
    from bookings.registrations.services.common import record

    record(application, "applied")
    cancel_registration(application, by=person.user, as_staff=True)
    register_for_event(person, visit)
    parsed = feed(client, person)
    assert parsed[uid("event", visit.pk)].status == "CONFIRMED"
    assert parsed[uid("mission", mission.pk)].status == "CANCELLED"


@pytest.mark.parametrize("count", [1, 3])
def test_feed_query_count_does_not_grow_with_registrations(client, count):
    person = PersonFactory()
    for _ in range(count):
        RegistrationFactory(person=person)
        mission = MissionFactory()
        EventFactory.create_batch(count, mission=mission)
        ApplicationFactory(person=person, mission=mission, state="confirmed")
        cancelled = register_for_event(person, EventFactory())
        cancel_registration(cancelled, by=person.user)
    _token, secret = event_services.create_feed_token(person, "Phone")
    client.get(f"/feeds/me/{secret}.ics")
    caches["feeds"].clear()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(f"/feeds/me/{secret}.ics")
    assert len(check_calendar(response.content)) == count * (3 + count)
    # token, version and fingerprints, registrations, programmes, meetings
    assert len(captured) == 5


def test_the_private_feeds_etag_moves_with_its_own_items_only(client):
    person = PersonFactory(language="en")
    registered = RegistrationFactory(person=person, event=EventFactory(title_en="Workshop"))
    mission = MissionFactory(title_en="Toronto")
    programme = EventFactory(mission=mission, title_en="Studio visit")
    ApplicationFactory(person=person, mission=mission, state="confirmed")
    elsewhere = EventFactory(title_en="Someone else's")
    _token, secret = event_services.create_feed_token(person, "Phone")
    url = f"/feeds/me/{secret}.ics"
    first = client.get(url)
    later = timezone.now() + timedelta(seconds=5)
    with mock.patch("django.utils.timezone.now", return_value=later):
        elsewhere.title_en = "Renamed elsewhere"
        event_services.save_event(elsewhere)
        EventFactory()
    again = client.get(url, headers={"If-None-Match": first["ETag"]})
    assert again.status_code == 304
    assert again["Last-Modified"] == first["Last-Modified"]
    etag = first["ETag"]
    for target, field in (
        (registered.event, "title_en"),
        (programme, "description_en"),
        (mission, "title_en"),
    ):
        target.refresh_from_db()
        setattr(target, field, "Changed")
        later += timedelta(seconds=5)
        with mock.patch("django.utils.timezone.now", return_value=later):
            target.save()  # the row's change alone, whatever service made it
        changed = client.get(url, headers={"If-None-Match": etag})
        assert changed.status_code == 200, (target, field)
        assert "Changed" in changed.content.decode()
        etag = changed["ETag"]
