from datetime import date, timedelta

import pytest
from django.core import mail
from django.utils import timezone, translation

from bookings.exceptions import (
    AlreadyRegistered,
    CancellationClosed,
    CapacityBelowConfirmed,
    DepartmentQuotaFull,
    IncompleteApplication,
    InvalidTransition,
    MembersOnly,
    NoSeatLeft,
    OrganisationQuotaFull,
    ReasonRequired,
    RegistrationClosed,
)
from bookings.models import MissionQuota, Registration
from bookings.registrations.services.applications import (
    Decision,
    apply_for_mission,
    decide,
    decide_many,
)
from bookings.registrations.services.capacity import change_capacity
from bookings.registrations.services.registrations import accept_offer, cancel_registration
from bookings.registrations.services.waitlist import expire_offers
from missions.models import Mission, WaitlistMode
from tests.factories import (
    DelegateFactory,
    MissionFactory,
    OrganisationFactory,
    PersonFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)

ANSWERS = {
    "company_pitch": "2D animation studio.",
    "trip_goals": "Find a co-producer.",
    "target_markets": "Canada",
}


def test_an_application_waits_for_review_and_sends_a_receipt(mission):
    person = PersonFactory(language="en")
    registration = apply_for_mission(person, mission, ANSWERS)
    assert registration.state == "applied"
    assert registration.trip_goals == "Find a co-producer."
    assert mail.outbox[0].subject == f"Application received: {mission.title_en}"


def test_an_application_with_missing_answers_is_refused_and_not_written(mission):
    from django.utils import translation

    with translation.override("en"), pytest.raises(IncompleteApplication) as error:
        apply_for_mission(PersonFactory(), mission, {**ANSWERS, "trip_goals": "  "})
    assert "goals for the trip" in str(error.value)
    assert not Registration.objects.exists()


def test_applying_twice_is_refused(mission):
    person = PersonFactory()
    apply_for_mission(person, mission, ANSWERS)
    with pytest.raises(AlreadyRegistered):
        apply_for_mission(person, mission, ANSWERS)
    assert Registration.objects.count() == 1


def test_closed_missions_and_non_members_are_refused():
    closed = MissionFactory(status=Mission.Status.CLOSED)
    with pytest.raises(RegistrationClosed):
        apply_for_mission(PersonFactory(), closed, ANSWERS)
    with pytest.raises(MembersOnly):
        apply_for_mission(DelegateFactory(), MissionFactory(), ANSWERS)


def test_staff_accept_within_capacity_then_no_seat_is_left(staff):
    mission = MissionFactory(capacity=1)
    first = apply_for_mission(PersonFactory(), mission, ANSWERS)
    second = apply_for_mission(PersonFactory(), mission, ANSWERS)
    decide(first, Decision.ACCEPT, by=staff, reason="Strong pitch")
    with pytest.raises(NoSeatLeft) as error:
        decide(second, Decision.ACCEPT, by=staff)
    assert error.value.params == {"capacity": 1}
    second.refresh_from_db()
    assert second.state == "applied"
    decide(second, Decision.WAITLIST, by=staff, reason="Next in line")
    second.refresh_from_db()
    assert second.state == "waitlisted" and second.decision_reason == "Next in line"
    change = first.log.last()
    assert (change.by, change.to_state, change.reason) == (staff, "confirmed", "Strong pitch")


def test_rejecting_needs_a_reason_and_emails_it(staff, mission):
    registration = apply_for_mission(PersonFactory(language="en"), mission, ANSWERS)
    with pytest.raises(ReasonRequired):
        decide(registration, Decision.REJECT, by=staff)
    decide(registration, Decision.REJECT, by=staff, reason="Out of the mission's sectors")
    registration.refresh_from_db()
    assert registration.state == "rejected"
    assert "Out of the mission's sectors" in mail.outbox[-1].body
    with pytest.raises(InvalidTransition):
        decide(registration, Decision.ACCEPT, by=staff)


def test_department_quota_keeps_seats_for_both_departments(staff):
    mission = MissionFactory(capacity=4)
    MissionQuota.objects.create(mission=mission, department="13", seats=2)
    MissionQuota.objects.create(mission=mission, department="06", seats=2)
    marseille = [PersonFactory(organisation__department="13") for _ in range(3)]
    nice = PersonFactory(organisation__department="06", organisation__city="Nice")
    applications = [apply_for_mission(p, mission, ANSWERS) for p in [*marseille, nice]]
    outcomes = decide_many([a.pk for a in applications], Decision.ACCEPT, by=staff)
    assert [o.ok for o in outcomes] == [True, True, False, True]
    assert isinstance(outcomes[2].error, DepartmentQuotaFull)
    assert outcomes[2].error.code == "department_quota_full"


def test_seats_per_organisation(staff):
    mission = MissionFactory(capacity=5, seats_per_organisation=1)
    studio = OrganisationFactory(name="Demo studio, Marseille")
    first, second = (
        apply_for_mission(PersonFactory(organisation=studio), mission, ANSWERS) for _ in range(2)
    )
    decide(first, Decision.ACCEPT, by=staff)
    with pytest.raises(OrganisationQuotaFull) as error:
        decide(second, Decision.ACCEPT, by=staff)
    assert "Demo studio, Marseille" in str(error.value)


def test_a_freed_mission_seat_skips_someone_the_quota_refuses(staff):
    mission = MissionFactory(capacity=2)
    MissionQuota.objects.create(mission=mission, department="13", seats=1)
    marseille = [PersonFactory(organisation__department="13") for _ in range(2)]
    nice = [PersonFactory(organisation__department="06") for _ in range(2)]
    a13, b13, a06, b06 = (apply_for_mission(p, mission, ANSWERS) for p in [*marseille, *nice])
    decide(a13, Decision.ACCEPT, by=staff)
    decide(a06, Decision.ACCEPT, by=staff)
    decide(b13, Decision.WAITLIST, by=staff)
    decide(b06, Decision.WAITLIST, by=staff)
    cancel_registration(a06, by=staff, as_staff=True)
    b13.refresh_from_db()
    b06.refresh_from_db()
    assert (b13.state, b06.state) == ("waitlisted", "confirmed")


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"status": Mission.Status.CANCELLED}, "This mission is cancelled."),
        ({"status": Mission.Status.DRAFT}, "This mission is not open for applications."),
        (
            {"application_deadline": timezone.now() - timedelta(minutes=1)},
            "The application deadline has passed.",
        ),
        (
            {"start_date": date.today() - timedelta(days=1)},  # noqa: DTZ011
            "This mission has already started.",
        ),
    ],
)
def test_a_late_cancelled_or_started_mission_refuses_with_a_message(changes, expected):
    mission = MissionFactory(**changes)
    with translation.override("en"):
        with pytest.raises(RegistrationClosed) as error:
            apply_for_mission(PersonFactory(), mission, ANSWERS)
        assert str(error.value) == expected
    with translation.override("fr"):
        with pytest.raises(RegistrationClosed) as error:
            apply_for_mission(PersonFactory(), mission, ANSWERS)
        assert str(error.value) not in ("", expected)  # said in French too
    assert not Registration.objects.exists()
    assert mail.outbox == []


def test_a_mission_capacity_below_the_accepted_count_is_refused_with_the_count(staff):
    mission = MissionFactory(capacity=3)
    for _ in range(2):
        decide(apply_for_mission(PersonFactory(), mission, ANSWERS), "accept", by=staff)
    with translation.override("en"):
        with pytest.raises(CapacityBelowConfirmed) as error:
            change_capacity(mission, 1)
        assert "2 seats already confirmed" in str(error.value)
    mission.refresh_from_db()
    assert mission.capacity == 3
    change_capacity(mission, 2)  # down to the count is allowed
    mission.refresh_from_db()
    assert mission.capacity == 2


def test_a_freed_mission_seat_is_offered_with_an_expiry_then_passes_on(staff):
    mission = MissionFactory(capacity=1, waitlist_mode=WaitlistMode.OFFER, offer_hours=24)
    first, second, third = (apply_for_mission(PersonFactory(), mission, ANSWERS) for _ in "abc")
    decide(first, "accept", by=staff)
    decide_many([second.pk, third.pk], Decision.WAITLIST, by=staff, reason="Full for now")
    now = timezone.now()
    cancel_registration(first, by=first.person.user, now=now)
    second.refresh_from_db()
    assert second.state == "offered"
    assert abs((second.offer_expires_at - now) - timedelta(hours=24)) < timedelta(minutes=1)
    assert expire_offers(now=now + timedelta(hours=23)) == 0
    assert expire_offers(now=now + timedelta(hours=25)) == 1
    assert expire_offers(now=now + timedelta(hours=25)) == 0  # idempotent
    second.refresh_from_db()
    third.refresh_from_db()
    assert (second.state, third.state) == ("cancelled", "offered")
    accept_offer(third, by=third.person.user)
    third.refresh_from_db()
    assert third.state == "confirmed"
    assert Registration.objects.filter(mission=mission, state="confirmed").count() == 1


def test_an_applicant_cannot_withdraw_after_the_missions_deadline_but_staff_can(staff):
    mission = MissionFactory(cancellation_deadline=timezone.now() + timedelta(days=1))
    accepted = apply_for_mission(PersonFactory(), mission, ANSWERS)
    decide(accepted, "accept", by=staff)
    later = timezone.now() + timedelta(days=2)
    with translation.override("en"), pytest.raises(CancellationClosed):
        cancel_registration(accepted, by=accepted.person.user, now=later)
    accepted.refresh_from_db()
    assert accepted.state == "confirmed"
    cancel_registration(accepted, by=staff, reason="Visa refused", as_staff=True, now=later)
    accepted.refresh_from_db()
    assert accepted.state == "cancelled"
    assert accepted.log.last().reason == "Visa refused"
