"""The demo B2B meetings loaded by seed_demo."""

from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import call_command

from bookings.models import B2BParticipant, B2BSession, Meeting, MeetingRequest, MeetingSeat
from primi_site.timezones import zone

pytestmark = pytest.mark.django_db
TODAY = date(2027, 1, 11)


def state() -> tuple:
    return (
        sorted(B2BParticipant.objects.values_list("person__user__username", "status", "side")),
        sorted(MeetingRequest.objects.values_list("sender_id", "recipient_id", "state")),
        sorted(Meeting.objects.values_list("slot__index", "table__number", "state")),
        MeetingSeat.objects.count(),
    )


def test_the_demo_has_a_b2b_day_and_a_second_run_changes_nothing():
    out = StringIO()
    call_command("seed_demo", today=TODAY.isoformat(), stdout=out)
    first = state()
    assert "B2B participants       10" in out.getvalue()
    assert "B2B meetings           2" in out.getvalue()
    session = B2BSession.objects.get()
    assert (session.status, session.directory_open) == ("open", True)
    assert first[2] == [(2, 1, "booked"), (4, 1, "booked")]
    call_command("seed_demo", today=TODAY.isoformat(), stdout=StringIO())
    assert state() == first


def test_a_later_day_moves_the_demo_session_with_its_event():
    call_command("seed_demo", today=TODAY.isoformat(), stdout=StringIO())
    call_command("seed_demo", today=(TODAY + timedelta(weeks=1)).isoformat(), stdout=StringIO())
    session = B2BSession.objects.get()
    event_day = session.event.starts_at.astimezone(zone(session.event.time_zone)).date()
    assert set(session.blocks.values_list("day", flat=True)) == {event_day}
    assert Meeting.objects.filter(state="booked").count() == 2


def test_the_demo_member_sees_the_agenda(client):
    call_command("seed_demo", today=TODAY.isoformat(), stdout=StringIO())
    participant = B2BParticipant.objects.get(
        person__user__username="demo-member-animation-marseille"
    )
    client.force_login(participant.person.user)
    page = client.get(f"/en/b2b/{participant.session.event.slug}/agenda/").content.decode()
    assert page.count("/en/b2b/meetings/") == 2
