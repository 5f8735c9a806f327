from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.utils import timezone

from bookings.exceptions import (
    AlreadyRegistered,
    CancellationClosed,
    CapacityBelowConfirmed,
    EventFull,
    InvalidTransition,
    MembersOnly,
    OfferExpired,
    RegistrationClosed,
)
from bookings.models import EmailOutbox, Registration, RegistrationLog, RegistrationState
from bookings.registrations import queries
from bookings.registrations.services.capacity import change_capacity
from bookings.registrations.services.registrations import (
    accept_offer,
    cancel_registration,
    decline_offer,
    register_for_event,
)
from bookings.registrations.services.waitlist import expire_offers, promote_waitlist
from events.models import Event
from missions.models import WaitlistMode
from tests.factories import DelegateFactory, EventFactory, PersonFactory

# Real commits: the on-commit jobs (promotion, emails) run as in production.
pytestmark = pytest.mark.django_db(transaction=True)
State = RegistrationState


def states(event) -> list[str]:
    return list(
        Registration.objects.filter(event=event).order_by("pk").values_list("state", flat=True)
    )


def test_seats_are_confirmed_then_later_people_wait_with_positions(small_event, people):
    results = [register_for_event(person, small_event) for person in people[:4]]
    assert [r.state for r in results] == ["confirmed", "confirmed", "waitlisted", "waitlisted"]
    assert [r.waitlist_position for r in results] == [None, None, 1, 2]
    positions = dict(
        queries.with_positions(Registration.objects.filter(event=small_event)).values_list(
            "person_id", "waitlist_position"
        )
    )
    assert positions[people[2].pk] == 1 and positions[people[3].pk] == 2
    assert positions[people[0].pk] is None


def test_registering_twice_is_refused_and_writes_nothing(small_event, people):
    register_for_event(people[0], small_event)
    with pytest.raises(AlreadyRegistered) as error:
        register_for_event(people[0], small_event)
    assert error.value.code == "already_registered"
    assert Registration.objects.filter(event=small_event).count() == 1
    assert RegistrationLog.objects.count() == 1


def test_a_cancelled_person_may_register_again(small_event, people):
    first = register_for_event(people[0], small_event)
    cancel_registration(first, by=people[0].user)
    again = register_for_event(people[0], small_event)
    assert again.pk != first.pk and again.state == "confirmed"


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"status": Event.Status.CANCELLED}, "This event is cancelled."),
        ({"status": Event.Status.DRAFT}, "This event is not open for registration."),
        (
            {"registration_closes_at": timezone.now() - timedelta(minutes=1)},
            "Registration for this event is closed.",
        ),
        (
            {"registration_opens_at": timezone.now() + timedelta(days=1)},
            "Registration for this event has not opened yet.",
        ),
        (
            {
                "starts_at": timezone.now() - timedelta(days=2),
                "ends_at": timezone.now() - timedelta(days=1),
            },
            "This event has already started.",
        ),
    ],
)
def test_closed_cancelled_or_past_events_refuse_with_a_message(people, changes, expected):
    from django.utils import translation

    event = EventFactory(**changes)
    with translation.override("en"), pytest.raises(RegistrationClosed) as error:
        register_for_event(people[0], event)
    assert str(error.value) == expected
    assert error.value.code == "registration_closed"
    assert not Registration.objects.exists()


def test_messages_are_in_the_readers_language(people):
    from django.utils import translation

    event = EventFactory(status=Event.Status.CANCELLED)
    with translation.override("fr"), pytest.raises(RegistrationClosed) as error:
        register_for_event(people[0], event)
    assert str(error.value) == "Cet événement est annulé."


def test_members_only_event_refuses_a_delegate():
    event = EventFactory(members_only=True)
    with pytest.raises(MembersOnly) as error:
        register_for_event(DelegateFactory(), event)
    assert error.value.code == "members_only"
    assert register_for_event(PersonFactory(), event).state == "confirmed"


def test_full_event_without_waitlist_refuses(people):
    event = EventFactory(capacity=1, waitlist_enabled=False)
    register_for_event(people[0], event)
    with pytest.raises(EventFull) as error:
        register_for_event(people[1], event)
    assert error.value.code == "event_full_no_waitlist"
    assert states(event) == ["confirmed"]


def test_unlimited_event_confirms_everyone(people):
    event = EventFactory(capacity=None)
    assert {register_for_event(p, event).state for p in people} == {"confirmed"}


def test_cancelling_a_seat_confirms_the_next_in_line_at_once(small_event, people):
    first, _, third, fourth = (register_for_event(p, small_event) for p in people[:4])
    cancel_registration(first, by=people[0].user, reason="Cannot travel")
    third.refresh_from_db()
    fourth.refresh_from_db()
    assert third.state == "confirmed" and fourth.state == "waitlisted"
    assert queries.position_of(fourth) == 1
    change = third.log.last()
    assert (change.from_state, change.to_state, change.by) == ("waitlisted", "confirmed", None)
    kinds = list(EmailOutbox.objects.filter(registration=third).values_list("kind", flat=True))
    assert kinds == ["waitlisted", "promoted"]


def test_newcomers_queue_behind_people_already_waiting(small_event, people):
    first, _, third = (register_for_event(p, small_event) for p in people[:3])
    # A seat frees up but the promotion job has not run yet.
    Registration.objects.filter(pk=first.pk).update(state=State.CANCELLED)
    late = register_for_event(people[3], small_event)
    assert late.state == "waitlisted" and late.waitlist_position == 2
    promote_waitlist("event", small_event.pk)
    third.refresh_from_db()
    assert third.state == "confirmed"


def test_promotion_is_idempotent(small_event, people):
    first, *_ = (register_for_event(p, small_event) for p in people[:4])
    Registration.objects.filter(pk=first.pk).update(state=State.CANCELLED)
    assert len(promote_waitlist("event", small_event.pk)) == 1
    assert promote_waitlist("event", small_event.pk) == []
    assert states(small_event) == ["cancelled", "confirmed", "confirmed", "waitlisted"]


def test_offer_mode_offers_with_an_expiry_then_passes_to_the_next(people):
    event = EventFactory(capacity=1, waitlist_mode=WaitlistMode.OFFER, offer_hours=48)
    first, second, third = (register_for_event(p, event) for p in people[:3])
    now = timezone.now()
    cancel_registration(first, by=people[0].user, now=now)
    second.refresh_from_db()
    assert second.state == "offered"
    assert abs((second.offer_expires_at - now) - timedelta(hours=48)) < timedelta(minutes=1)
    assert queries.seats_taken(event) == 1

    assert expire_offers(now=now + timedelta(hours=47)) == 0
    assert expire_offers(now=now + timedelta(hours=49)) == 1
    assert expire_offers(now=now + timedelta(hours=49)) == 0  # idempotent
    second.refresh_from_db()
    third.refresh_from_db()
    assert second.state == "cancelled" and third.state == "offered"
    # System changes are logged in the site's language.
    assert second.log.last().reason == "La place proposée n’a pas été prise avant l’échéance."


def test_an_offer_can_be_accepted_before_it_expires_not_after(people):
    event = EventFactory(capacity=1, waitlist_mode=WaitlistMode.OFFER)
    first, second = (register_for_event(p, event) for p in people[:2])
    cancel_registration(first, by=people[0].user)
    second.refresh_from_db()
    with pytest.raises(OfferExpired):
        accept_offer(second, by=people[1].user, now=second.offer_expires_at + timedelta(1))
    accept_offer(second, by=people[1].user)
    second.refresh_from_db()
    assert second.state == "confirmed" and second.offer_expires_at is None
    with pytest.raises(InvalidTransition):
        accept_offer(second, by=people[1].user)


def test_declining_an_offer_passes_it_on(people):
    event = EventFactory(capacity=1, waitlist_mode=WaitlistMode.OFFER)
    first, second, third = (register_for_event(p, event) for p in people[:3])
    cancel_registration(first, by=people[0].user)
    second.refresh_from_db()
    decline_offer(second, by=people[1].user)
    third.refresh_from_db()
    assert third.state == "offered"


def test_person_cannot_cancel_after_the_deadline_but_staff_can(people, staff):
    event = EventFactory(capacity=3, cancellation_deadline=timezone.now() + timedelta(days=1))
    registration = register_for_event(people[0], event)
    later = timezone.now() + timedelta(days=2)
    with pytest.raises(CancellationClosed):
        cancel_registration(registration, by=people[0].user, now=later)
    registration.refresh_from_db()
    assert registration.state == "confirmed"
    cancel_registration(registration, by=staff, reason="No show", as_staff=True, now=later)
    change = registration.log.last()
    assert (change.by, change.from_state, change.to_state, change.reason) == (
        staff,
        "confirmed",
        "cancelled",
        "No show",
    )


def test_cancelling_twice_is_refused(small_event, people):
    registration = register_for_event(people[0], small_event)
    cancel_registration(registration, by=people[0].user)
    with pytest.raises(InvalidTransition):
        cancel_registration(registration, by=people[0].user)
    assert Registration.objects.get().state == "cancelled"


def test_capacity_below_the_confirmed_count_is_refused_with_the_count(small_event, people):
    from django.utils import translation

    for person in people[:3]:
        register_for_event(person, small_event)
    with translation.override("en"):
        with pytest.raises(CapacityBelowConfirmed) as error:
            change_capacity(small_event, 1)
        assert "2 seats already confirmed" in str(error.value)
    small_event.refresh_from_db()
    assert small_event.capacity == 2


def test_raising_the_capacity_promotes_the_waitlist(small_event, people):
    for person in people[:4]:
        register_for_event(person, small_event)
    change_capacity(small_event, 3)
    assert states(small_event) == ["confirmed", "confirmed", "confirmed", "waitlisted"]


def test_each_change_is_logged_and_emailed_in_the_persons_language(small_event, people):
    people[0].language = "en"
    people[0].save()
    registration = register_for_event(people[0], small_event)
    cancel_registration(registration, by=people[0].user)
    log = list(registration.log.values_list("from_state", "to_state"))
    assert log == [("", "confirmed"), ("confirmed", "cancelled")]
    subjects = [message.subject for message in mail.outbox]
    assert subjects == [
        f"Registration confirmed: {small_event.title_en}",
        f"Registration cancelled: {small_event.title_en}",
    ]
    # The invitation, then its cancellation (tests/bookings/registrations/test_calendar_emails.py).
    assert [message.method for message in mail.outbox] == ["REQUEST", "CANCEL"]


def test_waitlisted_email_gives_the_position_in_french(people):
    event = EventFactory(capacity=1)
    register_for_event(people[0], event)
    register_for_event(people[1], event)
    message = mail.outbox[-1]
    assert message.subject == f"Sur la liste d’attente (position 1)\u00a0: {event.title_fr}"
    assert "en position 1" in message.body


def test_an_offer_email_gives_its_deadline_in_the_persons_language_and_zone(people):
    event = EventFactory(
        capacity=1, waitlist_mode=WaitlistMode.OFFER, offer_hours=48, time_zone="Europe/Paris"
    )
    people[1].language = "en"
    people[1].time_zone = "America/Toronto"
    people[1].save()
    first, second = (register_for_event(p, event) for p in people[:2])
    cancel_registration(first, by=people[0].user)
    second.refresh_from_db()
    (offer,) = [m for m in mail.outbox if m.to == [people[1].user.email]][1:]
    assert offer.subject == f"A seat is offered to you: {event.title_en}"
    assert not getattr(offer, "method", None)  # not confirmed yet: no invitation
    assert "Accept it on your registrations page before:" in offer.body
    paris = second.offer_expires_at.astimezone(ZoneInfo("Europe/Paris"))
    toronto = second.offer_expires_at.astimezone(ZoneInfo("America/Toronto"))
    for local, city in ((paris, "Paris"), (toronto, "Toronto")):
        # British English: "Sunday, 6 December 2026, 20:22 Paris".
        assert f"{local:%A}, {local.day} {local:%B %Y, %H:%M} {city}" in offer.body
    assert "After that, it goes to the next person waiting." in offer.body


def test_the_database_itself_refuses_a_second_active_registration(people):
    from django.db import IntegrityError, transaction

    from tests.factories import MissionFactory

    event = EventFactory(capacity=5)
    mission = MissionFactory()
    Registration.objects.create(person=people[0], event=event, state=State.CONFIRMED)
    Registration.objects.create(person=people[0], mission=mission, state=State.APPLIED)
    for target in ({"event": event}, {"mission": mission}):
        with pytest.raises(IntegrityError), transaction.atomic():
            Registration.objects.create(person=people[0], state=State.APPLIED, **target)
        # An ended registration does not count: the person may come back.
        Registration.objects.create(person=people[0], state=State.CANCELLED, **target)
    assert Registration.objects.filter(person=people[0]).count() == 4
