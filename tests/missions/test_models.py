from datetime import UTC, date, datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation

from missions.models import Mission, Organisation
from tests.factories import MissionFactory, OrganisationFactory, PartnerFactory, PersonFactory

pytestmark = pytest.mark.django_db


def test_member_company_without_department_is_refused_by_the_database():
    with pytest.raises(IntegrityError), transaction.atomic():
        OrganisationFactory(department="")


def test_partner_abroad_with_a_department_is_refused_by_the_database():
    with pytest.raises(IntegrityError), transaction.atomic():
        PartnerFactory(department="13")


def test_member_validation_explains_the_department_rule_in_french():
    organisation = Organisation(
        name="Studio", slug="studio", kind=Organisation.Kind.MEMBER, country="FR"
    )
    with pytest.raises(ValidationError) as caught:
        organisation.full_clean()
    translation.activate("fr")
    assert "département" in str(caught.value)


def test_mission_ending_before_it_starts_is_refused_by_the_database():
    with pytest.raises(IntegrityError), transaction.atomic():
        MissionFactory(start_date=date(2027, 5, 10), end_date=date(2027, 5, 9))


def test_mission_negative_fee_is_refused_by_the_database():
    with pytest.raises(IntegrityError), transaction.atomic():
        MissionFactory(fee_amount=-1)


def test_mission_negative_capacity_gets_a_clear_message():
    mission = MissionFactory.build(capacity=-3)
    with pytest.raises(ValidationError) as caught:
        mission.full_clean()
    translation.activate("en")
    assert caught.value.message_dict["capacity"] == [
        "Ensure this value is greater than or equal to 0."
    ]
    with pytest.raises(IntegrityError), transaction.atomic():
        mission.save()


def test_application_deadline_after_the_start_is_refused():
    mission = MissionFactory.build(
        start_date=date(2027, 5, 10),
        end_date=date(2027, 5, 14),
        time_zone="America/Toronto",
        # 2027-05-10 00:30 in Toronto: already the first day there.
        application_deadline=datetime(2027, 5, 10, 4, 30, tzinfo=UTC),
    )
    with pytest.raises(ValidationError) as caught:
        mission.full_clean()
    translation.activate("fr")
    assert caught.value.message_dict["application_deadline"] == [
        "La date limite de candidature doit précéder le début de la mission."
    ]


def test_deadline_the_evening_before_in_the_destination_zone_is_accepted():
    mission = MissionFactory.build(
        start_date=date(2027, 5, 10),
        end_date=date(2027, 5, 14),
        time_zone="America/Toronto",
        application_deadline=datetime(2027, 5, 10, 3, 59, tzinfo=UTC),  # 23:59 on the 9th
    )
    mission.full_clean()


def test_unknown_time_zone_and_country_are_refused():
    mission = MissionFactory.build(time_zone="Canada/Toronto-ish", destination_country="XX")
    with pytest.raises(ValidationError) as caught:
        mission.full_clean()
    translation.activate("en")
    assert "not a known time zone" in caught.value.message_dict["time_zone"][0]
    assert "ISO 3166" in caught.value.message_dict["destination_country"][0]


def test_slug_already_taken_is_reported_on_the_field():
    MissionFactory(slug="toronto-2027")
    duplicate = MissionFactory.build(slug="toronto-2027")
    with pytest.raises(ValidationError) as caught:
        duplicate.full_clean()
    translation.activate("en")
    assert caught.value.message_dict["slug"] == ["Mission with this Slug already exists."]
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()


def test_mission_needs_a_title_in_at_least_one_language():
    with pytest.raises(IntegrityError), transaction.atomic():
        MissionFactory(title_fr="", title_en="")
    MissionFactory(title_fr="", title_en="Only English")


def test_person_language_outside_fr_en_is_refused_by_the_database():
    with pytest.raises(IntegrityError), transaction.atomic():
        PersonFactory(language="de")


def test_person_languages_spoken_are_checked():
    person = PersonFactory.build(languages_spoken=["fr", "xx"])
    person.user.save()
    person.user_id = person.user.pk
    person.organisation.save()
    person.organisation_id = person.organisation.pk
    with pytest.raises(ValidationError) as caught:
        person.full_clean()
    translation.activate("en")
    assert "xx" in caught.value.message_dict["languages_spoken"][0]


def test_mission_statuses_are_the_four_of_the_design():
    assert set(Mission.Status.values) == {"draft", "published", "closed", "cancelled"}
