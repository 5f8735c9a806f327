"""Cancelling an event or a mission: registrations, waitlist and B2B meetings follow."""

import email
import itertools
from datetime import timedelta
from unittest import mock

import pytest
from django.contrib.admin.sites import site
from django.core import mail
from django.test import RequestFactory
from django.utils import timezone

from bookings.b2b import services as b2b_services
from bookings.models import (
    B2BNotification,
    EmailOutbox,
    Meeting,
    MeetingSeat,
    Registration,
    RegistrationLog,
)
from bookings.registrations.services.cancellations import Cancelled, cancel_event, cancel_mission
from bookings.registrations.services.registrations import register_for_event
from events import services as event_services
from events.models import Event
from missions.models import Mission
from tests.events.ical_checks import check_calendar
from tests.factories import (
    ApplicationFactory,
    EventFactory,
    MissionFactory,
    PersonFactory,
    RegistrationFactory,
    StaffUserFactory,
)

pytestmark = pytest.mark.django_db
DEVICES = itertools.count()


def calendar_part(message) -> tuple[str, bytes] | None:
    """(method, bytes) of an email's invitation (its calendar part, or a B2B attachment)."""
    if hasattr(message, "calendar"):
        parsed = email.message_from_bytes(message.message().as_bytes())
        assert list(parsed.walk())[-1].get_param("method") == message.method
        return message.method, message.calendar
    for _name, content, mimetype in message.attachments:
        if mimetype.startswith("text/calendar"):
            return mimetype.rsplit("method=", 1)[1], content.encode()
    return None


def only_event(data: bytes):
    (parsed,) = check_calendar(data, "invitation").values()
    return parsed


def feed_of(client, person) -> dict:
    _token, secret = event_services.create_feed_token(person, f"Device {next(DEVICES)}")
    response = client.get(f"/feeds/me/{secret}.ics")
    return check_calendar(response.content) if b"BEGIN:VEVENT" in response.content else {}


@pytest.fixture
def full_event():
    """Two confirmed (French, English), one waitlisted, one offered."""
    event = EventFactory(capacity=3, title_fr="Atelier", title_en="Workshop")
    french = PersonFactory(language="fr")
    english = PersonFactory(language="en")
    register_for_event(french, event)
    register_for_event(english, event)
    RegistrationFactory(
        event=event, state="offered", offer_expires_at=timezone.now() + timedelta(hours=48)
    )
    waiting = register_for_event(PersonFactory(language="en"), event)
    assert waiting.state == "waitlisted"
    mail.outbox.clear()
    return event, french, english


def test_cancelling_an_event_cancels_every_active_registration_and_tells_each_person(
    full_event, client, django_capture_on_commit_callbacks
):
    event, french, english = full_event
    staff = StaffUserFactory()
    rows_before = Registration.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        done = cancel_event(event, by=staff)
    event.refresh_from_db()
    assert (event.status, event.sequence) == ("cancelled", 1)
    assert event.cancelled_at is not None
    assert done == Cancelled(registrations=4, meetings=0, events=1)
    assert Registration.objects.count() == rows_before  # a state change, never a deletion
    assert set(Registration.objects.values_list("state", flat=True)) == {"cancelled"}
    assert set(
        RegistrationLog.objects.filter(to_state="cancelled").values_list("by", "reason")
    ) == {(staff.pk, "L’événement a été annulé.")}
    by_person = {tuple(m.to): m for m in mail.outbox}
    assert len(mail.outbox) == 4  # one each, nobody promoted
    french_mail = by_person[(french.user.email,)]
    english_mail = by_person[(english.user.email,)]
    assert french_mail.subject == "Annulé\xa0: Atelier"
    assert "«\xa0Atelier\xa0» est annulé." in french_mail.body
    assert english_mail.subject == "Cancelled: Workshop"
    assert "“Workshop” is cancelled. We are sorry." in english_mail.body
    assert "Reason" not in english_mail.body  # the fixed reason is the email itself
    # The confirmed get a CANCEL with the UID and SEQUENCE of their private feed.
    for person, message in ((french, french_mail), (english, english_mail)):
        method, data = calendar_part(message)
        parsed = only_event(data)
        assert (method, parsed.uid, parsed.status) == (
            "CANCEL",
            f"event-{event.pk}@international.primi",
            "CANCELLED",
        )
        in_feed = feed_of(client, person)[parsed.uid]
        assert (in_feed.status, in_feed.sequence) == ("CANCELLED", parsed.sequence)
        assert parsed.sequence > 0  # above the REQUEST of the confirmation
    # Those never confirmed had no invitation, so get no CANCEL.
    others = [m for m in mail.outbox if m not in (french_mail, english_mail)]
    assert [calendar_part(m) for m in others] == [None, None]


def test_a_staff_reason_is_logged_and_written_in_the_email(
    full_event, django_capture_on_commit_callbacks
):
    event, _french, english = full_event
    with django_capture_on_commit_callbacks(execute=True):
        cancel_event(event, reason="The venue flooded.")
    english_mail = next(m for m in mail.outbox if m.to == [english.user.email])
    assert "Reason: The venue flooded." in english_mail.body
    assert set(
        RegistrationLog.objects.filter(to_state="cancelled").values_list("reason", flat=True)
    ) == {"The venue flooded."}


def test_cancelling_twice_changes_nothing_the_second_time(
    full_event, django_capture_on_commit_callbacks
):
    event, _french, _english = full_event
    with django_capture_on_commit_callbacks(execute=True):
        cancel_event(event)
    sent, outbox, logs = (
        len(mail.outbox),
        EmailOutbox.objects.count(),
        RegistrationLog.objects.count(),
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert cancel_event(event) == Cancelled()
    event.refresh_from_db()
    assert event.sequence == 1  # did not rise again
    assert (len(mail.outbox), EmailOutbox.objects.count(), RegistrationLog.objects.count()) == (
        sent,
        outbox,
        logs,
    )


# B2B ---------------------------------------------------------------------------------


def booked_meeting(session, member, delegate):
    for participant in (member, delegate):
        RegistrationFactory(person=participant.person, event=session.event)
    request = b2b_services.send_request(member, delegate)
    b2b_services.answer_request(request, delegate, accept=True)
    slot = session.slots.order_by("index").first()
    return b2b_services.book_meeting(member, delegate, slot)


def test_the_b2b_meetings_are_cancelled_and_both_sides_get_a_cancel(
    session, member, delegate, django_capture_on_commit_callbacks
):
    meeting = booked_meeting(session, member, delegate)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        done = cancel_event(session.event)
    assert (done.registrations, done.meetings) == (2, 1)
    meeting.refresh_from_db()
    session.refresh_from_db()
    assert (meeting.state, meeting.sequence, session.status) == ("cancelled", 1, "closed")
    assert not MeetingSeat.objects.filter(active=True).exists()
    meeting_mails = [
        m for m in mail.outbox if calendar_part(m) and b"UID:meeting-" in calendar_part(m)[1]
    ]
    assert sorted(m.to[0] for m in meeting_mails) == sorted(
        [member.person.user.email, delegate.person.user.email]
    )
    for message in meeting_mails:
        method, data = calendar_part(message)
        parsed = only_event(data)
        assert (method, parsed.uid, parsed.status, parsed.sequence) == (
            "CANCEL",
            f"meeting-{meeting.pk}@international.primi",
            "CANCELLED",
            1,
        )
    # Both sides were also told their registration is cancelled.
    assert len(mail.outbox) == 4


def test_nothing_is_half_written_when_a_step_fails(
    session, member, delegate, django_capture_on_commit_callbacks
):
    meeting = booked_meeting(session, member, delegate)
    mail.outbox.clear()
    outbox, notifications = EmailOutbox.objects.count(), B2BNotification.objects.count()
    failing = mock.patch(
        "bookings.registrations.services.cancellations.cancel_locked",
        side_effect=RuntimeError("disk full"),
    )
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        failing,
        pytest.raises(RuntimeError),
    ):
        cancel_event(session.event)
    assert callbacks == []  # nothing enqueued
    session.event.refresh_from_db()
    session.refresh_from_db()
    meeting.refresh_from_db()
    assert (session.event.status, session.event.sequence) == ("published", 0)
    assert (session.status, meeting.state) == ("open", "booked")
    assert set(Registration.objects.values_list("state", flat=True)) == {"confirmed"}
    assert (EmailOutbox.objects.count(), B2BNotification.objects.count()) == (
        outbox,
        notifications,
    )
    assert mail.outbox == []


# Publishing again ----------------------------------------------------------------------


def test_publishing_again_keeps_cancellations_and_a_new_registration_outranks_them(
    full_event, client, django_capture_on_commit_callbacks
):
    event, french, _english = full_event
    with django_capture_on_commit_callbacks(execute=True):
        cancel_event(event)
    event.refresh_from_db()
    event.status = Event.Status.PUBLISHED
    with django_capture_on_commit_callbacks(execute=True):
        event_services.save_event(event)
    event.refresh_from_db()
    assert (event.status, event.cancelled_at, event.sequence) == ("published", None, 2)
    assert not Registration.objects.filter(state__in=["confirmed", "waitlisted"]).exists()
    cancelled_sequence = feed_of(client, french)[f"event-{event.pk}@international.primi"].sequence
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        again = register_for_event(french, event)
    assert again.state == "confirmed"
    method, data = calendar_part(mail.outbox[-1])
    parsed = only_event(data)
    assert (method, parsed.status) == ("REQUEST", "CONFIRMED")
    assert parsed.sequence > cancelled_sequence
    assert feed_of(client, french)[parsed.uid].sequence == parsed.sequence


def test_the_b2b_session_stays_closed_when_the_event_is_published_again(session):
    cancel_event(session.event)
    event = Event.objects.get(pk=session.event_id)
    event.status = Event.Status.PUBLISHED
    event_services.save_event(event)
    session.refresh_from_db()
    assert session.status == "closed"  # the staff reopen it when they are ready


# Missions ------------------------------------------------------------------------------


def test_cancelling_a_mission_cancels_its_applications_and_its_events(
    django_capture_on_commit_callbacks,
):
    mission = MissionFactory()
    confirmed = ApplicationFactory(mission=mission, state="confirmed")
    applied = ApplicationFactory(mission=mission)
    visit = EventFactory(mission=mission, capacity=5)
    visitor = register_for_event(PersonFactory(), visit)
    draft = EventFactory(mission=mission, status="draft")
    elsewhere = RegistrationFactory()
    with django_capture_on_commit_callbacks(execute=True):
        done = cancel_mission(mission)
    assert done == Cancelled(registrations=3, meetings=0, events=1)
    for row in (confirmed, applied, visitor):
        row.refresh_from_db()
        assert row.state == "cancelled"
    elsewhere.refresh_from_db()
    assert elsewhere.state == "confirmed"
    assert Mission.objects.get(pk=mission.pk).status == "cancelled"
    assert Event.objects.get(pk=visit.pk).status == "cancelled"
    assert Event.objects.get(pk=draft.pk).status == "draft"
    assert cancel_mission(mission) == Cancelled()


# The admin -----------------------------------------------------------------------------


def test_the_event_admin_cancels_with_the_service(full_event):
    event, _french, _english = full_event
    staff = StaffUserFactory(is_superuser=True)
    request = RequestFactory().post("/")
    request.user = staff
    event.status = Event.Status.CANCELLED
    site._registry[Event].save_model(request, event, form=mock.Mock(changed_data=[]), change=True)
    assert set(Registration.objects.values_list("state", flat=True)) == {"cancelled"}
    assert RegistrationLog.objects.filter(to_state="cancelled", by=staff).count() == 4


def test_the_mission_admin_cancels_with_the_service():
    mission = MissionFactory()
    application = ApplicationFactory(mission=mission, state="confirmed")
    request = RequestFactory().post("/")
    request.user = StaffUserFactory(is_superuser=True)
    mission.status = Mission.Status.CANCELLED
    admin = site._registry[Mission]
    admin.save_model(request, mission, form=mock.Mock(changed_data=["status"]), change=True)
    admin.save_related(request, mock.Mock(instance=mission), formsets=[], change=True)
    application.refresh_from_db()
    assert application.state == "cancelled"
    assert Meeting.objects.count() == 0
