from datetime import UTC, date, datetime

import pytest
from django.utils import translation

from events.admin_forms import EventAdminForm
from tests.factories import EventFactory

pytestmark = pytest.mark.django_db


def form_data(**overrides) -> dict:
    data = {
        "kind": "conference",
        "status": "published",
        "slug": "toronto-showcase",
        "title_fr": "Vitrine à Toronto",
        "title_en": "Toronto showcase",
        "time_zone": "America/Toronto",
        "local_start_0": "2027-01-12",
        "local_start_1": "10:00",
        "local_end_0": "2027-01-12",
        "local_end_1": "12:00",
        "city": "Toronto",
        "country": "CA",
        "waitlist_enabled": "on",
        "waitlist_mode": "confirm",
        "offer_hours": "48",
    }
    data.update(overrides)
    return data


def test_local_times_are_read_in_the_event_zone_and_stored_in_utc():
    form = EventAdminForm(data=form_data())
    assert form.is_valid(), form.errors
    event = form.save()
    assert event.starts_at == datetime(2027, 1, 12, 15, tzinfo=UTC)
    assert event.ends_at == datetime(2027, 1, 12, 17, tzinfo=UTC)


def test_editing_shows_the_local_time_back():
    event = EventFactory(
        time_zone="America/Vancouver",
        starts_at=datetime(2027, 7, 1, 16, tzinfo=UTC),
        ends_at=datetime(2027, 7, 1, 18, tzinfo=UTC),
    )
    form = EventAdminForm(instance=event)
    assert form.initial["local_start"] == datetime(2027, 7, 1, 9, 0)


def test_a_start_in_the_daylight_saving_gap_is_refused_in_french():
    translation.activate("fr")
    form = EventAdminForm(
        data=form_data(
            time_zone="Europe/Paris",
            local_start_0="2027-03-28",
            local_start_1="02:30",
            local_end_0="2027-03-28",
            local_end_1="04:00",
        )
    )
    assert not form.is_valid()
    assert form.errors["local_start"] == [
        "2027-03-28 02:30 n’existe pas dans le fuseau Europe/Paris\xa0: cette heure est "
        "sautée lors du passage à l’heure d’été."
    ]


def test_an_ambiguous_end_is_refused():
    translation.activate("en")
    form = EventAdminForm(
        data=form_data(
            local_start_0="2027-11-07",
            local_start_1="00:30",
            local_end_0="2027-11-07",
            local_end_1="01:30",
        )
    )
    assert not form.is_valid()
    assert "happens twice in America/Toronto" in form.errors["local_end"][0]


def test_end_before_start_is_reported_on_the_end():
    translation.activate("en")
    form = EventAdminForm(data=form_data(local_end_1="09:00"))
    assert not form.is_valid()
    assert form.errors["local_end"] == ["The end must come after the start."]


def test_unknown_time_zone_is_reported_and_nothing_saved():
    form = EventAdminForm(data=form_data(time_zone="America/Toronto_City"))
    assert not form.is_valid()
    assert "time_zone" in form.errors
    assert not EventFactory._meta.model.objects.exists()


def test_all_day_event_spans_local_midnights():
    form = EventAdminForm(
        data=form_data(
            all_day="on",
            time_zone="Europe/Paris",
            local_start_0="",
            local_start_1="",
            local_end_0="",
            local_end_1="",
            start_date="2027-06-14",
            end_date="2027-06-19",
        )
    )
    assert form.is_valid(), form.errors
    event = form.save()
    assert event.starts_at == datetime(2027, 6, 13, 22, tzinfo=UTC)
    assert event.ends_at == datetime(2027, 6, 19, 22, tzinfo=UTC)
    assert (event.start_date, event.end_date) == (date(2027, 6, 14), date(2027, 6, 19))


def test_all_day_event_without_days_gets_messages():
    translation.activate("en")
    form = EventAdminForm(data=form_data(all_day="on"))
    assert not form.is_valid()
    assert form.errors["start_date"] == ["An all-day event needs its first day."]


def test_registration_closing_after_the_start_is_refused():
    translation.activate("en")
    form = EventAdminForm(
        data=form_data(
            registration_closes_at="2027-01-13 10:00",
        )
    )
    assert not form.is_valid()
    assert form.errors["registration_closes_at"] == [
        "Registration must close before the event starts."
    ]
