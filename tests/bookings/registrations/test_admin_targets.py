"""Registrations' part of the event and mission admin (bookings/registrations/admin_targets.py)."""

import pytest
from django.contrib import admin
from django.utils import translation

from bookings.registrations.admin_targets import EventAdmin, EventForm, MissionAdmin
from events.models import Event
from missions.models import Mission
from tests.events.test_admin_form import form_data
from tests.factories import EventFactory

pytestmark = pytest.mark.django_db


def test_the_admin_site_uses_the_registration_aware_admins():
    assert type(admin.site._registry[Event]) is EventAdmin
    assert type(admin.site._registry[Mission]) is MissionAdmin


def test_capacity_below_the_seats_taken_is_refused_with_the_count():
    from tests.factories import RegistrationFactory

    event = EventFactory(slug="toronto-showcase", capacity=5, time_zone="America/Toronto")
    RegistrationFactory.create_batch(3, event=event)
    with translation.override("en"):
        form = EventForm(data=form_data(capacity="2"), instance=event)
        assert not form.is_valid()
        assert form.errors["capacity"] == [
            "The capacity cannot be lower than the 3 seats already confirmed or offered."
        ]
        assert EventForm(data=form_data(capacity="3"), instance=event).is_valid()
