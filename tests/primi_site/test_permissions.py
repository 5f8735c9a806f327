"""The one staff rule (`primi_site.permissions.is_staff`) and its template value.

Staff are active accounts with Django's staff flag, or whose person has the staff role;
menus and links to staff pages follow `is_staff_member`, the Django admin's link its own
rule (the flag). Every staff URL is walked in `test_url_permissions`.
"""

import re

import pytest
from django.contrib.auth.models import AnonymousUser

from missions.models import Person
from primi_site.permissions import is_staff
from tests.factories import (
    B2BParticipantFactory,
    EventFactory,
    PersonFactory,
    StaffUserFactory,
    b2b_session,
)

pytestmark = pytest.mark.django_db


def by_role(**kwargs):
    return PersonFactory(role=Person.Role.STAFF, **kwargs).user


def by_flag():
    return StaffUserFactory()


def member():
    return PersonFactory().user


def inactive(user):
    user.is_active = False
    user.save(update_fields=["is_active"])
    return user


@pytest.mark.parametrize(
    "make,expected",
    [
        (by_role, True),
        (by_flag, True),
        (lambda: PersonFactory(user=StaffUserFactory(), role=Person.Role.MEMBER).user, True),
        (member, False),
        (lambda: PersonFactory(role=Person.Role.DELEGATE).user, False),
        (lambda: inactive(by_role()), False),
        (lambda: inactive(by_flag()), False),
        (AnonymousUser, False),
    ],
    ids=[
        "role",
        "flag",
        "flag-member",
        "member",
        "delegate",
        "inactive-role",
        "inactive-flag",
        "visitor",
    ],
)
def test_staff_is_an_active_account_with_the_flag_or_the_role(make, expected):
    assert is_staff(make()) is expected


def links_of(response) -> list[str]:
    return re.findall(r'href="([^"?]+)', response.content.decode())


@pytest.mark.parametrize(
    "make,menu",
    [
        (by_role, ["/en/staff/dashboard/"]),
        (by_flag, ["/en/staff/dashboard/", "/admin/"]),
        (member, []),
    ],
    ids=["role", "flag", "member"],
)
def test_the_menu_shows_staff_links_by_the_rule_and_the_admin_by_its_own(client, make, menu):
    client.force_login(make())
    response = client.get("/en/calendar/")
    assert response.context["is_staff_member"] is bool(menu)
    shown = [link for link in links_of(response) if link in ("/en/staff/dashboard/", "/admin/")]
    assert shown == menu


def test_a_staff_role_person_sees_the_staff_links_of_an_event_and_a_b2b_session(client):
    EventFactory(slug="demo-showcase")
    session = b2b_session()
    B2BParticipantFactory(session=session)
    slug = session.event.slug
    client.force_login(by_role())
    event_links = links_of(client.get("/en/events/demo-showcase/"))
    assert "/en/staff/registrations/" in event_links
    assert "/en/staff/registrations/export.csv" in event_links
    b2b_links = links_of(client.get(f"/en/b2b/{slug}/"))
    staff_pages = [f"/en/b2b/{slug}/staff/{page}/" for page in ("grid", "figures", "schedule")]
    assert [link for link in b2b_links if "/staff/" in link and "/b2b/" in link] == staff_pages
    client.force_login(member())
    assert "/en/staff/registrations/" not in links_of(client.get("/en/events/demo-showcase/"))
    assert not [link for link in links_of(client.get(f"/en/b2b/{slug}/")) if "/staff/" in link]


def test_a_staff_role_person_reads_the_b2b_directory_as_staff(client):
    """A directory not open yet, and a profile its owner did not list: the staff's view."""
    session = b2b_session(directory_open=False)
    B2BParticipantFactory(session=session, organisation_name="Demo studio, listed")
    unlisted = B2BParticipantFactory(
        session=session, organisation_name="Demo studio, unlisted", directory_consent_at=None
    )
    slug = session.event.slug
    client.force_login(by_role())
    directory = client.get(f"/en/b2b/{slug}/directory/")
    assert directory.status_code == 200
    assert "Demo studio, listed" in directory.content.decode()
    profile = client.get(f"/en/b2b/{slug}/participants/{unlisted.pk}/")
    assert profile.status_code == 200
    assert "Demo studio, unlisted" in profile.content.decode()
    client.force_login(member())
    assert client.get(f"/en/b2b/{slug}/participants/{unlisted.pk}/").status_code == 404
