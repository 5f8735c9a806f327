"""B2B in a person's data: the download holds it, anonymising empties it and keeps the figures."""

import json
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from bookings.b2b import services
from bookings.b2b.queries import sessions as queries_b2b
from bookings.models import B2BLogEntry, Meeting, MeetingReport, MeetingRequest, Slot
from primi_site.services import personal_data
from tests.bookings.b2b.test_api import png_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def history(session, member, delegate, settings, tmp_path):
    """The member asked the delegate, met them (a lead), and cancelled another meeting."""
    settings.MEDIA_ROOT = tmp_path
    services.update_profile(
        member,
        member.person,
        logo=SimpleUploadedFile("logo.png", png_bytes(), "image/png"),
        offer_fr="Séries d’animation 2D",
    )
    services.set_unavailable(member, {3}, member.person)
    request = services.send_request(member, delegate, "Hello from the member's own words")
    services.answer_request(request, delegate, accept=True, answer="Gladly, says the delegate")
    meeting = services.book_meeting(member, delegate, Slot.objects.get(session=session, index=1))
    MeetingReport.objects.create(
        meeting=meeting, participant=member, took_place=True, outcome="lead", note="Call back"
    )
    MeetingReport.objects.create(
        meeting=meeting, participant=delegate, took_place=True, outcome="lead", note="Promising"
    )
    return request, meeting


def test_the_download_holds_the_b2b_profile_requests_meetings_and_outcomes(
    client, session, member, delegate, history
):
    client.force_login(member.person.user)
    data = json.loads(client.get(reverse("personal_data_export")).content)
    [b2b] = data["b2b"]
    assert b2b["session"] == session.event.slug
    assert (b2b["organisation"], b2b["offer_fr"]) == (
        member.organisation_name,
        "Séries d’animation 2D",
    )
    assert b2b["logo"].startswith(f"b2b/logos/{member.pk}/logo")  # the participant's folder
    assert b2b["directory_consent_at"] is not None
    assert b2b["unavailable_slots"] == [3]
    assert [(r["with"], r["state"], r["message"]) for r in b2b["requests_sent"]] == [
        ("Demo partner B", "accepted", "Hello from the member's own words")
    ]
    assert b2b["requests_received"] == []
    [held] = b2b["meetings"]
    assert (held["with"], held["state"], held["table"]) == ("Demo partner B", "booked", 1)
    assert held["my_report"] == {"took_place": True, "outcome": "lead", "note": "Call back"}
    # The other side's own report and account stay out.
    assert "Promising" not in json.dumps(data)
    assert delegate.person.user.email not in json.dumps(data)


def test_anonymising_empties_the_b2b_profile_and_removes_the_logo_but_keeps_the_figures(
    session, member, delegate, history, django_capture_on_commit_callbacks, tmp_path
):
    request, meeting = history
    member.refresh_from_db()
    logo = Path(tmp_path) / member.logo.name
    assert logo.exists()
    before = queries_b2b.figures([session])

    with django_capture_on_commit_callbacks(execute=True):
        personal_data.anonymise(member.person)

    member.refresh_from_db()
    assert not logo.exists()
    assert member.logo.name == ""
    assert (member.offer_fr, member.offer_en, member.need_en, member.languages) == ("", "", "", [])
    assert member.organisation_name == member.person.organisation.name
    assert member.directory_consent_at is None
    assert member.status == "approved"  # the figures count it
    request.refresh_from_db()
    assert (request.message, request.answer, request.state) == (
        "",
        "Gladly, says the delegate",  # the delegate's own words are theirs
        "accepted",
    )
    mine = MeetingReport.objects.get(participant=member)
    assert (mine.took_place, mine.outcome, mine.note) == (True, "lead", "")
    assert MeetingReport.objects.get(participant=delegate).note == "Promising"
    assert Meeting.objects.get(pk=meeting.pk).state == "booked"
    after = queries_b2b.figures([session])
    assert (after.participants, after.booked, after.held, after.outcomes) == (
        before.participants,
        before.booked,
        before.held,
        before.outcomes,
    )
    assert after.held_by_department == before.held_by_department
    assert after.held_by_country == before.held_by_country
    # No longer listed to others.
    assert member not in list(queries_b2b.directory(session, viewer=delegate))


def test_anonymising_clears_the_reasons_the_person_wrote_when_cancelling(
    session, member, delegate, history
):
    _request, meeting = history
    services.cancel_meeting(meeting, member, "Because of a colleague's illness")
    personal_data.anonymise(member.person)
    meeting.refresh_from_db()
    assert (meeting.state, meeting.cancel_reason) == ("cancelled", "")
    entry = B2BLogEntry.objects.get(action="meeting-cancelled")
    assert entry.detail["reason"] == ""
    assert MeetingRequest.objects.get().answer == "Gladly, says the delegate"


def test_a_delegate_answering_is_cleared_when_the_delegate_is_anonymised(member, delegate, history):
    personal_data.anonymise(delegate.person)
    assert MeetingRequest.objects.get().answer == ""
    assert MeetingRequest.objects.get().message == "Hello from the member's own words"
    assert MeetingReport.objects.get(participant=delegate).note == ""
    delegate.refresh_from_db()
    assert delegate.organisation_name == delegate.person.organisation.name
