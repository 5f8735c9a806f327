"""Free texts have a limit: counted in the page, refused on the field in the reader's
language by the forms, the API (named, 422) and the services."""

import re

import pytest
from django.test import Client

from bookings.b2b import services
from bookings.exceptions import Invalid
from bookings.models import MeetingRequest, Registration
from bookings.registrations.services.applications import apply_for_mission
from primi_site import text_limits
from tests.api_support import ApiClient, assert_error
from tests.factories import MissionFactory, PersonFactory

pytestmark = pytest.mark.django_db

ANSWERS = {"company_pitch": "Studio", "trip_goals": "Partners", "target_markets": "Canada"}


def textarea(html: str, name: str) -> str:
    match = re.search(rf'<textarea[^>]*name="{name}"[^>]*>', html)
    assert match, f"no text area {name}"
    return match.group(0)


def errors_of(html: str) -> str:
    return re.sub(r"[ \t\n]+", " ", re.sub(r"<[^>]+>", " ", html))  # keeps narrow spaces


def test_the_application_page_counts_and_refuses_a_22000_character_pitch_in_french(client):
    MissionFactory(slug="toronto")
    client.force_login(PersonFactory(language="fr").user)
    page = client.get("/fr/missions/toronto/apply/").content.decode()
    area = textarea(page, "company_pitch")
    assert 'maxlength="2000"' in area
    assert 'data-count-one="%(count)s caractère sur %(max)s"' in area
    assert 'data-count-other="%(count)s caractères sur %(max)s"' in area
    # The form brings the counter's script to its page (and only there).
    assert '<script src="/static/primi/char_count.js" defer></script>' in page

    response = client.post(
        "/fr/missions/toronto/apply/", {**ANSWERS, "company_pitch": "x" * 22_000}
    )
    assert response.status_code == 400
    assert "2\u202f000 caractères au plus (ce texte en compte 22\u202f000)." in errors_of(
        response.content.decode()
    )
    assert not Registration.objects.exists()


def test_line_breaks_count_once_as_the_page_counts_them(client):
    # The browser sends each line break as CR LF; the page counted one character each.
    MissionFactory(slug="toronto")
    client.force_login(PersonFactory(language="en").user)
    pitch = "\r\n".join(["y" * 99] * 20)  # 1,980 + 19 line breaks: 1,999 in the page
    response = client.post("/en/missions/toronto/apply/", {**ANSWERS, "company_pitch": pitch})
    assert response.status_code == 302
    assert Registration.objects.get().company_pitch == pitch.replace("\r\n", "\n")


def test_the_api_refuses_a_long_pitch_naming_the_field_and_documents_the_limit(two_people):
    MissionFactory(slug="toronto")
    response = two_people.owner.post(
        "/applications?lang=en", {"mission": "toronto", **ANSWERS, "company_pitch": "x" * 2001}
    )
    body = assert_error(response, 422, "invalid")
    assert [(e["field"], e["code"]) for e in body["errors"]] == [
        ("company_pitch", "string_too_long")
    ]
    assert "2000" in body["errors"][0]["message"]
    assert not Registration.objects.exists()

    document = Client().get("/api/v1/openapi.json").json()["components"]["schemas"]
    assert document["ApplicationIn"]["properties"]["company_pitch"]["maxLength"] == 2000
    assert document["ProfileIn"]["properties"]["offer_en"]["anyOf"][0]["maxLength"] == 1000
    assert document["RequestIn"]["properties"]["message"]["maxLength"] == 1000


def test_the_service_refuses_a_long_answer_naming_it_in_the_readers_language():
    from django.utils import translation

    mission = MissionFactory()
    with translation.override("en"), pytest.raises(text_limits.TooLong) as caught:
        apply_for_mission(PersonFactory(), mission, {**ANSWERS, "trip_goals": "z" * 2001})
    assert (caught.value.field, caught.value.status) == ("trip_goals", 422)
    with translation.override("en"):
        assert str(caught.value) == (
            "Goals for the trip: At most 2,000 characters (this text has 2,001)."
        )
    assert not Registration.objects.exists()


def test_the_b2b_profile_page_refuses_a_long_offer_on_its_field(client, member):
    before = member.offer_en
    client.force_login(member.person.user)
    url = f"/en/b2b/{member.session.event.slug}/profile/"
    assert 'maxlength="1000"' in textarea(client.get(url).content.decode(), "offer_en")
    response = client.post(
        url,
        {
            "organisation_name": member.organisation_name,
            "country": "FR",
            "offer_en": "o" * 1001,
            "languages": ["fr"],
            "mode": "both",
        },
    )
    assert response.status_code == 400
    assert "At most 1,000 characters (this text has 1,001)." in errors_of(response.content.decode())
    member.refresh_from_db()
    assert member.offer_en == before


def test_the_b2b_profile_api_and_service_refuse_a_long_offer_naming_the_field(member):
    api = ApiClient(member.person.user)
    response = api.patch(f"/b2b/sessions/{member.session.event.slug}/me", {"need_fr": "n" * 1001})
    body = assert_error(response, 422, "invalid")
    assert [e["field"] for e in body["errors"]] == ["need_fr"]
    with pytest.raises(Invalid) as caught:
        services.update_profile(member, member.person, need_fr="n" * 1001)
    assert (caught.value.code, caught.value.field) == ("invalid_profile", "need_fr")
    member.refresh_from_db()
    assert member.need_fr == ""


def test_a_meeting_request_message_is_limited_to_1000_characters(client, session, member, delegate):
    with pytest.raises(Invalid) as caught:
        services.send_request(member, delegate, "m" * 1001)
    assert (caught.value.code, caught.value.field) == ("too_long", "message")
    client.force_login(member.person.user)
    page = client.get(f"/en/b2b/{session.event.slug}/participants/{delegate.pk}/")
    assert 'maxlength="1000"' in textarea(page.content.decode(), "message")
    client.post(
        f"/en/b2b/{session.event.slug}/participants/{delegate.pk}/request/",
        {"message": "m" * 1001},
    )
    assert not MeetingRequest.objects.exists()
    assert services.send_request(member, delegate, "m" * 1000).message == "m" * 1000
