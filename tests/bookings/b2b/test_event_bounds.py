"""Blocks and booked slots lie within their event's start and end, daylight-saving days too."""

from datetime import UTC, date, datetime, time, timedelta
from unittest import mock

import pytest
from django.utils import translation

from bookings.b2b import services
from bookings.b2b.services.grid import check_block
from bookings.exceptions import Invalid
from bookings.models import B2BBlock, Meeting, Slot
from events.models import Event
from tests.api_support import assert_error
from tests.bookings.conftest import add_participant
from tests.factories import B2BEventFactory, B2BSessionFactory, UserFactory

pytestmark = pytest.mark.django_db

SPRING_PARIS = date(2027, 3, 28)  # clocks go from 02:00 to 03:00
SPRING_TORONTO = date(2027, 3, 14)  # clocks go from 02:00 to 03:00


def utc(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=UTC)


def spring_event(**kwargs) -> Event:
    """01:00 Paris (00:00 UTC) for four real hours: it ends at 06:00 Paris (04:00 UTC),
    not 05:00 as four hours of wall clock would say."""
    return B2BEventFactory.build(
        time_zone="Europe/Paris",
        starts_at=utc(SPRING_PARIS, 0),
        ends_at=utc(SPRING_PARIS, 4),
        **kwargs,
    )


@pytest.mark.parametrize(
    ("starts", "ends"),
    [(time(1), time(6)), (time(3), time(5, 30)), (time(1, 30), time(1, 50))],
)
def test_blocks_within_the_event_on_the_spring_day_are_accepted(starts, ends):
    check_block(SPRING_PARIS, starts, ends, spring_event())


@pytest.mark.parametrize(
    ("starts", "ends"),
    [(time(0, 30), time(1, 30)), (time(5), time(6, 30)), (time(9), time(12))],
)
def test_blocks_reaching_outside_the_event_are_refused(starts, ends):
    with pytest.raises(Invalid) as caught:
        check_block(SPRING_PARIS, starts, ends, spring_event())
    assert caught.value.code == "outside_event"


def test_the_message_names_both_spans_in_the_users_language():
    with translation.override("en"), pytest.raises(Invalid) as english:
        check_block(SPRING_PARIS, time(5), time(6, 30), spring_event())
    assert english.value.message == (
        "Sunday, 28 March 2027, 05:00–06:30 (Paris) lies outside the event, "
        "which runs Sunday, 28 March 2027, 01:00–06:00 (Paris)."
    )
    with translation.override("fr"), pytest.raises(Invalid) as french:
        check_block(SPRING_PARIS, time(5), time(6, 30), spring_event())
    assert french.value.message.startswith("dimanche 28 mars 2027, 05:00–06:30")
    assert "en dehors de l’événement" in french.value.message


def test_a_block_in_the_skipped_hour_is_refused_before_the_bounds():
    with pytest.raises(Invalid) as caught:
        check_block(SPRING_PARIS, time(2, 30), time(4), spring_event())
    assert caught.value.code != "outside_event"


def test_toronto_spring_day_counts_real_hours():
    event = B2BEventFactory.build(
        time_zone="America/Toronto",
        starts_at=utc(SPRING_TORONTO, 5),  # 00:00 EST
        ends_at=utc(SPRING_TORONTO, 9),  # 05:00 EDT, four real hours later
    )
    check_block(SPRING_TORONTO, time(3), time(5), event)
    with pytest.raises(Invalid):
        check_block(SPRING_TORONTO, time(3), time(5, 15), event)


def test_generating_slots_outside_the_event_writes_nothing():
    session = B2BSessionFactory(
        event__time_zone="Europe/Paris",
        event__starts_at=utc(SPRING_PARIS, 0),
        event__ends_at=utc(SPRING_PARIS, 4),
    )
    B2BBlock.objects.create(session=session, day=SPRING_PARIS, starts=time(3), ends=time(5))
    B2BBlock.objects.create(session=session, day=SPRING_PARIS, starts=time(9), ends=time(10))
    with pytest.raises(Invalid) as caught:
        services.generate_slots(session)
    assert caught.value.code == "outside_event"
    assert not Slot.objects.filter(session=session).exists()


# The admin ------------------------------------------------------------------------------


def session_form(session, blocks) -> dict:
    data = {
        "event": session.event_id,
        "status": "open",
        "slot_minutes": 20,
        "pause_minutes": 5,
        "tables": 3,
        "video_base_url": "",
        "pairing": "anyone",
        "max_requests_sent": "",
        "max_meetings": "",
        "fairness": "",
        "blocks-TOTAL_FORMS": len(blocks),
        "blocks-INITIAL_FORMS": 0,
        "blocks-MIN_NUM_FORMS": 0,
        "blocks-MAX_NUM_FORMS": 1000,
    }
    for i, (day, starts, ends) in enumerate(blocks):
        data |= {
            f"blocks-{i}-day": day,
            f"blocks-{i}-starts": starts,
            f"blocks-{i}-ends": ends,
            f"blocks-{i}-name": "",
        }
    return data


@pytest.fixture
def spring_session():
    return B2BSessionFactory(
        event__time_zone="Europe/Paris",
        event__starts_at=utc(SPRING_PARIS, 0),
        event__ends_at=utc(SPRING_PARIS, 4),
        tables=3,
    )


def test_the_admin_refuses_a_block_outside_the_event_in_french(client, spring_session):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    response = client.post(
        f"/admin/bookings/b2bsession/{spring_session.pk}/change/",
        session_form(
            spring_session, [("2027-03-28", "03:00", "05:00"), ("2027-03-28", "05:00", "07:00")]
        ),
    )
    assert response.status_code == 200  # the form again, with the error
    page = response.content.decode()
    assert "en dehors de l’événement" in page
    assert not B2BBlock.objects.exists()


def test_the_admin_saves_blocks_within_the_event(client, spring_session):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    response = client.post(
        f"/admin/bookings/b2bsession/{spring_session.pk}/change/",
        session_form(spring_session, [("2027-03-28", "03:00", "06:00")]),
    )
    assert response.status_code == 302
    assert B2BBlock.objects.get().ends == time(6)


# Booking once the event has moved -----------------------------------------------------


def test_a_slot_left_outside_a_moved_event_cannot_be_booked(client, session, member, delegate):
    session.direct_booking = True
    session.save(update_fields=["direct_booking"])
    first = Slot.objects.get(session=session, index=1)
    Event.objects.filter(pk=session.event_id).update(starts_at=first.ends_at)
    session.event.refresh_from_db()
    with translation.override("en"), pytest.raises(Invalid) as caught:
        services.book_meeting(member, delegate, first)
    assert caught.value.code == "outside_event"
    assert "lies outside the event" in caught.value.message
    client.force_login(member.person.user)  # French speaker
    response = client.post(
        f"/api/v1/b2b/sessions/{session.event.slug}/meetings",
        {"participant": delegate.pk, "slot": 1},
        content_type="application/json",
    )
    body = assert_error(response, 422, "outside_event")
    assert "en dehors de l’événement" in body["message"]
    assert Meeting.objects.count() == 0
    # The slots still within the event book as before.
    assert services.book_meeting(member, delegate, Slot.objects.get(session=session, index=2))


def test_moving_a_meeting_outside_the_event_is_refused(session, member, delegate):
    session.direct_booking = True
    session.save(update_fields=["direct_booking"])
    meeting = services.book_meeting(member, delegate, Slot.objects.get(session=session, index=2))
    third = Slot.objects.get(session=session, index=3)
    Event.objects.filter(pk=session.event_id).update(ends_at=third.starts_at + timedelta(minutes=5))
    session.event.refresh_from_db()
    meeting.session.event.refresh_from_db()
    with pytest.raises(Invalid) as caught:
        services.reschedule_meeting(meeting, member, third)
    assert caught.value.code == "outside_event"
    meeting.refresh_from_db()
    assert meeting.slot.index == 2


def test_slots_of_a_spring_day_block_are_generated_within_the_event_and_bookable():
    """03:00–06:00 Paris on the day clocks jump is 01:00–04:00 UTC: inside an event of
    00:00–04:00 UTC, whose wall clock says 01:00–06:00."""
    session = B2BSessionFactory(
        event__time_zone="Europe/Paris",
        event__starts_at=utc(SPRING_PARIS, 0),
        event__ends_at=utc(SPRING_PARIS, 4),
        direct_booking=True,
    )
    B2BBlock.objects.create(session=session, day=SPRING_PARIS, starts=time(3), ends=time(6))
    assert services.generate_slots(session) == 7  # 20 min + 5 min pause over three hours
    slots = list(Slot.objects.filter(session=session).order_by("index"))
    assert (slots[0].starts_at, slots[-1].ends_at) == (
        utc(SPRING_PARIS, 1),
        utc(SPRING_PARIS, 3, 50),
    )
    a, b = add_participant(session), add_participant(session)
    with mock.patch(
        "bookings.b2b.services.meetings.timezone.now", return_value=utc(SPRING_PARIS, 0)
    ):
        meeting = services.book_meeting(a, b, slots[-1])
    assert meeting.slot == slots[-1]
