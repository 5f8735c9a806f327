import email
from datetime import UTC, date, datetime, timedelta
from unittest import mock

import pytest
from django.core import mail

from events import services
from events.invitations import event_invitation, mission_invitation, recipient_of
from events.models import Event
from tests.events.ical_checks import check_calendar, content_lines
from tests.factories import (
    ApplicationFactory,
    EventFactory,
    MissionFactory,
    PartnerFactory,
    PersonFactory,
)

pytestmark = pytest.mark.django_db


def parts_of(message) -> tuple[email.message.Message, list[email.message.Message]]:
    parsed = email.message_from_bytes(message.message().as_bytes())
    return parsed, list(parsed.walk())[1:]


def delegate(language="en", time_zone="America/Toronto"):
    person = PersonFactory(
        organisation=PartnerFactory(), language=language, time_zone=time_zone, role="delegate"
    )
    person.user.first_name, person.user.last_name = "Demo", "delegate"
    person.user.save()
    return person


def test_request_is_multipart_alternative_with_the_calendar_last():
    person = delegate()
    event = EventFactory(
        time_zone="Europe/Paris",
        starts_at=datetime(2027, 3, 29, 8, tzinfo=UTC),
        ends_at=datetime(2027, 3, 29, 10, tzinfo=UTC),
        title_en="Studio visit",
    )
    message = event_invitation(event, recipient_of(person))
    parsed, parts = parts_of(message)
    assert parsed.get_content_type() == "multipart/alternative"
    assert [part.get_content_type() for part in parts] == ["text/plain", "text/calendar"]
    calendar_part = parts[-1]
    assert calendar_part.get_param("method") == "REQUEST"
    assert calendar_part.get_param("charset") == "utf-8"
    data = calendar_part.get_payload(decode=True)
    parsed_events = check_calendar(data, "invitation")
    assert "METHOD:REQUEST" in content_lines(data)
    assert set(parsed_events) == {f"event-{event.pk}@international.primi"}
    assert parsed["From"] == "PRIMI international <international@primi.example>"
    assert 'ORGANIZER;CN="PRIMI international":mailto:international@primi.example' in content_lines(
        data
    )
    attendee = [line for line in content_lines(data) if line.startswith("ATTENDEE")]
    assert attendee == [
        f'ATTENDEE;CN="Demo delegate";PARTSTAT=ACCEPTED;ROLE=REQ-PARTICIPANT;RSVP=FALSE:'
        f"mailto:{person.user.email}"
    ]
    assert parsed["To"] == person.user.email


def test_invitation_is_in_the_recipients_language_with_their_time():
    person = delegate(language="fr", time_zone="America/Vancouver")
    event = EventFactory(
        time_zone="Europe/Paris",
        starts_at=datetime(2027, 6, 1, 8, tzinfo=UTC),
        ends_at=datetime(2027, 6, 1, 10, tzinfo=UTC),
        title_fr="Visite de studio",
        title_en="Studio visit",
    )
    message = event_invitation(event, recipient_of(person))
    assert message.subject == "Invitation\u00a0: Visite de studio"
    assert "10:00" in message.body and "Paris" in message.body
    assert "Votre heure\u00a0:" in message.body and "01:00" in message.body
    _parsed, parts = parts_of(message)
    data = parts[-1].get_payload(decode=True)
    assert "SUMMARY:Visite de studio" in content_lines(data)


def test_uid_equals_the_one_in_the_private_feed(client):
    person = delegate()
    mission = MissionFactory(start_date=date(2027, 5, 10), end_date=date(2027, 5, 14))
    ApplicationFactory(person=person, mission=mission, state="confirmed")
    event = EventFactory(mission=mission)
    _token, secret = services.create_feed_token(person, "Phone")
    feed = check_calendar(client.get(f"/feeds/me/{secret}.ics").content, "feed")
    for message in (
        event_invitation(event, recipient_of(person)),
        mission_invitation(mission, recipient_of(person)),
    ):
        _parsed, parts = parts_of(message)
        (uid,) = check_calendar(parts[-1].get_payload(decode=True), "invitation")
        assert uid in feed


def test_a_change_sends_a_higher_sequence_and_a_cancellation_is_cancel():
    person = delegate()
    event = EventFactory()
    first = event_invitation(event, recipient_of(person))
    event.starts_at += timedelta(hours=1)
    event.ends_at += timedelta(hours=1)
    services.save_event(event)
    updated = event_invitation(event, recipient_of(person))
    event.status = Event.Status.CANCELLED
    services.save_event(event)
    cancelled = event_invitation(event, recipient_of(person), "CANCEL")
    sequences = []
    for message in (first, updated, cancelled):
        _parsed, parts = parts_of(message)
        (item,) = check_calendar(parts[-1].get_payload(decode=True), "invitation").values()
        sequences.append((item.sequence, item.status, parts[-1].get_param("method")))
    assert sequences == [
        (0, "CONFIRMED", "REQUEST"),
        (1, "CONFIRMED", "REQUEST"),
        (2, "CANCELLED", "CANCEL"),
    ]
    assert updated.subject.startswith("Updated: ")
    assert cancelled.subject.startswith("Cancelled: ")


def test_a_persons_cancellation_can_raise_the_sequence_itself():
    person = delegate()
    event = EventFactory()
    message = event_invitation(event, recipient_of(person), "CANCEL", sequence=event.sequence + 1)
    _parsed, parts = parts_of(message)
    (item,) = check_calendar(parts[-1].get_payload(decode=True), "invitation").values()
    assert (item.sequence, item.status) == (1, "CANCELLED")
    assert "METHOD:CANCEL" in content_lines(parts[-1].get_payload(decode=True))


def test_invitation_is_sent_through_the_mail_backend():
    person = delegate()
    event_invitation(EventFactory(title_en="Pitch session"), recipient_of(person)).send()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "Invitation: Pitch session"


def test_publish_is_not_an_invitation_method():
    with pytest.raises(ValueError, match="REQUEST or CANCEL"):
        event_invitation(EventFactory(), recipient_of(delegate()), "PUBLISH")


def test_an_invitation_asks_for_no_reply_and_says_where_to_change_or_cancel():
    """Replies are not read (docs/feeds.md, "Invitations"): the calendar asks for none,
    and the text gives the page where the registration is changed or cancelled."""
    person = delegate(language="en")
    for message in (
        event_invitation(EventFactory(title_en="Pitch session"), recipient_of(person)),
        event_invitation(EventFactory(), recipient_of(person), "CANCEL"),
    ):
        _parsed, parts = parts_of(message)
        data = parts[-1].get_payload(decode=True)
        (attendee,) = [line for line in content_lines(data) if line.startswith("ATTENDEE")]
        assert "RSVP=FALSE" in attendee and "PARTSTAT=ACCEPTED" in attendee
        assert "RSVP=TRUE" not in data.decode()
        assert (
            "Replies sent from your calendar are not read: to change or cancel, go to your "
            "registrations: http://localhost:8000/en/account/registrations/"
        ) in message.body
    french = event_invitation(EventFactory(), recipient_of(delegate(language="fr")))
    assert (
        "Les réponses envoyées depuis votre agenda ne sont pas lues\u00a0: pour modifier ou "
        "annuler, rendez-vous sur vos inscriptions\u00a0: "
        "http://localhost:8000/fr/account/registrations/"
    ) in french.body


def test_an_invitations_dtstamp_is_when_the_message_is_made_not_the_last_change(client):
    person = delegate()
    event = EventFactory()
    changed = datetime(2026, 2, 3, 4, 5, 6, tzinfo=UTC)
    Event.objects.filter(pk=event.pk).update(updated_at=changed)
    event.refresh_from_db()
    sent = datetime(2026, 5, 6, 7, 8, 9, 654321, tzinfo=UTC)
    with mock.patch("django.utils.timezone.now", return_value=sent):
        messages = [
            event_invitation(event, recipient_of(person)),
            event_invitation(event, recipient_of(person), "CANCEL"),
        ]
    for message in messages:
        _parsed, parts = parts_of(message)
        lines = content_lines(parts[-1].get_payload(decode=True))
        assert "DTSTAMP:20260506T070809Z" in lines
        assert "LAST-MODIFIED:20260203T040506Z" in lines
    # A feed (no METHOD but PUBLISH) keeps the stored stamp: two renders are identical.
    download = content_lines(client.get(f"/feeds/events/{event.slug}.ics").content)
    assert "DTSTAMP:20260203T040506Z" in download
