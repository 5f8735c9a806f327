"""The staff dashboard: every number against counts computed independently from the rows."""

import csv
import io
from datetime import UTC, date, datetime, timedelta

import pytest
from django.db.models import Count
from django.utils import translation

from bookings.figures import dashboard
from bookings.models import Registration, RegistrationLog, RegistrationState
from missions.models import Sector
from tests.factories import (
    ApplicationFactory,
    DelegateFactory,
    MissionFactory,
    OrganisationFactory,
    PersonFactory,
    StaffUserFactory,
)

pytestmark = pytest.mark.django_db

STATES = [
    RegistrationState.CONFIRMED,
    RegistrationState.CONFIRMED,
    RegistrationState.WAITLISTED,
    RegistrationState.APPLIED,
    RegistrationState.REJECTED,
    RegistrationState.OFFERED,
]


def seed_season(year: int = 2031, missions: int = 2) -> list:
    """Missions of one season with people from 13, 06 and abroad in every state."""
    animation = Sector.objects.create(slug="t-animation", name_fr="T Anim", name_en="T Anim")
    games = Sector.objects.create(slug="t-games", name_fr="T Jeu vidéo", name_en="T Video games")
    studio_13 = OrganisationFactory(department="13")
    studio_13.sectors.add(animation, games)
    studio_06 = OrganisationFactory(department="06", city="Nice")
    studio_06.sectors.add(games)
    created = []
    for index in range(missions):
        mission = MissionFactory(
            start_date=date(year, 3 + index, 1), end_date=date(year, 3 + index, 5), capacity=4
        )
        created.append(mission)
        for number, state in enumerate(STATES):
            person = (
                DelegateFactory()
                if number == 5
                else PersonFactory(organisation=studio_13 if number % 2 else studio_06)
            )
            registration = ApplicationFactory(
                person=person,
                mission=mission,
                state=state,
                offer_expires_at=datetime.now(UTC) + timedelta(days=2)
                if state == RegistrationState.OFFERED
                else None,
            )
            if state == RegistrationState.CONFIRMED:
                RegistrationLog.objects.create(
                    registration=registration,
                    from_state=RegistrationState.APPLIED,
                    to_state=RegistrationState.CONFIRMED,
                )
    # Another season, which must not be counted.
    ApplicationFactory(mission=MissionFactory(start_date=date(year + 1, 2, 1)))
    return created


def test_seats_match_the_rows_of_each_mission():
    missions = seed_season()
    figures = dashboard.season_figures(2031)
    assert [seat.mission for seat in figures.seats] == missions
    for seat in figures.seats:
        rows = Registration.objects.filter(mission=seat.mission)
        assert seat.capacity == 4
        assert seat.confirmed == rows.filter(state="confirmed").count() == 2
        assert seat.waitlisted == rows.filter(state="waitlisted").count() == 1
        assert seat.offered == rows.filter(state="offered").count() == 1
        assert seat.applied == rows.filter(state="applied").count() == 1


def test_participants_by_department_sector_and_country_match_the_database():
    missions = seed_season()
    figures = {series.key: dict(series.points) for series in dashboard.season_figures(2031).series}
    confirmed = Registration.objects.filter(mission__in=missions, state="confirmed")
    by_department = {
        row["person__organisation__department"]: row["n"]
        for row in confirmed.values("person__organisation__department").annotate(n=Count("pk"))
    }
    assert figures["departments"] == {
        "13 — Bouches-du-Rhône": by_department["13"],
        "06 — Alpes-Maritimes": by_department["06"],
    }
    assert figures["countries"] == {"France": confirmed.count()}
    with_sector = {
        sector.name_fr: confirmed.filter(person__organisation__sectors=sector).count()
        for sector in Sector.objects.filter(slug__startswith="t-")
    }
    assert figures["sectors"] == with_sector
    assert sum(figures["departments"].values()) == 4


def test_applications_and_confirmations_per_month_match_the_database():
    missions = seed_season()
    figures = {series.key: series for series in dashboard.season_figures(2031).series}
    assert (
        figures["applications"].total == Registration.objects.filter(mission__in=missions).count()
    )
    assert (
        figures["confirmations"].total
        == RegistrationLog.objects.filter(
            registration__mission__in=missions, to_state="confirmed"
        ).count()
    )
    assert figures["confirmations"].total == 4


def test_a_mission_shows_only_its_own_rows():
    first, _second = seed_season()
    figures = dashboard.mission_figures(first)
    assert [seat.mission for seat in figures.seats] == [first]
    applications = next(s for s in figures.series if s.key == "applications")
    assert applications.total == Registration.objects.filter(mission=first).count() == 6


def test_seasons_are_the_years_of_the_missions():
    seed_season()
    assert dashboard.seasons() == [2032, 2031]


@pytest.mark.parametrize("missions", [1, 3])
def test_the_season_page_runs_in_constant_queries(client, django_assert_num_queries, missions):
    seed_season(missions=missions)
    client.force_login(StaffUserFactory())
    with django_assert_num_queries(15):  # the user comes with their person, in one query
        response = client.get("/en/staff/dashboard/2031/")
    assert response.status_code == 200


def test_the_page_shows_charts_with_titles_and_numbers_beside_them(client):
    seed_season()
    client.force_login(StaffUserFactory())
    page = client.get("/en/staff/dashboard/2031/").content.decode()
    assert '<svg class="chart"' in page and 'role="img"' in page
    assert "<title>13 — Bouches-du-Rhône: 2</title>" in page
    assert "<title>06 — Alpes-Maritimes: 2</title>" in page
    assert '<th scope="row">T Video games</th><td>4</td>' in page


def test_the_csv_export_holds_every_figure(client):
    first, _second = seed_season()
    client.force_login(StaffUserFactory())
    response = client.get(f"/fr/staff/dashboard/missions/{first.slug}/export.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["Chiffre", "Libellé", "Valeur"]
    values = {(row[0], row[1]): row[2] for row in rows[1:]}
    title = first.title_fr
    assert values[("Places occupées", title)] == "2"
    assert values[("Liste d’attente", title)] == "1"
    assert values[("Participants par département", "06 — Alpes-Maritimes")] == "1"


def test_the_dashboard_is_closed_to_members(client):
    client.force_login(PersonFactory().user)
    assert client.get("/en/staff/dashboard/2031/").status_code == 404
    assert client.get("/en/staff/dashboard/2031/export.csv").status_code == 404
    client.logout()
    assert client.get("/en/staff/dashboard/")["Location"].startswith("/en/account/login/")


def test_the_dashboard_opens_on_the_latest_season(client):
    seed_season()
    client.force_login(StaffUserFactory())
    assert client.get("/en/staff/dashboard/")["Location"] == "/en/staff/dashboard/2032/"


def test_meetings_and_outcomes_match_the_b2b_rows():
    from bookings.models import Meeting, MeetingReport, MeetingRequest
    from tests.factories import B2BParticipantFactory, b2b_session

    mission = MissionFactory(start_date=date(2031, 3, 1), end_date=date(2031, 3, 5))
    session = b2b_session()
    session.event.mission = mission
    session.event.save()
    people = [B2BParticipantFactory(session=session) for _ in range(4)]
    slots = list(session.slots.order_by("starts_at"))
    pairs = [(people[0], people[1]), (people[0], people[2]), (people[1], people[3])]
    meetings = []
    for (a, b), slot in zip(pairs, slots, strict=False):
        MeetingRequest.objects.create(session=session, sender=a, recipient=b, state="accepted")
        meetings.append(
            Meeting.objects.create(
                session=session, slot=slot, participant_a=a, participant_b=b, online=True
            )
        )
    MeetingRequest.objects.create(session=session, sender=people[2], recipient=people[3])
    held, missed, _silent = meetings
    MeetingReport.objects.create(
        meeting=held, participant=held.participant_a, took_place=True, outcome="lead"
    )
    MeetingReport.objects.create(
        meeting=held, participant=held.participant_b, took_place=True, outcome="contract"
    )
    MeetingReport.objects.create(meeting=missed, participant=missed.participant_a, took_place=False)
    with translation.override("en"):
        series = dashboard.mission_figures(mission).series
    figures = {s.key: dict(s.points) for s in series}
    assert figures["meetings"] == {
        "Requested": MeetingRequest.objects.filter(session=session).count(),
        "Booked": Meeting.objects.filter(session=session, state="booked").count(),
        "Held": 1,
        "No-show": 1,
        "Disputed": 0,
    }
    assert figures["meetings"]["Requested"] == 4
    # Outcomes count per meeting held (bookings.figures.b2b), with every kind listed.
    assert figures["outcomes"] == {
        "Lead": 1,
        "Partnership": 0,
        "Contract": 1,
        "Follow-up planned": 0,
    }


def test_event_registrations_of_the_programmes_match_the_database():
    from tests.factories import EventFactory

    first, second = seed_season()
    in_first = EventFactory(mission=first, capacity=2, waitlist_enabled=True)
    in_second = EventFactory(mission=second, capacity=1, waitlist_enabled=True)
    elsewhere = EventFactory(capacity=5)  # in no mission of the season: not counted
    for event, states in (
        (in_first, ["confirmed", "confirmed", "waitlisted", "cancelled"]),
        (in_second, ["confirmed", "offered", "waitlisted"]),
        (elsewhere, ["confirmed"]),
    ):
        for state in states:
            Registration.objects.create(
                person=PersonFactory(),
                event=event,
                state=state,
                waitlisted_at=datetime.now(UTC) if state == "waitlisted" else None,
                offer_expires_at=datetime.now(UTC) + timedelta(days=2)
                if state == "offered"
                else None,
            )
    with translation.override("en"):
        season = {s.key: s for s in dashboard.season_figures(2031).series}
        mission = {s.key: s for s in dashboard.mission_figures(first).series}
    rows = Registration.objects.filter(event__mission__in=[first, second])
    assert season["registrations"].total == rows.count() == 7
    assert dict(season["event_seats"].points) == {
        "Seats filled": rows.filter(state="confirmed").count(),
        "Seats offered": rows.filter(state="offered").count(),
        "Waitlist": rows.filter(state="waitlisted").count(),
    }
    assert dict(season["event_seats"].points)["Seats filled"] == 3
    mine = Registration.objects.filter(event__mission=first)
    assert mission["registrations"].total == mine.count() == 4
    assert dict(mission["event_seats"].points)["Waitlist"] == 1
