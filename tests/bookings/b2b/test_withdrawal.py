"""A cancelled registration takes its person out of the event's B2B session."""

from unittest import mock

import pytest
from django.core import mail

from bookings.b2b import services
from bookings.exceptions import NotAllowed
from bookings.models import B2BParticipant, Meeting, MeetingRequest, MeetingSeat, Registration
from bookings.registrations.services.registrations import cancel_registration, register_for_event
from events.models import Event
from tests.bookings.conftest import add_participant
from tests.bookings.registrations.test_cancellations import calendar_part, only_event
from tests.factories import (
    ApplicationFactory,
    MissionFactory,
    PersonFactory,
    StaffUserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(session, member, delegate, django_capture_on_commit_callbacks):
    """Member and delegate registered with a booked meeting; the member has sent a request
    to a third participant and received one from a fourth."""
    event = session.event
    Event.objects.filter(pk=event.pk).update(capacity=3)
    third = add_participant(session, organisation_name="Demo studio C")
    fourth = add_participant(session, organisation_name="Demo studio D")
    registrations = {
        p.pk: register_for_event(p.person, Event.objects.get(pk=event.pk))
        for p in (member, delegate, third)
    }
    waiting = register_for_event(PersonFactory(), Event.objects.get(pk=event.pk))
    assert waiting.state == "waitlisted"
    request = services.send_request(member, delegate)
    services.answer_request(request, delegate, accept=True)
    meeting = services.book_meeting(member, delegate, session.slots.order_by("index").first())
    sent = services.send_request(member, third)
    received = services.send_request(fourth, member)
    mail.outbox.clear()
    return {
        "registration": registrations[member.pk],
        "meeting": meeting,
        "accepted": request,
        "sent": sent,
        "received": received,
        "third": third,
        "fourth": fourth,
        "waiting": waiting,
    }


def test_the_member_cancelling_withdraws_requests_cancels_meetings_and_tells_each_side(
    world, member, delegate, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        cancel_registration(world["registration"], by=member.person.user)
    member.refresh_from_db()
    assert member.status == "withdrawn"
    states = dict(MeetingRequest.objects.values_list("pk", "state"))
    assert {states[world[key].pk] for key in ("accepted", "sent", "received")} == {"withdrawn"}
    meeting = Meeting.objects.get(pk=world["meeting"].pk)
    assert (meeting.state, meeting.sequence) == ("cancelled", 1)
    assert not MeetingSeat.objects.filter(participant=member, active=True).exists()
    # The counterpart of the meeting gets its CANCEL, in English (a delegate).
    to_delegate = [m for m in mail.outbox if m.to == [delegate.person.user.email]]
    (cancelled,) = [m for m in to_delegate if calendar_part(m)]
    assert cancelled.subject == "Meeting with Demo studio A cancelled"
    method, data = calendar_part(cancelled)
    parsed = only_event(data)
    assert (method, parsed.uid, parsed.status, parsed.sequence) == (
        "CANCEL",
        f"meeting-{meeting.pk}@international.primi",
        "CANCELLED",
        1,
    )
    # The other sides of the requests hear they are withdrawn (the third reads French).
    for key in ("third", "fourth"):
        (told,) = [m for m in mail.outbox if m.to == [world[key].person.user.email]]
        assert told.subject == "Demo studio A a retiré une demande de rendez-vous"
    # The member's own calendar loses the meeting too.
    own = [m for m in mail.outbox if m.to == [member.person.user.email] and calendar_part(m)]
    assert {calendar_part(m)[0] for m in own} == {"CANCEL"}
    assert len(own) == 2  # the registration's and the meeting's


def test_the_freed_seat_still_goes_to_the_waitlist(
    world, member, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        cancel_registration(world["registration"], by=member.person.user)
    assert Registration.objects.get(pk=world["waiting"].pk).state == "confirmed"


def test_a_staff_cancellation_shows_the_reason_to_the_counterpart(
    world, member, delegate, django_capture_on_commit_callbacks
):
    staff = StaffUserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        cancel_registration(
            world["registration"], by=staff, reason="Company closed.", as_staff=True
        )
    meeting = Meeting.objects.get(pk=world["meeting"].pk)
    assert meeting.cancel_reason == "Company closed."
    (cancelled,) = [
        m for m in mail.outbox if m.to == [delegate.person.user.email] and calendar_part(m)
    ]
    assert "Reason: Company closed." in cancelled.body


def test_a_withdrawn_participant_can_no_longer_be_asked(world, member, delegate):
    cancel_registration(world["registration"], by=member.person.user)
    member.refresh_from_db()
    with pytest.raises(NotAllowed) as caught:
        services.send_request(delegate, member)
    assert caught.value.code == "profile_not_approved"


def test_nothing_changes_if_the_withdrawal_fails(world, member):
    failing = mock.patch(
        "bookings.b2b.services.withdrawal.cancel_locked", side_effect=RuntimeError("disk full")
    )
    with failing, pytest.raises(RuntimeError):
        cancel_registration(world["registration"], by=member.person.user)
    assert Registration.objects.get(pk=world["registration"].pk).state == "confirmed"
    assert B2BParticipant.objects.get(pk=member.pk).status == "approved"
    assert MeetingRequest.objects.get(pk=world["sent"].pk).state == "pending"
    assert Meeting.objects.get(pk=world["meeting"].pk).state == "booked"


def test_registered_again_the_person_rejoins_with_the_profile_back_in_review(
    world, member, session
):
    cancel_registration(world["registration"], by=member.person.user)
    Registration.objects.filter(pk=world["waiting"].pk).update(state="cancelled")
    register_for_event(member.person, Event.objects.get(pk=session.event_id))
    again = services.join_session(member.person, session)
    assert again.pk == member.pk
    assert again.status == "submitted"
    assert B2BParticipant.objects.filter(session=session, person=member.person).count() == 1


def test_a_mission_application_still_entitles_the_person_to_the_session(session, member):
    mission = MissionFactory()
    Event.objects.filter(pk=session.event_id).update(mission=mission, capacity=5)
    ApplicationFactory(person=member.person, mission=mission, state="confirmed")
    registration = register_for_event(member.person, Event.objects.get(pk=session.event_id))
    cancel_registration(registration, by=member.person.user)
    member.refresh_from_db()
    assert member.status == "approved"


def test_cancelling_the_mission_application_withdraws_from_its_events_sessions(
    session, member, delegate
):
    mission = MissionFactory()
    Event.objects.filter(pk=session.event_id).update(mission=mission)
    application = ApplicationFactory(person=member.person, mission=mission, state="confirmed")
    request = services.send_request(member, delegate)
    cancel_registration(application, by=member.person.user, as_staff=True)
    member.refresh_from_db()
    request.refresh_from_db()
    assert (member.status, request.state) == ("withdrawn", "withdrawn")


def test_a_waitlisted_registration_cancelled_changes_nothing_in_the_session(world, session):
    waiting = world["waiting"]
    waiting_participant = add_participant(session, person=waiting.person)
    cancel_registration(waiting, by=waiting.person.user)
    waiting_participant.refresh_from_db()
    assert waiting_participant.status == "approved"  # staff added them by hand


def test_a_booking_or_request_read_before_the_withdrawal_is_refused_under_the_lock(
    session, member, delegate
):
    """What a writer that read the participant before the withdrawal committed sees."""
    session.direct_booking = True
    session.save(update_fields=["direct_booking"])
    stale = B2BParticipant.objects.get(pk=member.pk)  # read while still approved
    B2BParticipant.objects.filter(pk=member.pk).update(status="withdrawn")
    with pytest.raises(NotAllowed) as booking:
        services.book_meeting(delegate, stale, session.slots.order_by("index").first())
    assert booking.value.code == "participant_withdrawn"
    assert booking.value.message == "Demo studio A ne participe plus à cette session."
    with pytest.raises(NotAllowed) as request:
        services.send_request(delegate, stale)
    assert request.value.code == "participant_withdrawn"
    assert not Meeting.objects.exists() and not MeetingRequest.objects.exists()
