"""Personal data: download, erasure on request, anonymisation by staff and by retention."""

import json
from datetime import date, timedelta

import pytest
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from bookings.models import Registration, RegistrationLog, RegistrationState
from events.models import FeedToken
from missions.models import Person
from primi_site import tasks
from primi_site.models import ApiToken
from primi_site.services import personal_data
from primi_site.services.tokens import create_token
from tests.factories import (
    ApplicationFactory,
    EventFactory,
    MissionFactory,
    OrganisationFactory,
    PersonFactory,
    RegistrationFactory,
)

pytestmark = pytest.mark.django_db


def past_mission(days_ago: int):
    end = date.today() - timedelta(days=days_ago)  # noqa: DTZ011
    return MissionFactory(start_date=end - timedelta(days=4), end_date=end)


def test_the_download_holds_profile_registrations_history_and_tokens_without_secrets(client):
    person = PersonFactory(job_title="Producer")
    application = ApplicationFactory(person=person)
    RegistrationLog.objects.create(
        registration=application, from_state="", to_state="applied", reason="first"
    )
    _record, secret = create_token(person.user, name="laptop", scope="read", expires_at=None)
    FeedToken.objects.create(person=person, name="phone", token_hash="f" * 64)
    client.force_login(person.user)

    response = client.get(reverse("personal_data_export"))

    data = json.loads(response.content)
    assert response["Content-Disposition"] == 'attachment; filename="primi-personal-data.json"'
    assert "private" in response["Cache-Control"]
    assert data["profile"]["email"] == person.user.email
    assert data["profile"]["job_title"] == "Producer"
    [registration] = data["registrations"]
    assert registration["mission"] == application.mission.slug
    assert registration["company_pitch"] == application.company_pitch
    assert [change["reason"] for change in registration["history"]] == ["first"]
    assert [token["name"] for token in data["api_tokens"]] == ["laptop"]
    assert [token["name"] for token in data["calendar_feed_tokens"]] == ["phone"]
    assert secret not in response.content.decode()
    assert "f" * 64 not in response.content.decode()


def test_erasing_my_account_is_refused_while_i_hold_a_current_registration(client):
    person = PersonFactory()
    RegistrationFactory(person=person)  # an event in 30 days
    client.force_login(person.user)

    response = client.post(reverse("account_erase"), {"confirm": "on"})

    assert response.status_code == 400
    assert "annulez d’abord cette inscription" in response.content.decode()
    person.refresh_from_db()
    assert person.anonymised_at is None


def test_erasing_my_account_anonymises_me_and_closes_the_account(client):
    person = PersonFactory(job_title="Producer")
    application = ApplicationFactory(person=person, mission=past_mission(10))
    username = person.user.username
    client.force_login(person.user)

    response = client.post(reverse("account_erase"), {"confirm": "on"})

    assert response.status_code == 302
    person.refresh_from_db()
    user = person.user
    assert person.anonymised_at is not None
    assert (user.email, user.first_name, user.is_active, person.job_title) == ("", "", False, "")
    assert user.username == f"anonymised-{user.pk}"
    application.refresh_from_db()
    assert (application.company_pitch, application.state) == ("", RegistrationState.APPLIED)
    assert client.get(reverse("account")).status_code == 302  # signed out
    client.post(reverse("login"), {"username": username, "password": "correct horse battery"})
    assert "_auth_user_id" not in client.session


def figures():
    return list(
        Registration.objects.values(
            "state", "person__organisation__department", "person__organisation__country"
        )
        .annotate(n=Count("pk"))
        .order_by("state", "person__organisation__department", "person__organisation__country")
    )


def test_staff_anonymising_people_keeps_the_figures_by_department_and_country():
    mission = past_mission(10)
    nice = OrganisationFactory(department="06", country="FR")
    marseille = OrganisationFactory(department="13", country="FR")
    people = [PersonFactory(organisation=nice), PersonFactory(organisation=marseille)]
    for person in people:
        ApplicationFactory(person=person, mission=mission, state=RegistrationState.CONFIRMED)
        RegistrationFactory(person=person, event=EventFactory())
    _record, _secret = create_token(people[0].user, name="laptop", scope="read", expires_at=None)
    before = figures()

    for person in people:
        personal_data.anonymise(person)

    assert figures() == before
    assert len(before) == 2  # the two departments, still told apart
    assert not ApiToken.objects.exists()
    assert Person.objects.filter(anonymised_at__isnull=False).count() == 2


def test_retention_anonymises_the_people_of_missions_ended_long_ago_only(settings):
    settings.PERSONAL_DATA_RETENTION_DAYS = 365
    old = PersonFactory()
    ApplicationFactory(person=old, mission=past_mission(400))
    recent = PersonFactory()
    ApplicationFactory(person=recent, mission=past_mission(400))
    ApplicationFactory(person=recent, mission=past_mission(100))
    staff = PersonFactory(role=Person.Role.STAFF)
    ApplicationFactory(person=staff, mission=past_mission(400))
    signed_in_lately = PersonFactory()
    signed_in_lately.user.last_login = timezone.now() - timedelta(days=3)
    signed_in_lately.user.save()
    ApplicationFactory(person=signed_in_lately, mission=past_mission(400))

    assert tasks.anonymise_expired_personal_data() == 1
    assert tasks.anonymise_expired_personal_data() == 0
    anonymised = set(
        Person.objects.filter(anonymised_at__isnull=False).values_list("pk", flat=True)
    )
    assert anonymised == {old.pk}
