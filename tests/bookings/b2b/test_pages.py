"""B2B pages: access, content in the page's language, actions, and query budgets."""

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bookings.b2b import services
from bookings.models import Meeting, MeetingRequest, Slot
from tests.bookings.conftest import add_participant, registered_person
from tests.factories import PersonFactory, SectorFactory, UserFactory

pytestmark = pytest.mark.django_db


def text_of(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def words_of(response) -> str:
    """The visible text: tags removed, every kind of space made one plain space."""
    text = re.sub(r"<[^>]+>", "", response.content.decode())
    return re.sub(r"[\s\u202f\xa0]+", " ", text)


def login(client, participant):
    client.force_login(participant.person.user)
    return client


def queries_for(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, response.content[:500]
    return len(captured)


def book(session, a, b, index):
    session.direct_booking = True
    session.save(update_fields=["direct_booking"])
    return services.book_meeting(a, b, Slot.objects.get(session=session, index=index))


def test_session_page_offers_to_join(client, session):
    person = registered_person(session)
    client.force_login(person.user)
    page = text_of(client.get(f"/en/b2b/{session.event.slug}/"))
    assert "Take part in the B2B meetings" in page
    assert "3 slots of 20 minutes" in page
    response = client.post(f"/en/b2b/{session.event.slug}/join/")
    assert response["Location"] == f"/en/b2b/{session.event.slug}/profile/"
    assert person.b2b_participations.get().status == "draft"


def test_profile_form_saves_and_sends_for_review(client, session):
    person = registered_person(session)
    participant = services.join_session(person, session)
    client.force_login(person.user)
    sector = SectorFactory()
    response = client.post(
        f"/en/b2b/{session.event.slug}/profile/",
        {
            "organisation_name": "Demo studio, Marseille",
            "country": "FR",
            "sectors": [sector.pk],
            "offer_en": "Stop-motion",
            "need_fr": "Distributeurs",
            "languages": ["fr", "en"],
            "mode": "both",
            "directory_consent": "on",
            "submit": "1",
        },
    )
    assert response.status_code == 302
    participant.refresh_from_db()
    assert participant.directory_consent_at is not None
    assert (participant.status, participant.organisation_name) == (
        "submitted",
        "Demo studio, Marseille",
    )
    assert list(participant.sectors.all()) == [sector]


def test_profile_form_asks_for_a_country_rather_than_choosing_one(client, session):
    """A guest invited without an organisation has no country: the list starts empty and
    the form refuses to guess (it showed the first country of the list, Afghanistan)."""
    person = registered_person(session, organisation=None)
    participant = services.join_session(person, session)
    assert participant.country == ""
    client.force_login(person.user)
    url = f"/en/b2b/{session.event.slug}/profile/"
    page = client.get(url).content.decode()
    select = re.search(r'<select name="country"[^>]*>(.*?)</select>', page, re.S).group(1)
    assert re.match(r'\s*<option value="" selected>Choose a country</option>', select)
    response = client.post(
        url, {"organisation_name": "Demo", "country": "", "languages": ["en"], "mode": "both"}
    )
    assert response.status_code == 400
    assert "This field is required." in text_of(response)
    participant.refresh_from_db()
    assert participant.country == ""


def test_profile_form_reports_bad_input_in_french(client, session):
    person = registered_person(session)
    services.join_session(person, session)
    client.force_login(person.user)
    response = client.post(
        f"/fr/b2b/{session.event.slug}/profile/",
        {"organisation_name": "", "country": "ZZ", "languages": ["fr"], "mode": "both"},
    )
    assert response.status_code == 400
    assert "Ce champ est obligatoire." in text_of(response)


def test_directory_is_closed_to_people_outside_the_session(client, session, member):
    client.force_login(PersonFactory().user)
    response = client.get(f"/en/b2b/{session.event.slug}/directory/")
    assert response.status_code == 403
    assert "open to the participants of this session" in text_of(response)


def test_directory_waits_for_the_staff(client, session, member):
    session.directory_open = False
    session.save()
    login(client, member)
    response = client.get(f"/en/b2b/{session.event.slug}/directory/")
    assert response.status_code == 403
    assert "opens once the staff have reviewed" in text_of(response)


def test_directory_filters_by_text_country_and_language(client, session, member, delegate):
    add_participant(
        session,
        organisation_name="Demo games studio",
        offer_en="Console games",
        languages=["fr"],
        country="FR",
    )
    add_participant(session, organisation_name="Hidden draft", status="submitted")
    login(client, member)
    url = f"/en/b2b/{session.event.slug}/directory/"
    page = text_of(client.get(url))
    assert "2 participants" in page and "Hidden draft" not in page
    assert "Demo studio A" not in page  # one's own profile is not listed
    assert "Demo partner B" in text_of(client.get(url + "?country=CA"))
    assert "Demo games studio" not in text_of(client.get(url + "?country=CA"))
    found = text_of(client.get(url + "?q=console&within=offer"))
    assert "1 participant" in found and "Demo games studio" in found
    assert "0 participants" in text_of(client.get(url + "?q=console&within=need"))
    by_language = text_of(client.get(url + "?language=en"))
    assert "1 participant" in by_language and "Demo games studio" not in by_language


def test_directory_filters_without_javascript_and_lets_a_small_script_help(
    client, session, member, delegate
):
    """The form works by itself (GET, a Search button); the script, served from the
    project, swaps in the count and the results that the same page gives."""
    from django.contrib.staticfiles import finders

    login(client, member)
    html = client.get(f"/en/b2b/{session.event.slug}/directory/?country=CA").content.decode()
    form = re.search(r"<form[^>]*data-live-filter[^>]*>(.*?)</form>", html, re.S)
    assert form and 'method="get"' in form.group(0) and 'type="submit"' in form.group(1)
    assert re.search(r'<p role="status" id="directory-count">\s*1 participant\s*</p>', html)
    results = html.split('<div id="directory-results">', 1)[1]
    assert "Demo partner B" in results
    scripts = re.findall(r"<script[^>]*src=\"([^\"]+)\"", html)
    assert scripts == ["/static/bookings/directory_filter.js"]
    script = finders.find("bookings/directory_filter.js")
    assert script and Path(script).stat().st_size < 4096  # small, and no library


def test_languages_are_named_in_the_page_language(client, session, member, delegate):
    delegate.languages = ["en", "es"]
    delegate.save()
    login(client, member)
    for language, names in (("en", "English, Spanish"), ("fr", "anglais, espagnol")):
        directory = words_of(client.get(f"/{language}/b2b/{session.event.slug}/directory/"))
        profile = words_of(
            client.get(f"/{language}/b2b/{session.event.slug}/participants/{delegate.pk}/")
        )
        assert names in directory and names in profile
        assert "en, es" not in directory and "en, es" not in profile


def test_directory_query_budget_is_constant(client, session, member):
    sector = SectorFactory()
    login(client, member)
    url = f"/en/b2b/{session.event.slug}/directory/"
    add_participant(session).sectors.add(sector)
    one = queries_for(client, url)
    for _ in range(2):
        add_participant(session).sectors.add(sector)
    assert queries_for(client, url) == one


def test_request_accept_and_book_through_the_pages(client, session, member, delegate):
    login(client, member)
    response = client.post(
        f"/en/b2b/{session.event.slug}/participants/{delegate.pk}/request/",
        {"message": "Co-production?"},
    )
    assert response.status_code == 302
    request = MeetingRequest.objects.get()
    client.force_login(delegate.person.user)
    assert "Co-production?" in text_of(client.get(f"/en/b2b/{session.event.slug}/requests/"))
    client.post(f"/en/b2b/requests/{request.pk}/accept/", {"answer": "Yes"})
    assert MeetingRequest.objects.get().state == "accepted"
    login(client, member)
    page = text_of(client.get(f"/en/b2b/{session.event.slug}/participants/{delegate.pk}/"))
    assert "Slots where you are both free" in page
    response = client.post(
        f"/en/b2b/{session.event.slug}/participants/{delegate.pk}/book/", {"slot": 2}
    )
    meeting = Meeting.objects.get()
    assert response["Location"] == f"/en/b2b/meetings/{meeting.pk}/"
    assert (meeting.slot.index, meeting.table.number) == (2, 1)


def test_booking_a_taken_slot_shows_the_reason_in_french(client, session, member, delegate):
    third = add_participant(session)
    book(session, third, delegate, 1)
    login(client, member)
    response = client.post(
        f"/fr/b2b/{session.event.slug}/participants/{delegate.pk}/book/", {"slot": 1}, follow=True
    )
    assert "Demo partner B a déjà un rendez-vous sur ce créneau." in text_of(response)
    assert Meeting.objects.count() == 1


def test_someone_elses_meeting_and_request_are_404(client, session, member, delegate):
    meeting = book(session, member, delegate, 1)
    request = services.send_request(member, add_participant(session))
    outsider = add_participant(session)
    login(client, outsider)
    assert client.get(f"/en/b2b/meetings/{meeting.pk}/").status_code == 404
    assert client.post(f"/en/b2b/meetings/{meeting.pk}/cancel/").status_code == 404
    assert client.post(f"/en/b2b/requests/{request.pk}/accept/").status_code == 404
    assert client.post(f"/en/b2b/requests/{request.pk}/withdraw/").status_code == 404
    assert Meeting.objects.get().state == "booked"
    assert MeetingRequest.objects.get().state == "pending"


def test_agenda_shows_times_in_both_zones_and_the_table(client, session, member, delegate):
    meeting = book(session, member, delegate, 2)
    delegate.person.time_zone = "America/Toronto"
    delegate.person.save()
    client.force_login(delegate.person.user)
    page = words_of(client.get(f"/en/b2b/{session.event.slug}/agenda/"))
    assert "09:25–09:45 Paris" in page
    assert "03:25–03:45 Toronto" in page
    assert "Table 1" in page and "Demo studio A" in page
    printable = text_of(client.get(f"/en/b2b/{session.event.slug}/agenda/print/"))
    assert "Demo studio A" in printable and "<nav" not in printable
    assert meeting.pk


def test_agenda_query_budget_is_constant(client, session, member):
    login(client, member)
    url = f"/en/b2b/{session.event.slug}/agenda/"
    one_meeting = [book(session, member, add_participant(session), 1)]
    one = queries_for(client, url)
    one_meeting += [book(session, member, add_participant(session), i) for i in (2, 3)]
    assert queries_for(client, url) == one


def test_meeting_page_moves_and_cancels(client, session, member, delegate):
    meeting = book(session, member, delegate, 1)
    client.force_login(delegate.person.user)
    page = text_of(client.get(f"/en/b2b/meetings/{meeting.pk}/"))
    assert "Move to" in page
    client.post(f"/en/b2b/meetings/{meeting.pk}/move/", {"slot": 3})
    meeting.refresh_from_db()
    assert (meeting.slot.index, meeting.sequence) == (3, 1)
    client.post(f"/en/b2b/meetings/{meeting.pk}/cancel/", {"reason": "Sorry"})
    meeting.refresh_from_db()
    assert (meeting.state, meeting.cancel_reason) == ("cancelled", "Sorry")


def test_availability_page_saves_and_refuses_a_booked_slot(client, session, member, delegate):
    book(session, member, delegate, 2)
    login(client, member)
    url = f"/en/b2b/{session.event.slug}/availability/"
    client.post(url, {"unavailable": ["1"]})
    assert set(member.unavailabilities.values_list("slot__index", flat=True)) == {1}
    response = client.post(url, {"unavailable": ["1", "2"]}, follow=True)
    assert "cancel it before marking that slot unavailable" in text_of(response)
    assert set(member.unavailabilities.values_list("slot__index", flat=True)) == {1}


def test_report_after_the_meeting(client, session, member, delegate):
    meeting = book(session, member, delegate, 1)
    Slot.objects.filter(pk=meeting.slot_id).update(starts_at=timezone.now() - timedelta(hours=1))
    login(client, member)
    client.post(
        f"/en/b2b/meetings/{meeting.pk}/report/", {"took_place": "yes", "outcome": "partnership"}
    )
    assert list(meeting.reports.values_list("took_place", "outcome")) == [(True, "partnership")]


def staff_client(client):
    user = UserFactory(is_staff=True)
    client.force_login(user)
    return client


def test_staff_grid_draws_a_picture_per_day_with_a_text_alternative(
    client, session, member, delegate
):
    book(session, member, delegate, 2)
    response = staff_client(client).get(f"/en/b2b/{session.event.slug}/staff/grid/")
    page = text_of(response)
    assert page.count("<svg") == 1
    assert 'role="img"' in page
    assert (
        "Table 1, 09:25: Demo partner B and Demo studio A" in page
        or "Table 1, 09:25: Demo studio A and Demo partner B" in page
    )
    assert "1 meeting, 8 free table slots" in page
    assert '<table class="grid-table">' in page


def test_staff_pages_are_404_for_participants(client, session, member):
    login(client, member)
    assert client.get(f"/en/b2b/{session.event.slug}/staff/grid/").status_code == 404
    assert client.get(f"/en/b2b/{session.event.slug}/staff/figures/").status_code == 404


def test_staff_grid_query_budget_is_constant(client, session):
    staff_client(client)
    url = f"/en/b2b/{session.event.slug}/staff/grid/"
    book(session, add_participant(session), add_participant(session), 1)
    one = queries_for(client, url)
    for index in (1, 2, 3):
        book(session, add_participant(session), add_participant(session), index)
    assert queries_for(client, url) == one


def test_figures_and_csv_export(client, session, member, delegate):
    meeting = book(session, member, delegate, 1)
    other = book(session, member, add_participant(session), 2)
    Slot.objects.filter(session=session).update(starts_at=timezone.now() - timedelta(hours=1))
    meeting.refresh_from_db()
    other.refresh_from_db()
    services.report_meeting(meeting, member, took_place=True, outcome="lead")
    services.report_meeting(meeting, delegate, took_place=True, outcome="contract")
    services.report_meeting(other, member, took_place=False, outcome="none")
    staff_client(client)
    page = text_of(client.get(f"/en/b2b/{session.event.slug}/staff/figures/"))
    assert "Meetings held</dt><dd>1" in page.replace(" <", "<").replace("> ", ">")
    csv_text = client.get(
        f"/en/b2b/{session.event.slug}/staff/figures/?format=csv"
    ).content.decode()
    assert "held,,1" in csv_text and "no_shows,,1" in csv_text
    assert "outcome,lead,1" in csv_text and "outcome,contract,1" in csv_text
    assert "held_by_country,CA,1" in csv_text and "held_by_department,13,1" in csv_text
    mission_csv = (
        client.get(f"/en/b2b/missions/{session.event.mission.slug}/figures/?format=csv")
        if session.event.mission
        else None
    )
    assert mission_csv is None or mission_csv.status_code == 200


def test_mission_figures_add_up_its_sessions(client):
    from tests.factories import MissionFactory, b2b_session

    mission = MissionFactory()
    first = b2b_session(event__mission=mission)
    second = b2b_session(event__mission=mission)
    elsewhere = b2b_session()
    for session in (first, second, elsewhere):
        a, b = add_participant(session), add_participant(session, country="CA", department="")
        meeting = book(session, a, b, 1)
        Slot.objects.filter(pk=meeting.slot_id).update(
            starts_at=timezone.now() - timedelta(hours=1)
        )
        meeting.refresh_from_db()
        services.report_meeting(meeting, a, took_place=True, outcome="follow-up")
    staff_client(client)
    csv_text = client.get(f"/en/b2b/missions/{mission.slug}/figures/?format=csv").content.decode()
    assert "booked,,2" in csv_text and "held,,2" in csv_text
    assert "outcome,follow-up,2" in csv_text
    assert "held_by_country,CA,2" in csv_text and "held_by_country,FR,2" in csv_text
    page = words_of(client.get(f"/en/b2b/missions/{mission.slug}/figures/"))
    assert "2 B2B sessions in this mission." in page


def test_staff_grid_has_one_picture_per_day_and_an_online_row(client):
    from datetime import date

    from tests.factories import b2b_session

    day = date.today() + timedelta(days=50)  # noqa: DTZ011
    session = b2b_session(day=day, video_base_url="https://meet.example.org/")
    from bookings.b2b.services import generate_slots
    from bookings.models import B2BBlock

    B2BBlock.objects.create(
        session=session,
        day=day + timedelta(days=1),
        starts=session.blocks.get().starts,
        ends=session.blocks.get().ends,
    )
    generate_slots(session)
    a, b = add_participant(session), add_participant(session)
    session.direct_booking = True
    session.save()
    services.book_meeting(a, b, Slot.objects.get(session=session, index=4), online=True)
    page = text_of(staff_client(client).get(f"/en/b2b/{session.event.slug}/staff/grid/"))
    assert page.count("<svg") == 2
    assert "Online, 09:00" in page
    assert "0 meetings, 9 free table slots" in page and "1 meeting, 9 free table slots" in page
    french = text_of(staff_client(client).get(f"/fr/b2b/{session.event.slug}/staff/grid/"))
    assert "0 rendez-vous, 9 places libres aux tables" in french


def test_the_event_page_leads_to_its_b2b_meetings(client, session):
    page = text_of(client.get(f"/en/events/{session.event.slug}/"))
    assert f'href="/en/b2b/{session.event.slug}/"' in page
    assert "B2B meetings: profiles, directory and agenda" in page


def test_the_grid_picture_is_well_formed_svg_with_a_title_per_cell(
    client, session, member, delegate
):
    import xml.etree.ElementTree as ET

    book(session, member, delegate, 1)
    html = staff_client(client).get(f"/fr/b2b/{session.event.slug}/staff/grid/").content.decode()
    svg = html[html.index("<svg") : html.index("</svg>") + len("</svg>")]
    root = ET.fromstring(svg)
    ns = "{http://www.w3.org/2000/svg}"
    assert root.tag == f"{ns}svg" and root.get("role") == "img"
    titles = [t.text for t in root.iter(f"{ns}title")]
    assert len(titles) == 9  # three tables × three slots
    assert sum(1 for t in titles if t.endswith("libre")) == 8
    assert not any(e.tag.endswith("script") for e in root.iter())
