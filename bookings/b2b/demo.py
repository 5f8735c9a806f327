"""Demo B2B meetings on the demo B2B day in Marseille (loaded by `seed_demo`).

The demo accounts take part: members and delegates with approved profiles drawn
from their organisations, a few requests in every state, two booked meetings and
some unavailable slots, so every B2B page has something to show. Idempotent: a
second run on the same day changes nothing; on a later day the event has moved,
so the demo session is rebuilt on its new day. Written directly (no emails).
"""

from dataclasses import dataclass
from datetime import time

from django.db import transaction

from bookings.b2b.services.grid import generate_slots
from bookings.models import (
    B2BBlock,
    B2BParticipant,
    B2BSession,
    Meeting,
    MeetingRequest,
    MeetingSeat,
    Slot,
    Table,
    Unavailability,
)
from events.models import Event
from missions.models import Person
from primi_site.timezones import zone

DEMO_EVENT = "demo-b2b-broadcasters-marseille"
BLOCKS = ((time(9, 30), time(12, 30)), (time(14), time(17, 30)))
OFFERS = {
    "member": (
        "Des projets en développement et un savoir-faire de production à partager.",
        "Projects in development and production know-how to share.",
    ),
    "delegate": (
        "Des coproductions, des préachats et des programmes d’accueil pour les studios.",
        "Co-productions, pre-sales and soft-landing programmes for studios.",
    ),
}
NEEDS = {
    "member": (
        "Des diffuseurs, des coproducteurs et des distributeurs à l’international.",
        "Broadcasters, co-producers and international distributors.",
    ),
    "delegate": (
        "Des studios de la région pour des séries et des jeux.",
        "Studios of the region for series and games.",
    ),
}
# (sender, recipient, state, meeting slot or None)
REQUESTS = (
    ("demo-member-animation-marseille", "demo-delegate-toronto", "accepted", 2),
    ("demo-delegate-london", "demo-member-animation-marseille", "accepted", 4),
    ("demo-member-vfx-aix", "demo-delegate-brussels", "accepted", None),
    ("demo-delegate-vancouver", "demo-member-games-nice", "pending", None),
    ("demo-member-xr-nice", "demo-delegate-montreal", "declined", None),
)
UNAVAILABLE = {"demo-delegate-vancouver": (1, 2, 3)}


@dataclass(frozen=True)
class B2BDemoSummary:
    participants: int
    requests: int
    meetings: int


def seed_b2b_demo() -> B2BDemoSummary | None:
    event = Event.objects.filter(slug=DEMO_EVENT).first()
    if event is None:
        return None
    day = event.starts_at.astimezone(zone(event.time_zone)).date()
    with transaction.atomic():
        session = B2BSession.objects.filter(event=event).first()
        if session is not None and session.blocks.exclude(day=day).exists():
            MeetingSeat.objects.filter(meeting__session=session).delete()
            Meeting.objects.filter(session=session).delete()
            session.delete()
            session = None
        if session is None:
            session = B2BSession.objects.create(
                event=event,
                status=B2BSession.Status.OPEN,
                slot_minutes=20,
                pause_minutes=5,
                tables=6,
                video_base_url="https://meet.jit.si/",
                pairing=B2BSession.Pairing.DELEGATES_WITH_MEMBERS,
                directory_open=True,
                max_meetings=10,
                fairness=2,
            )
            for starts, ends in BLOCKS:
                B2BBlock.objects.create(session=session, day=day, starts=starts, ends=ends)
            generate_slots(session)
        people = {
            p.user.username: p
            for p in Person.objects.select_related("user", "organisation").filter(
                user__username__startswith="demo-", role__in=["member", "delegate"]
            )
        }
        participants = {
            username: _participant(session, person) for username, person in people.items()
        }
        slots = {s.index: s for s in Slot.objects.filter(session=session)}
        for username, indexes in UNAVAILABLE.items():
            if username in participants:
                for index in indexes:
                    Unavailability.objects.get_or_create(
                        participant=participants[username], slot=slots[index]
                    )
        for sender, recipient, state, slot_index in REQUESTS:
            if sender in participants and recipient in participants:
                _request(
                    session,
                    participants[sender],
                    participants[recipient],
                    state,
                    slots.get(slot_index),
                )
    return B2BDemoSummary(
        participants=B2BParticipant.objects.filter(session=session).count(),
        requests=MeetingRequest.objects.filter(session=session).count(),
        meetings=Meeting.objects.filter(session=session, state=Meeting.State.BOOKED).count(),
    )


def _participant(session: B2BSession, person: Person) -> B2BParticipant:
    side = "delegate" if person.role == Person.Role.DELEGATE else "member"
    organisation = person.organisation
    participant, created = B2BParticipant.objects.get_or_create(
        session=session,
        person=person,
        defaults={
            "side": side,
            "status": B2BParticipant.Status.APPROVED,
            "organisation_name": organisation.name if organisation else person.job_title,
            "country": organisation.country if organisation else "",
            "department": organisation.department if organisation else "",
            "offer_fr": OFFERS[side][0],
            "offer_en": OFFERS[side][1],
            "need_fr": NEEDS[side][0],
            "need_en": NEEDS[side][1],
            "languages": list(person.languages_spoken or [person.language]),
            "mode": B2BParticipant.Mode.BOTH
            if side == "delegate"
            else B2BParticipant.Mode.IN_PERSON,
        },
    )
    if created and organisation:
        participant.sectors.set(organisation.sectors.all())
    if participant.directory_consent_at is None:  # the demo profiles are listed
        participant.directory_consent_at = participant.created_at
        participant.save(update_fields=["directory_consent_at"])
    return participant


def _request(session, sender, recipient, state: str, slot: Slot | None) -> None:
    request, _created = MeetingRequest.objects.get_or_create(
        session=session,
        sender=sender,
        recipient=recipient,
        defaults={"state": state, "message": "Demo request: let us meet."},
    )
    if slot is None or state != "accepted":
        return
    a, b = sorted((sender, recipient), key=lambda p: p.pk)
    if Meeting.objects.filter(session=session, participant_a=a, participant_b=b).exists():
        return
    table = (
        Table.objects.filter(session=session)
        .exclude(meetings__slot=slot, meetings__state=Meeting.State.BOOKED)
        .order_by("number")
        .first()
    )
    meeting = Meeting.objects.create(
        session=session,
        slot=slot,
        table=table,
        participant_a=a,
        participant_b=b,
        request=request,
        source=Meeting.Source.STAFF,
    )
    MeetingSeat.objects.bulk_create(
        MeetingSeat(meeting=meeting, participant=p, slot=slot) for p in (a, b)
    )
