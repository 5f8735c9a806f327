"""One definition of each B2B figure: the session page, its CSV, the API and the staff
dashboard count the same meetings the same way, sides that disagree included."""

import csv
import io
from datetime import date

import pytest
from django.utils import translation

from bookings.figures import dashboard
from bookings.models import Meeting, MeetingReport
from tests.bookings.conftest import add_participant
from tests.factories import MissionFactory, PersonFactory, StaffUserFactory, b2b_session

pytestmark = pytest.mark.django_db


def meet(session, a, b, index):
    slot = session.slots.get(index=index)
    return Meeting.objects.create(
        session=session, slot=slot, participant_a=a, participant_b=b, online=True
    )


def report(meeting, side, took_place, outcome="none"):
    MeetingReport.objects.create(
        meeting=meeting, participant=side, took_place=took_place, outcome=outcome
    )


def two_meetings(session):
    """One held with a lead from both sides; one whose sides disagree (a lead claimed)."""
    a, b, c = (add_participant(session) for _ in range(3))
    agreed = meet(session, a, b, 1)
    report(agreed, a, True, "lead")
    report(agreed, b, True, "lead")
    disputed = meet(session, a, c, 2)
    report(disputed, a, True, "lead")
    report(disputed, c, False)
    return agreed, disputed


@pytest.fixture
def staff_client(client):
    user = StaffUserFactory()
    PersonFactory(user=user, role="staff")
    client.force_login(user)
    return client


def test_every_page_export_and_api_answer_counts_a_disagreement_alike(staff_client):
    mission = MissionFactory(start_date=date(2031, 3, 1), end_date=date(2031, 3, 5))
    session = b2b_session(event__mission=mission)
    two_meetings(session)
    slug = session.event.slug

    page = staff_client.get(f"/en/b2b/{slug}/staff/figures/").content.decode()
    flat = " ".join(page.split()).replace("> <", "><")
    assert "<dt>Meetings held</dt><dd>1</dd>" in flat
    assert "<dt>No-shows</dt><dd>0</dd>" in flat
    assert "<dt>Disputed (the two sides disagree)</dt><dd>1</dd>" in flat
    assert "<td>Lead</td><td>1</td>" in flat

    rows = csv.reader(io.StringIO(staff_client.get(f"/en/b2b/{slug}/staff/figures/?format=csv")
                                  .content.decode()))  # fmt: skip
    values = {(row[0], row[1]): row[2] for row in rows}
    assert (values["held", ""], values["no_shows", ""], values["disputed", ""]) == ("1", "0", "1")
    assert values["outcome", "lead"] == "1"

    api = staff_client.get(f"/api/v1/b2b/sessions/{slug}/figures").json()
    assert (api["held"], api["no_shows"], api["disputed"], api["outcomes"]["lead"]) == (1, 0, 1, 1)

    with translation.override("en"):
        for figures in (dashboard.season_figures(2031), dashboard.mission_figures(mission)):
            series = {s.key: dict(s.points) for s in figures.series}
            assert series["meetings"]["Held"] == 1
            assert series["meetings"]["No-show"] == 0
            assert series["meetings"]["Disputed"] == 1
            assert series["outcomes"]["Lead"] == 1


def test_one_side_reporting_counts_unless_the_other_contradicts_it(staff_client):
    session = b2b_session()
    a, b, c, d = (add_participant(session) for _ in range(4))
    said_held = meet(session, a, b, 1)
    report(said_held, a, True, "contract")
    said_missed = meet(session, c, d, 1)
    report(said_missed, d, False)
    meet(session, a, c, 2)  # nobody reported
    api = staff_client.get(f"/api/v1/b2b/sessions/{session.event.slug}/figures").json()
    assert {k: api[k] for k in ("booked", "held", "no_shows", "disputed", "unreported")} == {
        "booked": 3,
        "held": 1,
        "no_shows": 1,
        "disputed": 0,
        "unreported": 1,
    }
    assert api["outcomes"] == {"lead": 0, "partnership": 0, "contract": 1, "follow-up": 0}


def test_the_dashboard_counts_a_b2b_session_in_no_mission_in_its_year(staff_client):
    alone = b2b_session(day=date(2031, 6, 10))
    assert alone.event.mission_id is None
    two_meetings(alone)
    MissionFactory(start_date=date(2031, 3, 1), end_date=date(2031, 3, 5))
    assert 2031 in dashboard.seasons()
    with translation.override("en"):
        series = {s.key: dict(s.points) for s in dashboard.season_figures(2031).series}
        other = {s.key: dict(s.points) for s in dashboard.season_figures(2032).series}
    assert series["meetings"]["Booked"] == 2
    assert series["meetings"]["Held"] == 1
    assert other["meetings"]["Booked"] == 0
    page = staff_client.get("/en/staff/dashboard/2031/").content.decode()
    assert "<title>Booked: 2</title>" in page
