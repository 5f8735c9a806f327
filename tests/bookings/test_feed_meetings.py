"""B2B meetings in the private feed: the same entry as their emails, kept up to date."""

import itertools
from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bookings.b2b import services
from bookings.models import Slot
from events import services as event_services
from events.models import Event
from tests.bookings.conftest import add_participant
from tests.bookings.registrations.test_cancellations import calendar_part, only_event
from tests.events.ical_checks import check_calendar, content_lines
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db
DEVICES = itertools.count()


@pytest.fixture(autouse=True)
def _empty_feed_cache():
    caches["feeds"].clear()


def feed_url(person) -> str:
    _token, secret = event_services.create_feed_token(person, f"Device {next(DEVICES)}")
    return f"/feeds/me/{secret}.ics"


def entries(client, url, **headers) -> dict:
    response = client.get(url, headers=headers)
    assert response.status_code == 200
    if b"BEGIN:VEVENT" not in response.content:
        return {}
    return check_calendar(response.content)


def uid(meeting) -> str:
    return f"meeting-{meeting.pk}@international.primi"


@pytest.fixture
def booked(session, member, delegate, django_capture_on_commit_callbacks):
    session.direct_booking = True
    session.save(update_fields=["direct_booking"])
    with django_capture_on_commit_callbacks(execute=True):
        meeting = services.book_meeting(
            member, delegate, Slot.objects.get(session=session, index=1)
        )
    return meeting


def test_both_sides_see_the_meeting_with_the_uid_of_its_email_in_their_language(
    client, booked, member, delegate
):
    to_delegate = next(m for m in mail.outbox if m.to == [delegate.person.user.email])
    method, data = calendar_part(to_delegate)
    assert method == "REQUEST"
    emailed = only_event(data)
    in_feed = entries(client, feed_url(delegate.person))[uid(booked)]
    assert (emailed.uid, emailed.sequence) == (in_feed.uid, in_feed.sequence) == (uid(booked), 0)
    assert in_feed.start == booked.slot.starts_at
    assert in_feed.status == "CONFIRMED"
    assert in_feed.summary == "B2B meeting with Demo studio A"  # the delegate reads English
    assert "With: Demo studio A (France)" in in_feed.description
    assert in_feed.location.startswith("Table 1")
    french = entries(client, feed_url(member.person))[uid(booked)]
    assert french.summary == "Rendez-vous d’affaires avec Demo partner B"
    assert "Avec\u00a0: Demo partner B (Canada)" in french.description


def test_an_online_meeting_carries_its_video_link(client, session, member, delegate):
    for participant in (member, delegate):
        participant.mode = "both"
        participant.save(update_fields=["mode"])
    session.direct_booking = True
    session.save(update_fields=["direct_booking"])
    meeting = services.book_meeting(
        member, delegate, Slot.objects.get(session=session, index=2), online=True
    )
    response = client.get(feed_url(member.person))
    entry = check_calendar(response.content)[uid(meeting)]
    assert meeting.video_url.startswith("https://meet.example.org/")
    assert entry.location == meeting.video_url
    assert f"URL:{meeting.video_url}" in content_lines(response.content)


def test_moving_and_cancelling_raise_the_sequence_and_change_the_etag(
    client, booked, member, session
):
    url = feed_url(member.person)
    first = client.get(url)
    assert check_calendar(first.content)[uid(booked)].sequence == 0
    services.reschedule_meeting(booked, member, Slot.objects.get(session=session, index=3))
    moved = client.get(url, headers={"If-None-Match": first["ETag"]})
    assert moved.status_code == 200
    entry = check_calendar(moved.content)[uid(booked)]
    assert (entry.sequence, entry.start) == (
        1,
        Slot.objects.get(session=session, index=3).starts_at,
    )
    services.cancel_meeting(booked, member, "Flight cancelled")
    cancelled = client.get(url, headers={"If-None-Match": moved["ETag"]})
    assert cancelled.status_code == 200
    entry = check_calendar(cancelled.content)[uid(booked)]
    assert (entry.status, entry.sequence) == ("CANCELLED", 2)
    assert client.get(url, headers={"If-None-Match": cancelled["ETag"]}).status_code == 304
    later = timezone.now() + timedelta(days=31)
    with mock.patch("django.utils.timezone.now", return_value=later):
        gone = client.get(url, headers={"If-None-Match": cancelled["ETag"]})
    assert gone.status_code == 200
    assert uid(booked) not in gone.content.decode()


def test_a_counterpart_renaming_itself_changes_the_etag(client, booked, member, delegate):
    url = feed_url(member.person)
    first = client.get(url)
    services.update_profile(delegate, delegate.person, organisation_name="Demo partner B2")
    again = client.get(url, headers={"If-None-Match": first["ETag"]})
    assert again.status_code == 200
    assert (
        check_calendar(again.content)[uid(booked)].summary
        == "Rendez-vous d’affaires avec Demo partner B2"
    )


def test_meetings_of_an_event_back_in_draft_leave_the_feed(client, booked, member):
    Event.objects.filter(pk=booked.session.event_id).update(status="draft")
    event_services.touch_feeds()
    assert uid(booked) not in entries(client, feed_url(member.person))


def test_someone_else_sees_nothing_of_the_meeting(client, booked):
    assert entries(client, feed_url(PersonFactory())) == {}


@pytest.mark.parametrize("count", [1, 3])
def test_the_feed_query_count_does_not_grow_with_meetings(client, session, member, count):
    session.direct_booking = True
    session.save(update_fields=["direct_booking"])
    for index in range(1, count + 1):
        other = add_participant(session)
        meeting = services.book_meeting(
            member, other, Slot.objects.get(session=session, index=index)
        )
    services.cancel_meeting(meeting, member)  # a cancelled one is shown too
    url = feed_url(member.person)
    client.get(url)
    caches["feeds"].clear()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert len(check_calendar(response.content)) == count
    # token, version and fingerprints, registrations, meetings
    assert len(captured) == 4


def solution_moving(meeting, slot: int, table: int | None) -> dict:
    return {
        "format": "primi-b2b-solution/1",
        "assignments": [{"meeting": f"meeting-{meeting.pk}", "slot": slot, "table": table}],
        "unscheduled": [],
    }


def test_a_change_of_table_alone_raises_the_sequence(client, booked, member, session):
    from bookings.b2b.services.solver_io import apply_solution

    url = feed_url(member.person)
    first = client.get(url)
    assert apply_solution(session, solution_moving(booked, 1, 3), None)["moved"] == 1
    again = client.get(url, headers={"If-None-Match": first["ETag"]})
    assert again.status_code == 200
    entry = check_calendar(again.content)[uid(booked)]
    assert (entry.sequence, entry.start) == (1, booked.slot.starts_at)
    assert entry.location.startswith("Table 3")


def test_a_solution_moving_a_meeting_outside_the_event_is_refused(booked, session):
    from bookings.b2b.services.solver_io import apply_solution
    from bookings.exceptions import Invalid

    last = Slot.objects.get(session=session, index=3)
    Event.objects.filter(pk=session.event_id).update(ends_at=last.starts_at)
    session.event.refresh_from_db()
    with pytest.raises(Invalid) as caught:
        apply_solution(session, solution_moving(booked, 3, 1), None)
    assert caught.value.code == "outside_event"
    booked.refresh_from_db()
    assert (booked.slot.index, booked.sequence) == (1, 0)


def test_a_meeting_invitation_asks_no_reply_and_points_to_the_agenda(booked, member, delegate):
    to_delegate = next(m for m in mail.outbox if m.to == [delegate.person.user.email])
    _method, data = calendar_part(to_delegate)
    (attendee,) = [line for line in content_lines(data) if line.startswith("ATTENDEE")]
    assert "RSVP=FALSE" in attendee and "PARTSTAT=ACCEPTED" in attendee
    assert (
        "Replies sent from your calendar are not read: move or cancel the meeting from your agenda."
    ) in to_delegate.body
    assert f"/b2b/{booked.session.event.slug}/" in to_delegate.body.split("agenda.")[-1]


def test_the_agenda_email_asks_no_reply_and_points_to_the_agenda(booked, session, delegate):
    from bookings.b2b.services.notify import build_email
    from bookings.models import B2BNotification

    notification = B2BNotification.objects.create(
        kind=B2BNotification.Kind.AGENDA_PUBLISHED, recipient=delegate.person, session=session
    )
    message = build_email(notification)
    assert (
        "Replies sent from your calendar are not read: move or cancel the meeting from your agenda."
    ) in message.body
    (attachment,) = message.attachments
    data = attachment[1].encode() if isinstance(attachment[1], str) else attachment[1]
    (attendee,) = [line for line in content_lines(data) if line.startswith("ATTENDEE")]
    assert "RSVP=FALSE" in attendee and "PARTSTAT=ACCEPTED" in attendee
