"""B2B services: requests, booking rules, moving, cancelling, reports, and bad input."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone, translation

from bookings.b2b import services
from bookings.exceptions import Conflict, Invalid, NotAllowed
from bookings.models import (
    B2BLogEntry,
    B2BNotification,
    B2BParticipant,
    B2BSession,
    Meeting,
    MeetingRequest,
    MeetingSeat,
    Slot,
)
from tests.bookings.conftest import add_participant, registered_person
from tests.bookings.registrations.test_calendar_emails import calendar_of
from tests.factories import PersonFactory, b2b_session
from tests.outbox_support import deliver

pytestmark = pytest.mark.django_db


def slot(session, index) -> Slot:
    return Slot.objects.get(session=session, index=index)


def accepted(a, b) -> MeetingRequest:
    request = services.send_request(a, b, "Hello")
    return services.answer_request(request, b, accept=True)


def counts():
    return (
        Meeting.objects.count(),
        MeetingSeat.objects.count(),
        MeetingRequest.objects.count(),
    )


# Requests ---------------------------------------------------------------------


def test_a_request_is_sent_accepted_and_logged(
    member, delegate, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        request = services.send_request(member, delegate, "Shall we talk co-production?")
    assert request.state == "pending"
    assert [m.to for m in mail.outbox] == [[delegate.person.user.email]]
    assert mail.outbox[0].subject == "Meeting request from Demo studio A"  # delegate reads English
    assert "Shall we talk co-production?" in mail.outbox[0].body
    with django_capture_on_commit_callbacks(execute=True):
        services.answer_request(request, delegate, accept=True, answer="With pleasure")
    assert MeetingRequest.objects.get().state == "accepted"
    assert mail.outbox[1].to == [member.person.user.email]
    assert mail.outbox[1].subject == "Demo partner B a accepté votre demande de rendez-vous"
    assert list(B2BLogEntry.objects.order_by("pk").values_list("action", flat=True)) == [
        "request-sent",
        "request-accepted",
    ]


def test_only_the_recipient_answers(member, delegate):
    request = services.send_request(member, delegate)
    with pytest.raises(NotAllowed) as caught:
        services.answer_request(request, member, accept=True)
    assert caught.value.code == "not_recipient"
    assert MeetingRequest.objects.get().state == "pending"


def test_accepting_a_withdrawn_request_is_a_conflict(member, delegate):
    request = services.send_request(member, delegate)
    services.withdraw_request(request, member)
    with translation.override("en"), pytest.raises(Conflict) as caught:
        services.answer_request(request, delegate, accept=True)
    assert caught.value.code == "request_withdrawn"
    assert caught.value.message == "This request was withdrawn."
    with translation.override("fr"), pytest.raises(Conflict) as caught:
        services.answer_request(request, delegate, accept=True)
    assert caught.value.message == "Cette demande a été retirée."
    assert MeetingRequest.objects.get().state == "withdrawn"


def test_a_second_request_between_the_same_pair_is_refused(member, delegate):
    services.send_request(member, delegate)
    with pytest.raises(Conflict) as caught:
        services.send_request(delegate, member)
    assert caught.value.code == "request_exists"
    assert MeetingRequest.objects.count() == 1


def test_the_request_limit_is_enforced(session, member):
    session.max_requests_sent = 1
    session.save()
    first, second = add_participant(session), add_participant(session)
    services.send_request(member, first)
    with pytest.raises(NotAllowed) as caught:
        services.send_request(member, second)
    assert caught.value.code == "request_limit"
    assert MeetingRequest.objects.filter(sender=member).count() == 1


def test_pairing_rule_excludes_two_members(session, member):
    session.pairing = B2BSession.Pairing.DELEGATES_WITH_MEMBERS
    session.save()
    other_member = add_participant(session)
    with pytest.raises(NotAllowed) as caught:
        services.send_request(member, other_member)
    assert caught.value.code == "pairing_not_allowed"
    session.direct_booking = True
    session.save()
    with pytest.raises(NotAllowed):
        services.book_meeting(member, other_member, slot(session, 1))
    assert counts() == (0, 0, 0)


def test_a_request_to_oneself_is_refused(member):
    with pytest.raises(Invalid) as caught:
        services.send_request(member, member)
    assert caught.value.code == "oneself"


def test_unapproved_profiles_cannot_request(session, member):
    draft = add_participant(session, status=B2BParticipant.Status.SUBMITTED)
    with pytest.raises(NotAllowed) as caught:
        services.send_request(member, draft)
    assert caught.value.code == "profile_not_approved"


# Booking ----------------------------------------------------------------------


def test_booking_after_acceptance_takes_a_table_and_two_seats(
    session, member, delegate, django_capture_on_commit_callbacks
):
    accepted(member, delegate)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        meeting = services.book_meeting(member, delegate, slot(session, 2))
    assert meeting.table.number == 1
    assert (meeting.participant_a, meeting.participant_b) == tuple(
        sorted((member, delegate), key=lambda p: p.pk)
    )
    assert set(MeetingSeat.objects.values_list("participant_id", "slot__index", "active")) == {
        (member.pk, 2, True),
        (delegate.pk, 2, True),
    }
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [member.person.user.email, delegate.person.user.email]
    )
    method, ics = calendar_of(mail.outbox[0])  # iMIP: text, then the calendar part
    assert method == "REQUEST"
    assert b"METHOD:REQUEST" in ics
    assert f"UID:meeting-{meeting.pk}@international.primi".encode() in ics
    assert b"BEGIN:VTIMEZONE" in ics
    assert b"TZID=Europe/Paris" in ics
    assert b"SEQUENCE:0" in ics
    (part,) = [
        p for p in mail.outbox[0].message().walk() if p.get_content_type() == "text/calendar"
    ]
    params = [name for name, _value in part.get_params()[1:]]
    assert sorted(params) == ["charset", "method"]  # each once
    assert (part.get_param("method"), part.get_content_charset()) == ("REQUEST", "utf-8")


def test_booking_without_acceptance_is_refused_unless_direct(session, member, delegate):
    with pytest.raises(NotAllowed) as caught:
        services.book_meeting(member, delegate, slot(session, 1))
    assert caught.value.code == "no_accepted_request"
    session.direct_booking = True
    session.save()
    meeting = services.book_meeting(member, delegate, slot(session, 1))
    assert meeting.request is None and meeting.slot.index == 1


def test_a_taken_slot_is_refused(session, member, delegate):
    third = add_participant(session)
    accepted(member, delegate)
    accepted(third, delegate)
    services.book_meeting(member, delegate, slot(session, 1))
    with pytest.raises(Conflict) as caught:
        services.book_meeting(third, delegate, slot(session, 1))
    assert caught.value.code == "slot_taken"
    assert "Demo partner B" in caught.value.message
    assert Meeting.objects.count() == 1 and MeetingSeat.objects.count() == 2


def test_the_last_table_goes_to_one_pair(session):
    from bookings.b2b.services.grid import sync_tables

    session.tables = 1
    session.save()
    sync_tables(session)
    a, b, c, d = (add_participant(session) for _ in range(4))
    session.direct_booking = True
    session.save()
    services.book_meeting(a, b, slot(session, 1))
    with pytest.raises(Conflict) as caught:
        services.book_meeting(c, d, slot(session, 1))
    assert caught.value.code == "no_table"
    # online is still possible where both meet online
    meeting = services.book_meeting(c, d, slot(session, 1), online=True)
    assert meeting.table is None
    assert meeting.video_url.startswith("https://meet.example.org/primi-")


def test_an_unavailable_slot_is_refused(session, member, delegate):
    accepted(member, delegate)
    services.set_unavailable(delegate, {3}, delegate.person)
    with pytest.raises(Conflict) as caught:
        services.book_meeting(member, delegate, slot(session, 3))
    assert caught.value.code == "slot_unavailable"
    assert Meeting.objects.count() == 0


def test_a_slot_of_another_session_is_refused(session, member, delegate):
    accepted(member, delegate)
    other = b2b_session()
    with pytest.raises(Invalid) as caught:
        services.book_meeting(member, delegate, Slot.objects.filter(session=other).first())
    assert caught.value.code == "slot_outside_session"


def test_a_past_slot_is_refused(session, member, delegate):
    accepted(member, delegate)
    first = slot(session, 1)
    Slot.objects.filter(pk=first.pk).update(starts_at=timezone.now() - timedelta(minutes=5))
    first.refresh_from_db()
    with pytest.raises(Invalid) as caught:
        services.book_meeting(member, delegate, first)
    assert caught.value.code == "slot_past"


def test_booking_oneself_is_refused(session, member):
    session.direct_booking = True
    session.save()
    with pytest.raises(Invalid) as caught:
        services.book_meeting(member, member, slot(session, 1))
    assert caught.value.code == "oneself"


def test_the_meeting_limit_is_enforced(session, member, delegate):
    session.max_meetings = 1
    session.direct_booking = True
    session.save()
    third = add_participant(session)
    services.book_meeting(member, delegate, slot(session, 1))
    with pytest.raises(NotAllowed) as caught:
        services.book_meeting(member, third, slot(session, 2))
    assert caught.value.code == "meeting_limit"
    assert MeetingSeat.objects.filter(participant=member).count() == 1


def test_a_closed_session_refuses_booking(session, member, delegate):
    accepted(member, delegate)
    session.status = B2BSession.Status.CLOSED
    session.save()
    with pytest.raises(NotAllowed) as caught:
        services.book_meeting(member, delegate, slot(session, 1))
    assert caught.value.code == "session_closed"


def test_a_pair_meets_once(session, member, delegate):
    accepted(member, delegate)
    services.book_meeting(member, delegate, slot(session, 1))
    with pytest.raises(Conflict) as caught:
        services.book_meeting(delegate, member, slot(session, 2))
    assert caught.value.code == "already_meeting"


def test_online_is_refused_to_someone_who_meets_in_person_only(session, member, delegate):
    accepted(member, delegate)
    B2BParticipant.objects.filter(pk=delegate.pk).update(mode="in-person")
    delegate.refresh_from_db()
    with pytest.raises(NotAllowed) as caught:
        services.book_meeting(member, delegate, slot(session, 1), online=True)
    assert caught.value.code == "mode_in_person_only"


# Moving, cancelling, reporting ------------------------------------------------------


def test_either_side_moves_a_meeting_and_the_sequence_rises(
    session, member, delegate, django_capture_on_commit_callbacks
):
    accepted(member, delegate)
    meeting = services.book_meeting(member, delegate, slot(session, 1))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        moved = services.reschedule_meeting(meeting, delegate, slot(session, 3))
    assert (moved.slot.index, moved.sequence) == (3, 1)
    assert set(MeetingSeat.objects.values_list("slot__index", flat=True)) == {3}
    assert len(mail.outbox) == 2
    _method, ics = calendar_of(mail.outbox[0])
    assert b"SEQUENCE:1" in ics and b"METHOD:REQUEST" in ics


def test_moving_into_a_busy_slot_changes_nothing(session, member, delegate):
    third = add_participant(session)
    session.direct_booking = True
    session.save()
    meeting = services.book_meeting(member, delegate, slot(session, 1))
    services.book_meeting(member, third, slot(session, 2))
    with pytest.raises(Conflict):
        services.reschedule_meeting(meeting, delegate, slot(session, 2))
    meeting.refresh_from_db()
    assert (meeting.slot.index, meeting.sequence) == (1, 0)


def test_cancelling_frees_the_slot_and_sends_a_cancel(
    session, member, delegate, django_capture_on_commit_callbacks
):
    accepted(member, delegate)
    meeting = services.book_meeting(member, delegate, slot(session, 1))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_meeting(meeting, member, reason="Flight moved")
    meeting.refresh_from_db()
    assert (meeting.state, meeting.sequence) == ("cancelled", 1)
    assert not MeetingSeat.objects.filter(active=True).exists()
    method, ics = calendar_of(mail.outbox[0])
    assert method == "CANCEL"
    assert b"METHOD:CANCEL" in ics and b"STATUS:CANCELLED" in ics
    again = services.book_meeting(member, delegate, slot(session, 1))
    assert again.table.number == 1


def test_someone_else_cannot_cancel(session, member, delegate):
    accepted(member, delegate)
    meeting = services.book_meeting(member, delegate, slot(session, 1))
    with pytest.raises(NotAllowed):
        services.cancel_meeting(meeting, add_participant(session))
    assert Meeting.objects.get().state == "booked"


def test_withdrawing_an_accepted_request_cancels_its_meeting(session, member, delegate):
    accepted(member, delegate)
    meeting = services.book_meeting(member, delegate, slot(session, 1))
    services.withdraw_request(meeting.request, delegate)
    assert Meeting.objects.get().state == "cancelled"


def test_reports_after_the_meeting(session, member, delegate):
    accepted(member, delegate)
    meeting = services.book_meeting(member, delegate, slot(session, 1))
    with pytest.raises(Invalid) as caught:
        services.report_meeting(meeting, member, took_place=True, outcome="lead")
    assert caught.value.code == "not_yet"
    Slot.objects.filter(pk=meeting.slot_id).update(starts_at=timezone.now() - timedelta(hours=1))
    meeting.refresh_from_db()
    report = services.report_meeting(meeting, member, took_place=True, outcome="lead")
    report = services.report_meeting(meeting, member, took_place=True, outcome="contract")
    assert (report.outcome, meeting.reports.count()) == ("contract", 1)
    no_show = services.report_meeting(meeting, delegate, took_place=False, outcome="lead")
    assert no_show.outcome == "none"


# Profiles and availability ----------------------------------------------------------


def test_joining_copies_the_account_and_review_approves(session):
    person = registered_person(session, role="delegate", languages_spoken=["en", "fr"])
    participant = services.join_session(person, session)
    assert (participant.side, participant.status) == ("delegate", "draft")
    assert participant.organisation_name == person.organisation.name
    with pytest.raises(Invalid) as caught:
        services.update_profile(participant, person, submit=True)
    assert caught.value.code == "profile_empty"
    with pytest.raises(NotAllowed) as caught:
        services.update_profile(participant, person, submit=True, offer_en="Games")
    assert caught.value.code == "consent_required"
    assert B2BParticipant.objects.get(pk=participant.pk).status == "draft"
    services.update_profile(
        participant,
        person,
        submit=True,
        directory_consent=True,
        offer_en="Games",
        need_fr="Éditeurs",
    )
    saved = B2BParticipant.objects.get(pk=participant.pk)
    assert saved.status == "submitted" and saved.directory_consent_at is not None
    with pytest.raises(Conflict):
        services.join_session(person, session)
    staff = PersonFactory(role="staff")
    services.review_profile(participant, staff, approve=True)
    assert B2BParticipant.objects.get(pk=participant.pk).status == "approved"


def test_bad_profile_input_is_refused_and_not_saved(member):
    with pytest.raises(Invalid):
        services.update_profile(member, member.person, languages=["xx"])
    member.refresh_from_db()
    assert member.languages == ["fr", "en"]


def test_unavailability_is_refused_where_a_meeting_is(session, member, delegate):
    accepted(member, delegate)
    services.book_meeting(member, delegate, slot(session, 2))
    services.set_unavailable(member, {1}, member.person)
    with pytest.raises(Conflict) as caught:
        services.set_unavailable(member, {1, 2}, member.person)
    assert caught.value.code == "slot_has_meeting"
    assert set(member.unavailabilities.values_list("slot__index", flat=True)) == {1}
    with pytest.raises(Invalid):
        services.set_unavailable(member, {99}, member.person)


def test_a_notification_job_run_twice_sends_one_email(member, delegate):
    services.send_request(member, delegate)
    notification = B2BNotification.objects.get()
    send_b2b_notification = deliver("b2b-notification")

    assert send_b2b_notification(notification.pk) is True
    assert send_b2b_notification(notification.pk) is False
    assert len(mail.outbox) == 1


def test_emails_follow_each_recipients_language_and_zone(
    session, member, delegate, django_capture_on_commit_callbacks
):
    delegate.person.time_zone = "America/Vancouver"
    delegate.person.save()
    accepted(member, delegate)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.book_meeting(member, delegate, slot(session, 1))
    by_address = {m.to[0]: m for m in mail.outbox}
    french = by_address[member.person.user.email]
    english = by_address[delegate.person.user.email]
    assert french.subject == "Rendez-vous réservé avec Demo partner B"
    assert "Votre rendez-vous avec Demo partner B est réservé." in french.body
    assert english.subject == "Meeting booked with Demo studio A"
    assert "Your time:" in english.body and "Vancouver" in english.body
    assert "Table 1" in english.body
    ics = calendar_of(english)[1].decode()
    assert "SUMMARY:B2B meeting with Demo studio A" in ics
    assert ics.count("ATTENDEE") == 1 and "mailto:" + delegate.person.user.email in ics


def test_a_superseded_notification_is_not_sent(session, member, delegate):
    send = deliver("b2b-notification")
    session.direct_booking = True
    session.save()
    meeting = services.book_meeting(member, delegate, slot(session, 1))
    services.reschedule_meeting(meeting, member, slot(session, 2))
    booked = B2BNotification.objects.filter(kind="meeting-booked")
    assert [send(n.pk) for n in booked] == [False, False]
    moved = B2BNotification.objects.filter(kind="meeting-moved")
    assert [send(n.pk) for n in moved] == [True, True]
    assert len(mail.outbox) == 2


def test_joining_needs_a_confirmed_registration_for_the_event_or_its_mission():
    from tests.factories import ApplicationFactory, MissionFactory, RegistrationFactory

    mission = MissionFactory()
    session = b2b_session(event__mission=mission)
    outsider = PersonFactory()
    with pytest.raises(NotAllowed) as caught:
        services.join_session(outsider, session)
    assert caught.value.code == "not_registered"
    waitlisted = PersonFactory()
    RegistrationFactory(person=waitlisted, event=session.event, state="waitlisted")
    with pytest.raises(NotAllowed):
        services.join_session(waitlisted, session)
    on_the_mission = PersonFactory()
    ApplicationFactory(person=on_the_mission, mission=mission, state="confirmed")
    assert services.join_session(on_the_mission, session).person == on_the_mission
    assert B2BParticipant.objects.filter(session=session).count() == 1
