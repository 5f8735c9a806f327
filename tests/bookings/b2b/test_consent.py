"""Consent to appear in the B2B directory: recorded with its date, required to be listed."""

import re

import pytest

from bookings.b2b import services
from bookings.models import B2BLogEntry
from tests.api_support import ApiClient, assert_error
from tests.bookings.conftest import add_participant
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def directory_ids(api, session) -> list[int]:
    body = api.get(f"/b2b/sessions/{session.event.slug}/participants").json()
    return [p["id"] for p in body["items"]]


def test_only_profiles_that_agreed_are_listed_to_others(session, member, delegate):
    unlisted = add_participant(session, organisation_name="Demo studio unlisted")
    unlisted.directory_consent_at = None
    unlisted.save(update_fields=["directory_consent_at"])
    api = ApiClient(member.person.user)
    assert directory_ids(api, session) == [delegate.pk]
    detail = api.get(f"/b2b/sessions/{session.event.slug}/participants/{unlisted.pk}")
    assert_error(detail, 404, "not_found")
    page = api.client.get(f"/en/b2b/{session.event.slug}/directory/", headers=api.headers(None))
    assert "Demo studio unlisted" not in page.content.decode()
    # The participant still sees their own profile; the staff see every approved one.
    own = ApiClient(unlisted.person.user).get(f"/b2b/sessions/{session.event.slug}/me")
    assert own.json()["directory_consent_at"] is None
    staff = ApiClient(UserFactory(is_staff=True))
    shown = staff.get(f"/b2b/sessions/{session.event.slug}/participants/{unlisted.pk}")
    assert shown.status_code == 200


def test_consent_is_recorded_with_its_date_and_can_be_withdrawn(session, member):
    member.directory_consent_at = None
    member.save(update_fields=["directory_consent_at"])
    services.update_profile(member, member.person, directory_consent=True)
    member.refresh_from_db()
    given = member.directory_consent_at
    assert given is not None
    # Saving again keeps the first date.
    services.update_profile(member, member.person, directory_consent=True, offer_en="Games")
    member.refresh_from_db()
    assert member.directory_consent_at == given
    other = ApiClient(add_participant(session).person.user)
    assert member.pk in directory_ids(other, session)
    services.update_profile(member, member.person, directory_consent=False)
    member.refresh_from_db()
    assert member.directory_consent_at is None
    assert member.pk not in directory_ids(other, session)
    assert list(
        B2BLogEntry.objects.filter(action="directory-consent")
        .order_by("pk")
        .values_list("detail", flat=True)
    ) == [
        {"participant": member.pk, "given": True},
        {"participant": member.pk, "given": False},
    ]


def test_the_profile_page_ticks_the_box_and_unticking_withdraws(client, session, member):
    client.force_login(member.person.user)
    url = f"/en/b2b/{session.event.slug}/profile/"
    page = client.get(url).content.decode()
    [box] = re.findall(r'<input type="checkbox" name="directory_consent"[^>]*>', page)
    assert "checked" in box
    assert "You agreed to appear in the directory on" in page
    response = client.post(
        url,
        {
            "organisation_name": member.organisation_name,
            "country": "FR",
            "offer_en": "Stop-motion",
            "languages": ["fr"],
            "mode": "both",
        },
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.directory_consent_at is None
