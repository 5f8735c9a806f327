import csv
import io
import re

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from bookings.models import Invitation, Registration, RegistrationState
from bookings.registrations.services.invitations import create_invitation
from bookings.registrations.services.registrations import register_for_event
from missions.models import Person
from tests.factories import (
    ApplicationFactory,
    EventFactory,
    MissionFactory,
    PersonFactory,
    RegistrationFactory,
    StaffUserFactory,
)

pytestmark = pytest.mark.django_db


def text_of(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def signed_in(client, person=None, language="en"):
    person = person or PersonFactory(language=language)
    client.force_login(person.user)
    return person


def test_register_button_registers_and_redirects_with_a_message(client):
    event = EventFactory(slug="talk", capacity=1)
    person = signed_in(client)
    page = text_of(client.get("/en/events/talk/"))
    assert "1 seat left." in page and "Register" in page
    response = client.post("/en/events/talk/register/")
    assert response.status_code == 302 and response["Location"] == "/en/events/talk/"
    page = text_of(client.get("/en/events/talk/"))
    assert f"You are registered for “{event.title_en}”." in page
    assert "You are registered." in page and "Cancel my registration" in page
    assert Registration.objects.get().person == person


def test_a_full_event_offers_the_waitlist_and_tells_the_position(client):
    event = EventFactory(slug="talk", capacity=1)
    register_for_event(PersonFactory(), event)
    signed_in(client)
    assert "Join the waitlist" in text_of(client.get("/en/events/talk/"))
    client.post("/en/events/talk/register/")
    page = text_of(client.get("/en/events/talk/"))
    assert "is full: you are on the waitlist, in position 1." in page
    assert "You are on the waitlist, in position 1." in page


def test_registering_twice_shows_a_clear_message_and_writes_no_second_row(client):
    EventFactory(slug="talk", capacity=5)
    signed_in(client)
    client.post("/en/events/talk/register/")
    client.post("/en/events/talk/register/")
    page = text_of(client.get("/en/events/talk/"))
    assert "You are already registered; your registration is unchanged." in page
    assert Registration.objects.count() == 1


def test_visitors_are_sent_to_sign_in(client):
    EventFactory(slug="talk")
    response = client.post("/en/events/talk/register/")
    assert response.status_code == 302 and response["Location"].startswith("/en/account/login/")
    assert "Sign in to register" in text_of(client.get("/en/events/talk/"))
    assert not Registration.objects.exists()


def test_someone_elses_registration_is_a_404(client):
    other = RegistrationFactory()
    signed_in(client)
    assert client.get(f"/en/account/registrations/{other.pk}/cancel/").status_code == 404
    assert client.post(f"/en/account/registrations/{other.pk}/cancel/").status_code == 404
    assert client.post(f"/en/account/registrations/{other.pk}/accept/").status_code == 404
    other.refresh_from_db()
    assert other.state == "confirmed"


def test_cancel_page_cancels_with_a_reason(client):
    person = signed_in(client)
    registration = register_for_event(person, EventFactory(capacity=3))
    url = f"/en/account/registrations/{registration.pk}/cancel/"
    assert "will be cancelled" in text_of(client.get(url))
    response = client.post(url, {"reason": "Clash with a festival"})
    assert response["Location"] == "/en/account/registrations/"
    registration.refresh_from_db()
    assert registration.state == "cancelled"
    assert registration.log.last().reason == "Clash with a festival"


def my_page_queries(client) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/en/account/registrations/")
    assert response.status_code == 200
    return len(queries), text_of(response)


def test_my_registrations_lists_states_and_positions_in_constant_queries(client):
    person = signed_in(client)
    full = EventFactory(capacity=1)
    register_for_event(PersonFactory(), full)
    register_for_event(person, full)
    one, page = my_page_queries(client)
    assert "Waitlisted — position 1" in page
    register_for_event(person, EventFactory(capacity=3))
    ApplicationFactory(person=person)
    three, page = my_page_queries(client)
    assert "Confirmed" in page and "Applied" in page
    assert one == three


def test_apply_form_requires_every_answer_and_then_records_them(client):
    mission = MissionFactory(slug="toronto")
    signed_in(client)
    response = client.post("/en/missions/toronto/apply/", {"company_pitch": "Studio"})
    assert response.status_code == 400
    assert text_of(response).count("This field is required.") == 2
    assert not Registration.objects.exists()
    answers = {"company_pitch": "Studio", "trip_goals": "Partners", "target_markets": "Canada"}
    response = client.post("/en/missions/toronto/apply/", answers)
    assert response["Location"] == "/en/missions/toronto/"
    registration = Registration.objects.get()
    assert (registration.mission, registration.state, registration.target_markets) == (
        mission,
        "applied",
        "Canada",
    )
    assert "Your application is being reviewed." in text_of(client.get("/en/missions/toronto/"))


def test_staff_pages_are_closed_to_members(client):
    signed_in(client)
    assert client.get("/en/staff/registrations/").status_code == 404
    assert client.get("/en/staff/registrations/export.csv").status_code == 404
    client.logout()
    assert client.get("/en/staff/registrations/")["Location"].startswith("/en/account/login/")


def review_queries(client, url) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), text_of(response)


def test_staff_review_filters_in_constant_queries(client):
    client.force_login(StaffUserFactory())
    mission = MissionFactory()
    ApplicationFactory(mission=mission, person__organisation__department="06")
    url = f"/en/staff/registrations/?mission={mission.pk}&department=06"
    one, page = review_queries(client, url)
    assert "1 registration" in page
    ApplicationFactory.create_batch(2, mission=mission, person__organisation__department="06")
    ApplicationFactory(mission=mission, person__organisation__department="13")
    three, page = review_queries(client, url)
    assert "3 registrations" in page
    assert one == three


def test_staff_bulk_decision_reports_each_refusal(client):
    staff = StaffUserFactory()
    client.force_login(staff)
    mission = MissionFactory(capacity=1)
    first, second = ApplicationFactory.create_batch(2, mission=mission)
    response = client.post(
        f"/en/staff/registrations/?mission={mission.pk}",
        {"registrations": [first.pk, second.pk], "decision": "accept", "reason": ""},
    )
    assert response["Location"] == f"/en/staff/registrations/?mission={mission.pk}"
    page = text_of(client.get(response["Location"]))
    assert "1 registration updated." in page
    assert f"{second.person}: The only seat is taken." in page
    assert "Registration " not in page
    assert list(Registration.objects.order_by("pk").values_list("state", flat=True)) == [
        "confirmed",
        "applied",
    ]


def test_staff_registration_page_shows_the_history_and_records_a_decision(client):
    staff = StaffUserFactory(username="staff-reviewer")
    client.force_login(staff)
    application = ApplicationFactory()
    url = f"/en/staff/registrations/{application.pk}/"
    response = client.post(url, {"decision": "reject", "reason": ""})
    assert response.status_code == 400 and "Give a reason" in text_of(response)
    response = client.post(url, {"decision": "reject", "reason": "Sector not covered"})
    assert response["Location"] == url
    page = text_of(client.get(url))
    assert "Applied Rejected Sector not covered" in page and "staff-reviewer" in page
    response = client.post(url, {"cancel": "1", "cancel-reason": "late"})
    assert "cannot be changed this way" in text_of(client.get(url))


def export(client, fmt, mission) -> tuple[int, bytes]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/en/staff/registrations/export.{fmt}?mission={mission.pk}")
    assert response.status_code == 200
    return len(queries), response.content


def test_exports_list_participants_in_constant_queries(client):
    client.force_login(StaffUserFactory())
    mission = MissionFactory()
    ApplicationFactory(mission=mission, person__user__last_name="=HYPERLINK()")
    one_csv, _ = export(client, "csv", mission)
    one_xlsx, _ = export(client, "xlsx", mission)
    ApplicationFactory.create_batch(2, mission=mission, state=RegistrationState.CONFIRMED)
    three_csv, content = export(client, "csv", mission)
    three_xlsx, workbook = export(client, "xlsx", mission)
    assert one_csv == three_csv and one_xlsx == three_xlsx
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Last name", "First name", "Email"] and len(rows) == 4
    assert rows[1][0] == "'=HYPERLINK()"  # never a formula
    sheet = load_workbook(io.BytesIO(workbook)).active
    values = list(sheet.values)
    assert len(values) == 4 and values[1][9] in ("Applied", "Confirmed")


def test_staff_invites_a_guest_who_creates_an_account_in_english(
    client, django_capture_on_commit_callbacks
):
    client.force_login(StaffUserFactory())
    event = EventFactory(slug="showcase", members_only=True, capacity=5)
    with django_capture_on_commit_callbacks(execute=True):  # the email's job, on commit
        response = client.post(
            "/en/staff/invitations/new/",
            {"email": "guest@example.org", "language": "en", "event": event.pk},
        )
    assert response.status_code == 302
    (message,) = mail.outbox
    link = re.search(r"http://localhost:8000(/en/invitations/\S+/)", message.body).group(1)
    assert message.subject == f"Invitation: {event.title_en}"
    client.logout()
    page = text_of(client.get(link))
    assert "This invitation is for guest@example.org." in page
    response = client.post(
        link,
        {
            "first_name": "Demo",
            "last_name": "Delegate",
            "language": "en",
            "time_zone": "America/Toronto",
            "password1": "a long pass phrase 42",
            "password2": "a long pass phrase 42",
        },
    )
    assert response["Location"] == "/en/account/registrations/"
    person = Person.objects.get(user__email="guest@example.org")
    assert person.registrations.get().state == "confirmed"
    assert Invitation.objects.get().used_at is not None
    again = client.get(link)
    assert again.status_code == 404
    assert "already been used" in text_of(again)


def test_a_tampered_invitation_link_says_so(client):
    create_invitation(email="a@example.org", target=EventFactory(), language="en", by=None)
    response = client.get("/en/invitations/not-a-real-token/")
    assert response.status_code == 404
    assert "This invitation link is not valid." in text_of(response)


def test_pages_and_messages_speak_french(client):
    event = EventFactory(slug="atelier", capacity=1, title_fr="Atelier d’animation")
    register_for_event(PersonFactory(), event)
    signed_in(client, language="fr")
    assert "Rejoindre la liste d’attente" in text_of(client.get("/fr/events/atelier/"))
    client.post("/fr/events/atelier/register/")
    page = client.get("/fr/events/atelier/").content.decode()
    assert (
        "«\u00a0Atelier d’animation\u00a0» est complet\u00a0: vous êtes sur la liste d’attente, "
        "en position 1." in page
    )
    mine = text_of(client.get("/fr/account/registrations/"))
    assert "En liste d’attente — position 1" in mine
