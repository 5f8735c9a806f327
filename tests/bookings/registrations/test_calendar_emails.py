"""Invitations in the registration emails: REQUEST when confirmed, CANCEL when cancelled,
an updated REQUEST when the event changes; UIDs and SEQUENCEs as in the private feed."""

import email
from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.core import mail
from django.utils import timezone

from bookings.models import EmailOutbox
from bookings.registrations.services.applications import decide
from bookings.registrations.services.registrations import cancel_registration, register_for_event
from bookings.tasks import send_event_updates, send_mission_updates
from events import services as event_services
from missions import services as mission_services
from tests.events.ical_checks import check_calendar, content_lines
from tests.factories import (
    ApplicationFactory,
    EventFactory,
    MissionFactory,
    PersonFactory,
    StaffUserFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)


def calendar_of(message) -> tuple[str, bytes] | None:
    """The method and bytes of the email's calendar part (last), or None."""
    parsed = email.message_from_bytes(message.message().as_bytes())
    parts = list(parsed.walk())
    if parts[-1].get_content_type() != "text/calendar":
        assert not any(part.get_content_type() == "text/calendar" for part in parts)
        return None
    assert parsed.get_content_type() == "multipart/alternative"
    assert [part.get_content_type() for part in parts[1:]] == ["text/plain", "text/calendar"]
    data = parts[-1].get_payload(decode=True)
    method = parts[-1].get_param("method")
    assert f"METHOD:{method}" in content_lines(data)
    return method, data


def only_event(data: bytes, kind: str = "invitation"):
    (parsed,) = check_calendar(data, kind).values()
    return parsed


def test_confirmation_carries_a_request_with_the_feeds_uid_in_the_persons_language(client):
    person = PersonFactory(language="fr")
    event = EventFactory(capacity=5, title_fr="Atelier son", title_en="Sound workshop")
    register_for_event(person, event)
    (message,) = mail.outbox
    assert message.subject == "Inscription confirmée\u00a0: Atelier son"
    assert message.to == [person.user.email]
    method, data = calendar_of(message)
    assert method == "REQUEST"
    invited = only_event(data)
    assert (invited.uid, invited.sequence, invited.summary) == (
        f"event-{event.pk}@international.primi",
        0,
        "Atelier son",
    )
    assert any(line.startswith("ATTENDEE") and "RSVP=FALSE" in line for line in content_lines(data))
    assert (
        "Les réponses envoyées depuis votre agenda ne sont pas lues\u00a0: pour modifier ou "
        "annuler votre inscription, passez par la page de vos inscriptions."
    ) in message.body
    assert "L’invitation jointe l’ajoute à votre agenda." in message.body
    _token, secret = event_services.create_feed_token(person, "Phone")
    feed = check_calendar(client.get(f"/feeds/me/{secret}.ics").content)
    assert feed[invited.uid].sequence == invited.sequence


def test_cancelling_a_confirmed_registration_sends_a_cancel_above_the_request():
    person = PersonFactory(language="en")
    event = EventFactory(capacity=5)
    registration = register_for_event(person, event)
    cancel_registration(registration, by=person.user)
    confirmed, cancelled = mail.outbox
    assert cancelled.subject == f"Registration cancelled: {event.title_en}"
    method, data = calendar_of(cancelled)
    assert method == "CANCEL"
    parsed = only_event(data)
    assert (parsed.uid, parsed.status, parsed.sequence) == (
        f"event-{event.pk}@international.primi",
        "CANCELLED",
        1,
    )
    assert only_event(calendar_of(confirmed)[1]).sequence == 0
    # Registered again: a REQUEST above the CANCEL.
    register_for_event(person, event)
    assert only_event(calendar_of(mail.outbox[-1])[1]).sequence == 2


def test_waitlisted_and_its_cancellation_carry_no_invitation_and_promotion_does():
    event = EventFactory(capacity=1, waitlist_enabled=True)
    first = register_for_event(PersonFactory(), event)
    waiting_person = PersonFactory(language="en")
    waiting = register_for_event(waiting_person, event)
    assert calendar_of(mail.outbox[-1]) is None  # waitlisted
    cancel_registration(first, by=first.person.user)  # frees the seat: promotion
    promoted = [m for m in mail.outbox if m.to == [waiting_person.user.email]][-1]
    assert promoted.subject.startswith("A seat freed up, you are confirmed")
    assert calendar_of(promoted)[0] == "REQUEST"
    other = EventFactory(capacity=1, waitlist_enabled=True)
    register_for_event(PersonFactory(), other)
    queued = register_for_event(PersonFactory(), other)
    before = len(mail.outbox)
    cancel_registration(queued, by=queued.person.user)
    (cancelled,) = mail.outbox[before:]
    assert calendar_of(cancelled) is None  # never confirmed, nothing to remove
    assert waiting.pk


def test_staff_acceptance_of_an_application_sends_the_missions_request():
    application = ApplicationFactory(person=PersonFactory(language="en"))
    decide(application, "accept", by=StaffUserFactory())
    method, data = calendar_of(mail.outbox[-1])
    assert method == "REQUEST"
    parsed = only_event(data)
    assert parsed.uid == f"mission-{application.mission_id}@international.primi"
    assert parsed.all_day


def test_an_event_change_sends_one_updated_request_per_revision_to_the_confirmed():
    event = EventFactory(capacity=1, waitlist_enabled=True)
    confirmed_person = PersonFactory(language="en")
    register_for_event(confirmed_person, event)
    register_for_event(PersonFactory(), event)  # waitlisted: no update
    mail.outbox.clear()
    event.refresh_from_db()
    event.offer_hours = 24  # not in the calendar: no new SEQUENCE, no email
    event_services.save_event(event)
    assert mail.outbox == []
    event.starts_at += timedelta(hours=1)
    event.ends_at += timedelta(hours=1)
    event_services.save_event(event)
    (update,) = mail.outbox
    assert update.to == [confirmed_person.user.email]
    assert update.subject == f"Updated: {event.title_en}"
    method, data = calendar_of(update)
    parsed = only_event(data)
    assert (method, parsed.sequence, parsed.start) == ("REQUEST", 1, event.starts_at)
    assert send_event_updates(event.pk) == 0  # run again: nothing more
    assert len(mail.outbox) == 1
    assert EmailOutbox.objects.filter(kind="updated", sequence=1).count() == 1
    event.status = "cancelled"
    event_services.save_event(event)
    cancelled = mail.outbox[-1]
    assert cancelled.subject == f"Cancelled: {event.title_en}"
    method, data = calendar_of(cancelled)
    parsed = only_event(data)
    assert (method, parsed.status, parsed.sequence) == ("CANCEL", "CANCELLED", 2)


def _accepted(mission, language="en"):
    application = ApplicationFactory(mission=mission, person=PersonFactory(language=language))
    decide(application, "accept", by=StaffUserFactory())
    return application


def _programme_event(mission, **kwargs):
    starts_at = datetime.combine(mission.start_date, time(15), tzinfo=UTC)
    return EventFactory(
        mission=mission, starts_at=starts_at, ends_at=starts_at + timedelta(hours=2), **kwargs
    )


def test_a_missions_new_dates_send_its_confirmed_applicants_an_updated_request(client):
    mission = MissionFactory(capacity=5)
    accepted = _accepted(mission)
    waiting = ApplicationFactory(mission=mission)  # applied, never confirmed: no update
    mail.outbox.clear()
    mission.refresh_from_db()
    mission.offer_hours = 24  # not in the calendar: no email
    mission_services.save_mission(mission)
    assert mail.outbox == []
    mission.start_date += timedelta(days=7)
    mission.end_date += timedelta(days=7)
    mission_services.save_mission(mission)
    (update,) = mail.outbox
    assert update.to == [accepted.person.user.email]
    assert update.subject == f"Updated: {mission.title_en}"
    method, data = calendar_of(update)
    parsed = only_event(data)
    assert (method, parsed.uid, parsed.sequence, parsed.start) == (
        "REQUEST",
        f"mission-{mission.pk}@international.primi",
        1,
        mission.start_date,
    )
    assert send_mission_updates(mission.pk) == 0  # run again: nothing more
    _token, secret = event_services.create_feed_token(accepted.person, "Phone")
    feed = check_calendar(client.get(f"/feeds/me/{secret}.ics").content)
    assert feed[parsed.uid].sequence == parsed.sequence
    mission.status = "cancelled"
    mission_services.save_mission(mission)
    method, data = calendar_of(mail.outbox[-1])
    parsed = only_event(data)
    assert (method, parsed.status, parsed.sequence) == ("CANCEL", "CANCELLED", 2)
    assert all(message.to != [waiting.person.user.email] for message in mail.outbox)


def test_a_programme_change_reaches_the_missions_applicants_with_the_feeds_uid(client):
    mission = MissionFactory(capacity=5)
    event = _programme_event(mission, title_fr="Visite du studio", title_en="Studio visit")
    accepted = _accepted(mission, language="fr")  # invited to the event with the mission
    subjects = [m.subject for m in mail.outbox if m.to == [accepted.person.user.email]]
    assert subjects[0].startswith("Inscription confirmée")
    assert subjects[1:] == ["Invitation\u00a0: Visite du studio"]
    also_registered = _accepted(mission)
    register_for_event(also_registered.person, event)  # holds the event itself: one email
    mail.outbox.clear()
    event.refresh_from_db()
    event.starts_at += timedelta(hours=1)
    event.ends_at += timedelta(hours=1)
    event_services.save_event(event)
    to_applicant = [m for m in mail.outbox if m.to == [accepted.person.user.email]]
    to_registrant = [m for m in mail.outbox if m.to == [also_registered.person.user.email]]
    assert len(to_applicant) == len(to_registrant) == 1
    (update,) = to_applicant
    assert update.subject == "Modifié\u00a0: Visite du studio"
    method, data = calendar_of(update)
    parsed = only_event(data)
    assert (method, parsed.uid, parsed.sequence, parsed.start) == (
        "REQUEST",
        f"event-{event.pk}@international.primi",
        1,
        event.starts_at,
    )
    _token, secret = event_services.create_feed_token(accepted.person, "Phone")
    feed = check_calendar(client.get(f"/feeds/me/{secret}.ics").content)
    assert feed[parsed.uid].sequence == parsed.sequence
    assert send_event_updates(event.pk) == 0  # run again: nothing more
    event.status = "cancelled"
    event_services.save_event(event)
    method, data = calendar_of([m for m in mail.outbox if m.to == update.to][-1])
    parsed = only_event(data)
    assert (method, parsed.status, parsed.sequence) == ("CANCEL", "CANCELLED", 2)
    feed = check_calendar(client.get(f"/feeds/me/{secret}.ics").content)
    assert (feed[parsed.uid].status, feed[parsed.uid].sequence) == ("CANCELLED", 2)


def test_an_event_joining_a_missions_programme_invites_its_applicants():
    mission = MissionFactory(capacity=5)
    accepted = _accepted(mission)
    mail.outbox.clear()
    starts_at = datetime.combine(mission.start_date, time(15), tzinfo=UTC)
    draft = EventFactory.build(
        mission=mission,
        status="draft",
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=1),
    )
    event_services.save_event(draft)
    assert mail.outbox == []  # a draft is in nobody's calendar
    created = EventFactory.build(
        mission=mission, starts_at=starts_at, ends_at=starts_at + timedelta(hours=1)
    )
    event_services.save_event(created)
    (invited,) = mail.outbox
    assert invited.to == [accepted.person.user.email]
    method, data = calendar_of(invited)
    assert (method, only_event(data).uid) == ("REQUEST", f"event-{created.pk}@international.primi")
    elsewhere = EventFactory()
    elsewhere.mission = mission  # moved into the programme
    event_services.save_event(elsewhere)
    method, data = calendar_of(mail.outbox[-1])
    assert only_event(data).uid == f"event-{elsewhere.pk}@international.primi"
    assert len(mail.outbox) == 2


def test_leaving_a_mission_cancels_the_programme_events_it_was_invited_to(client):
    mission = MissionFactory(capacity=5, cancellation_deadline=None)
    accepted = _accepted(mission)
    moved = _programme_event(mission, title_en="Studio visit")
    untouched = _programme_event(mission, title_en="Closing dinner")
    moved.refresh_from_db()
    moved.starts_at += timedelta(hours=1)
    moved.ends_at += timedelta(hours=1)
    event_services.save_event(moved)  # sends the applicant the moved event's REQUEST
    mail.outbox.clear()
    cancel_registration(accepted, by=accepted.person.user)
    calendars = {}
    for message in mail.outbox:
        method, data = calendar_of(message)
        parsed = only_event(data)
        calendars[parsed.uid] = (message.subject, method, parsed.status, parsed.sequence)
    _token, secret = event_services.create_feed_token(accepted.person, "Phone")
    feed = check_calendar(client.get(f"/feeds/me/{secret}.ics").content)
    moved_uid = f"event-{moved.pk}@international.primi"
    assert calendars[moved_uid] == ("Cancelled: Studio visit", "CANCEL", "CANCELLED", 2)
    assert (feed[moved_uid].status, feed[moved_uid].sequence) == ("CANCELLED", 2)
    assert f"mission-{mission.pk}@international.primi" in calendars
    # Never sent by email, so nothing to take back: the feed alone removes it.
    assert f"event-{untouched.pk}@international.primi" not in calendars
    assert len(mail.outbox) == 2
    (programme_email,) = [m for m in mail.outbox if m.subject == "Cancelled: Studio visit"]
    assert "which you no longer take part in" in programme_email.body


def test_closing_a_missions_applications_writes_to_nobody():
    mission = MissionFactory(capacity=5)
    accepted = _accepted(mission)
    mail.outbox.clear()
    mission.refresh_from_db()
    mission.status = "closed"
    mission_services.save_mission(mission)
    assert mail.outbox == []
    assert not EmailOutbox.objects.filter(kind="updated").exists()
    mission.status = "cancelled"  # this one does change their calendar
    mission_services.save_mission(mission)
    (cancelled,) = mail.outbox
    assert cancelled.to == [accepted.person.user.email]
    assert calendar_of(cancelled)[0] == "CANCEL"


def test_an_unpublished_event_is_taken_back_and_publishing_it_again_outranks_that(client):
    mission = MissionFactory(capacity=5)
    applicant = _accepted(mission).person
    event = _programme_event(mission, capacity=5, title_en="Studio visit")
    registrant = PersonFactory(language="en")
    register_for_event(registrant, event)
    event.refresh_from_db()
    event.starts_at += timedelta(hours=1)
    event.ends_at += timedelta(hours=1)
    event_services.save_event(event)  # sequence 1: both the applicant and registrant told
    # Accepted after: invited to the event with the mission, so it is taken back too.
    invited_later = _accepted(mission).person
    event.refresh_from_db()
    mail.outbox.clear()
    event.status = "draft"
    event_services.save_event(event)  # sequence 2
    sent = {tuple(m.to): m for m in mail.outbox}
    assert set(sent) == {
        (applicant.user.email,),
        (registrant.user.email,),
        (invited_later.user.email,),
    }
    for message in sent.values():
        method, data = calendar_of(message)
        parsed = only_event(data)
        assert (method, parsed.status, parsed.sequence) == ("CANCEL", "CANCELLED", 2)
        assert "is no longer published for now" in message.body
    _token, secret = event_services.create_feed_token(registrant, "Phone")
    uid = f"event-{event.pk}@international.primi"
    assert f"UID:{uid}" not in content_lines(client.get(f"/feeds/me/{secret}.ics").content)
    mail.outbox.clear()
    event.status = "published"
    event_services.save_event(event)  # sequence 3: above the CANCEL
    for message in mail.outbox:
        method, data = calendar_of(message)
        assert (method, only_event(data).sequence) == ("REQUEST", 3)
    assert {m.to[0] for m in mail.outbox} == {
        applicant.user.email,
        registrant.user.email,
        invited_later.user.email,
    }


def test_an_event_leaving_a_programme_is_taken_back_from_those_it_was_sent_to():
    first, second = MissionFactory(capacity=5), MissionFactory(capacity=5)
    sent_it = _accepted(first).person
    event = _programme_event(first, title_en="Studio visit")
    event.refresh_from_db()
    event.starts_at += timedelta(hours=1)
    event.ends_at += timedelta(hours=1)
    event_services.save_event(event)  # sequence 1, sent to `sent_it`
    invited_later = _accepted(first).person  # invited to the event with the mission
    newcomer = _accepted(second).person
    mail.outbox.clear()
    event.refresh_from_db()
    event.mission = second
    event_services.save_event(event)
    sent = {m.to[0]: m for m in mail.outbox}
    assert set(sent) == {sent_it.user.email, invited_later.user.email, newcomer.user.email}
    method, data = calendar_of(sent[sent_it.user.email])
    parsed = only_event(data)
    assert (method, parsed.status, parsed.sequence) == ("CANCEL", "CANCELLED", 2)
    assert "is no longer part of the programme of" in sent[sent_it.user.email].body
    method, data = calendar_of(sent[newcomer.user.email])
    assert (method, only_event(data).sequence) == ("REQUEST", 1)
    assert send_event_updates(event.pk) == 0  # run again: nothing more


def test_an_unpublished_events_email_is_titled_withdrawn_and_has_no_dead_link(client):
    mission = MissionFactory(capacity=5)
    english = _accepted(mission).person
    french = _accepted(mission, language="fr").person
    event = _programme_event(mission, title_en="Studio visit", title_fr="Visite du studio")
    event.refresh_from_db()
    event.starts_at += timedelta(hours=1)
    event.ends_at += timedelta(hours=1)
    event_services.save_event(event)  # sent to both applicants
    mail.outbox.clear()
    event.status = "draft"
    event_services.save_event(event)
    sent = {m.to[0]: m for m in mail.outbox}
    assert sent[english.user.email].subject == "Withdrawn: Studio visit"
    assert sent[french.user.email].subject == "Retiré\u00a0: Visite du studio"
    for message in sent.values():
        assert calendar_of(message)[0] == "CANCEL"
        assert f"/events/{event.slug}/" not in message.body  # the page is a 404 now
        assert client.get(f"/en/events/{event.slug}/").status_code == 404
        assert "/account/registrations/" in message.body
    # Out of the programme: taken back too, not "updated" (its page still answers).
    event.status = "published"
    event_services.save_event(event)
    event.mission = MissionFactory(capacity=5)
    mail.outbox.clear()
    event_services.save_event(event)
    sent = {m.to[0]: m for m in mail.outbox}
    assert sent[english.user.email].subject == "Withdrawn: Studio visit"
    assert f"/events/{event.slug}/" in sent[english.user.email].body


def test_a_new_title_or_description_raises_the_sequence_and_updates_the_invitations(client):
    """RFC 5546: title and description are significant; an accepted invitation must not
    keep the old title. Each language's field counts; each change is one update."""
    event = EventFactory(capacity=5, title_en="Pitch day", title_fr="Journée pitch")
    english, french = PersonFactory(language="en"), PersonFactory(language="fr")
    register_for_event(english, event)
    register_for_event(french, event)
    mail.outbox.clear()
    event.refresh_from_db()
    event.title_en = "Pitch day: animation"
    event_services.save_event(event)
    event.description_fr = "Nouveau programme\u00a0: dix studios."
    event_services.save_event(event)
    assert event.sequence == 2
    sent = {}
    for message in mail.outbox:
        method, data = calendar_of(message)
        parsed = only_event(data)
        sent.setdefault(message.to[0], []).append((method, parsed.sequence, parsed.summary))
    assert sent[english.user.email] == [
        ("REQUEST", 1, "Pitch day: animation"),
        ("REQUEST", 2, "Pitch day: animation"),
    ]
    assert sent[french.user.email] == [
        ("REQUEST", 1, "Journée pitch"),
        ("REQUEST", 2, "Journée pitch"),
    ]
    subjects = {m.to[0]: m.subject for m in mail.outbox}
    assert subjects[english.user.email] == "Updated: Pitch day: animation"
    assert subjects[french.user.email] == "Modifié\u00a0: Journée pitch"
    _token, secret = event_services.create_feed_token(french, "Phone")
    feed = check_calendar(client.get(f"/feeds/me/{secret}.ics").content)
    assert feed[f"event-{event.pk}@international.primi"].sequence == 2
    assert "Nouveau programme" in feed[f"event-{event.pk}@international.primi"].description


def test_a_missions_new_title_or_summary_updates_its_applicants_invitation():
    mission = MissionFactory(capacity=5, title_en="Toronto 2027")
    accepted = _accepted(mission)
    mail.outbox.clear()
    mission.refresh_from_db()
    mission.title_en = "Toronto 2027: games"
    mission_services.save_mission(mission)
    mission.summary_fr = "Résumé revu"
    mission_services.save_mission(mission)
    first, second = mail.outbox
    assert first.to == [accepted.person.user.email]
    assert first.subject == "Updated: Toronto 2027: games"
    assert [only_event(calendar_of(m)[1]).sequence for m in (first, second)] == [1, 2]
    assert only_event(calendar_of(first)[1]).summary == "Toronto 2027: games"


def test_every_registration_email_states_when_and_where_in_both_zones():
    """Not "check the details below" followed by a link: the date, the time in the event's
    zone and the reader's, the place and the video link, in the email itself."""
    event = EventFactory(
        capacity=1,
        waitlist_enabled=True,
        time_zone="America/Toronto",
        starts_at=datetime(2027, 3, 10, 14, tzinfo=UTC),
        ends_at=datetime(2027, 3, 10, 16, tzinfo=UTC),
        venue_name="Studio Nord",
        venue_address="12 King St",
        city="Toronto",
        country="CA",
        online_url="https://video.example/room",
    )
    in_paris = PersonFactory(language="fr", time_zone="Europe/Paris")
    in_toronto = PersonFactory(language="en", time_zone="America/Toronto")
    first = register_for_event(in_paris, event)  # confirmed
    register_for_event(in_toronto, event)  # waitlisted
    cancel_registration(first, by=in_paris.user)  # cancelled; the waitlist moves up
    by_person = {}
    for message in mail.outbox:
        by_person.setdefault(message.to[0], []).append(message)
    french = by_person[in_paris.user.email]
    assert len(french) == 2  # confirmed, cancelled
    for message in french:
        assert "Quand\u00a0: mercredi 10 mars 2027, 09:00–11:00 (Toronto)" in message.body
        assert "Chez vous\u00a0: mercredi 10 mars 2027, 15:00–17:00 (Paris)" in message.body
        assert "Où\u00a0: Studio Nord, 12 King St, Toronto, Canada" in message.body
        assert "En ligne\u00a0: https://video.example/room" in message.body
    english = by_person[in_toronto.user.email]
    assert len(english) == 2  # waitlisted, promoted
    for message in english:
        assert "When: Wednesday" in message.body and "09:00–11:00 (Toronto)" in message.body
        assert "Your time:" not in message.body  # the same clock: said once
        assert "Where: Studio Nord, 12 King St, Toronto, Canada" in message.body
    # An update states the new time.
    mail.outbox.clear()
    event.refresh_from_db()
    event.starts_at += timedelta(hours=1)
    event.ends_at += timedelta(hours=1)
    event_services.save_event(event)
    (update,) = mail.outbox
    assert "10:00–12:00 (Toronto)" in update.body


def test_a_mission_email_states_its_days_and_destination():
    mission = MissionFactory(
        capacity=5,
        start_date=date(2027, 5, 10),
        end_date=date(2027, 5, 14),
        time_zone="America/Toronto",
        destination_city="Toronto",
        destination_country="CA",
    )
    application = _accepted(mission)
    (message,) = [m for m in mail.outbox if m.to == [application.person.user.email]]
    assert "When: 10–14 May 2027 (Toronto)" in message.body
    assert "Where: Toronto, Canada" in message.body


def test_the_reminder_states_the_place_and_the_video_link():
    from bookings.models import EventReminder
    from bookings.registrations.services import reminders

    event = EventFactory(
        capacity=5,
        venue_name="Studio Nord",
        city="Toronto",
        country="CA",
        online_url="https://video.example/room",
    )
    registration = register_for_event(PersonFactory(language="en"), event)
    message = reminders.build_message(EventReminder.objects.create(registration=registration))
    assert "Where: Studio Nord, Toronto, Canada" in message.body
    assert "Online: https://video.example/room" in message.body


def test_a_confirmed_applicant_is_invited_to_each_programme_event_once_then_to_changes(client):
    """Calendars act on one event per invitation: the mission's, then one per programme
    event, sent together on confirmation, each once; later only what changed."""
    mission = MissionFactory(capacity=5, title_en="Toronto 2027")
    visit = _programme_event(mission, title_en="Studio visit")
    dinner = _programme_event(mission, title_en="Closing dinner")
    _programme_event(mission, status="draft", title_en="Draft")
    past_start = timezone.now() - timedelta(days=2)
    EventFactory(mission=mission, starts_at=past_start, ends_at=past_start + timedelta(hours=1))
    mail.outbox.clear()
    accepted = _accepted(mission)
    person = accepted.person
    calendars = {}
    for message in mail.outbox:
        assert message.to == [person.user.email]
        method, data = calendar_of(message)
        parsed = only_event(data)  # one VEVENT per invitation
        calendars[parsed.uid] = (message.subject, method, parsed.sequence)
    assert calendars == {
        f"mission-{mission.pk}@international.primi": (
            "Registration confirmed: Toronto 2027",
            "REQUEST",
            0,
        ),
        f"event-{visit.pk}@international.primi": ("Invitation: Studio visit", "REQUEST", 0),
        f"event-{dinner.pk}@international.primi": ("Invitation: Closing dinner", "REQUEST", 0),
    }
    (visit_email,) = [m for m in mail.outbox if m.subject == "Invitation: Studio visit"]
    assert "is part of the programme of “Toronto 2027”, which you take part in" in (
        visit_email.body
    )
    assert "When:" in visit_email.body
    # Sent once: running the jobs and the sweep again sends nothing more.
    assert send_event_updates(visit.pk) == 0
    from primi_site import outbox

    outbox.sweep(now=timezone.now() + timedelta(days=1))
    assert len(mail.outbox) == 3
    # Later, only what changed, as an update.
    mail.outbox.clear()
    visit.refresh_from_db()
    visit.starts_at += timedelta(hours=1)
    visit.ends_at += timedelta(hours=1)
    event_services.save_event(visit)
    (update,) = mail.outbox
    assert update.subject == "Updated: Studio visit"
    method, data = calendar_of(update)
    assert (method, only_event(data).sequence) == ("REQUEST", 1)
    _token, secret = event_services.create_feed_token(person, "Phone")
    feed = check_calendar(client.get(f"/feeds/me/{secret}.ics").content)
    assert feed[f"event-{visit.pk}@international.primi"].sequence == 1
    assert feed[f"event-{dinner.pk}@international.primi"].sequence == 0
