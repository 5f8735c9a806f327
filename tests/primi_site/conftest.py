"""The fixture world of the URL walks: one member owning objects, a delegate, staff."""

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.utils import timezone

from bookings.models import RegistrationState
from bookings.registrations.services.invitations import create_invitation
from events.services import create_feed_token
from missions.models import Person
from primi_site.services.tokens import create_token
from tests.factories import (
    DelegateFactory,
    EventFactory,
    MissionFactory,
    PersonFactory,
    RegistrationFactory,
    StaffUserFactory,
)


@dataclass
class World:
    people: dict
    kwargs: dict


@pytest.fixture
def world(db) -> World:
    member = PersonFactory()
    delegate = DelegateFactory()
    staff = PersonFactory(user=StaffUserFactory(), role=Person.Role.STAFF)
    event = EventFactory()
    mission = MissionFactory()
    registration = RegistrationFactory(
        person=member,
        event=EventFactory(),
        state=RegistrationState.OFFERED,
        offer_expires_at=timezone.now() + timedelta(days=2),
    )
    api_token, _secret = create_token(member.user, name="laptop", scope="read")
    feed_token, feed_secret = create_feed_token(member, "phone")
    _invitation, invitation_token = create_invitation(
        email="guest@example.org", target=event, language="en", by=staff.user
    )
    # B2B: a session with the member and the delegate; a request from the delegate to the
    # member (the member answers it), and a meeting between them.
    from bookings.b2b.services.meetings import book_meeting
    from bookings.b2b.services.requests import answer_request, send_request
    from tests.factories import B2BParticipantFactory, b2b_session

    session = b2b_session()
    mine = B2BParticipantFactory(session=session, person=member)
    theirs = B2BParticipantFactory(
        session=session, person=delegate, side="delegate", department="", country="CA"
    )
    answer_request(send_request(mine, theirs, "Demo request"), theirs, accept=True)
    meeting = book_meeting(mine, theirs, session.slots.order_by("starts_at").first())
    third = B2BParticipantFactory(
        session=session, person=DelegateFactory(), side="delegate", department="", country="CA"
    )
    request_ = send_request(third, mine, "Demo request")
    from bookings.models import ScheduleRun

    run = ScheduleRun.objects.create(session=session, time_limit=1)  # queued, never solved
    ids = {
        "slug": event.slug,
        "pk": registration.pk,
        "registration_id": registration.pk,
        "year": timezone.now().year,
        "token_id": api_token.pk,
        "endpoint_id": 1,
        "delivery_id": 1,
        "uidb64": "MQ",
        "token": feed_secret,
        "fmt": "csv",
    }
    special = {
        "mission_detail": {"slug": mission.slug},
        "mission_apply": {"slug": mission.slug},
        "feed_mission": {"slug": mission.slug},
        "api:get_mission": {"slug": mission.slug},
        "feed_token_rotate": {"pk": feed_token.pk},
        "feed_token_revoke": {"pk": feed_token.pk},
        "api:revoke_feed_token": {"token_id": feed_token.pk},
        "staff_dashboard_mission": {"slug": mission.slug},
        "staff_dashboard_mission_csv": {"slug": mission.slug},
        "invitation": {"token": invitation_token},
        "password_reset_confirm": {"uidb64": "MQ", "token": "set-password"},
        "staff_outbox_retry": {"channel": "registration-email", "pk": 0},
        "b2b": {"slug": session.event.slug, "pk": mine.pk, "action": "view"},
        "b2b_request": {"pk": request_.pk, "action": "accept"},
        "b2b_meeting": {"pk": meeting.pk, "action": "cancel"},
        "b2b_mission": {"slug": mission.slug},
        **{
            name: {"slug": session.event.slug, "pk": run.pk, "action": "discard"}
            for name in (
                *(f"api:{verb}_schedule_run" for verb in ("get", "preview", "publish", "discard")),
                "b2b_staff_run",
                "b2b_staff_run_progress",
                "b2b_staff_run_action",
            )
        },
    }
    people = {"anonymous": None, "member": member, "delegate": delegate, "staff": staff}
    return World(people=people, kwargs={"default": ids, **special})
