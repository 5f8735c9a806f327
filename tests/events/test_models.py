from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation

from tests.factories import EventFactory

pytestmark = pytest.mark.django_db


def test_end_before_start_is_refused_by_the_database():
    with pytest.raises(IntegrityError), transaction.atomic():
        event = EventFactory.build()
        event.ends_at = event.starts_at - timedelta(minutes=1)
        event.save()


def test_end_before_start_gets_a_message_in_the_users_language():
    event = EventFactory.build()
    event.ends_at = event.starts_at
    with pytest.raises(ValidationError) as caught:
        event.full_clean()
    translation.activate("fr")
    assert "La fin doit être postérieure au début." in caught.value.messages


def test_registration_closing_after_the_start_is_refused_both_ways():
    event = EventFactory.build()
    event.registration_closes_at = event.starts_at + timedelta(hours=1)
    with pytest.raises(ValidationError) as caught:
        event.full_clean()
    translation.activate("en")
    assert caught.value.message_dict["registration_closes_at"] == [
        "Registration must close before the event starts."
    ]
    with pytest.raises(IntegrityError), transaction.atomic():
        event.save()


def test_negative_capacity_is_refused():
    event = EventFactory.build(capacity=-1)
    with pytest.raises(ValidationError) as caught:
        event.full_clean()
    assert "capacity" in caught.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        event.save()


def test_all_day_event_needs_its_days_in_the_database():
    with pytest.raises(IntegrityError), transaction.atomic():
        EventFactory(all_day=True)


def test_an_event_needs_a_country_or_an_online_link():
    with pytest.raises(IntegrityError), transaction.atomic():
        EventFactory(country="", city="")
    online = EventFactory(country="", city="", online_url="https://video.example/room")
    assert online.is_online


def test_unknown_time_zone_is_refused():
    event = EventFactory.build(time_zone="Mars/Olympus_Mons")
    with pytest.raises(ValidationError) as caught:
        event.full_clean()
    translation.activate("en")
    assert "Mars/Olympus_Mons" in caught.value.message_dict["time_zone"][0]


def test_slug_taken_is_refused():
    EventFactory(slug="annecy-2027")
    with pytest.raises(IntegrityError), transaction.atomic():
        EventFactory(slug="annecy-2027")
