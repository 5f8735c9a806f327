"""factory_boy factories shared by the suite."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import factory
from django.contrib.auth import get_user_model

from bookings.models import Registration, RegistrationState
from events.models import Event
from missions.models import Mission, Organisation, Person


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Test studio {n}")
    slug = factory.Sequence(lambda n: f"test-studio-{n}")
    kind = Organisation.Kind.MEMBER
    country = "FR"
    department = "13"
    city = "Marseille"


class PartnerFactory(OrganisationFactory):
    name = factory.Sequence(lambda n: f"Test partner {n}")
    slug = factory.Sequence(lambda n: f"test-partner-{n}")
    kind = Organisation.Kind.CLUSTER
    country = "CA"
    department = ""
    city = "Toronto"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user-{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.PostGenerationMethodCall("set_password", "correct horse battery")

    @factory.post_generation
    def save_password(self, create, extracted, **kwargs):
        if create:
            self.save()


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Person.Role.MEMBER
    language = "fr"
    time_zone = "Europe/Paris"


class MissionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Mission

    slug = factory.Sequence(lambda n: f"mission-{n}")
    direction = Mission.Direction.OUTBOUND
    status = Mission.Status.PUBLISHED
    title_fr = factory.Sequence(lambda n: f"Mission à Toronto {n}")
    title_en = factory.Sequence(lambda n: f"Toronto mission {n}")
    summary_fr = "Rencontrer les studios de Toronto."
    summary_en = "Meet the studios of Toronto."
    destination_city = "Toronto"
    destination_country = "CA"
    time_zone = "America/Toronto"
    start_date = factory.LazyFunction(lambda: date.today() + timedelta(days=60))  # noqa: DTZ011
    end_date = factory.LazyAttribute(lambda m: m.start_date + timedelta(days=4))
    capacity = 12


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event

    slug = factory.Sequence(lambda n: f"event-{n}")
    kind = Event.Kind.CONFERENCE
    status = Event.Status.PUBLISHED
    title_fr = factory.Sequence(lambda n: f"Conférence {n}")
    title_en = factory.Sequence(lambda n: f"Conference {n}")
    time_zone = "Europe/Paris"
    starts_at = factory.LazyFunction(
        lambda: datetime.now(UTC).replace(minute=0, second=0, microsecond=0) + timedelta(days=30)
    )
    ends_at = factory.LazyAttribute(lambda e: e.starts_at + timedelta(hours=2))
    city = "Marseille"
    country = "FR"


class StaffUserFactory(UserFactory):
    username = factory.Sequence(lambda n: f"staff-{n}")
    is_staff = True


class DelegateFactory(PersonFactory):
    organisation = factory.SubFactory(PartnerFactory)
    role = Person.Role.DELEGATE
    language = "en"
    time_zone = "America/Toronto"


class RegistrationFactory(factory.django.DjangoModelFactory):
    """A row as the services would leave it; tests of the rules call the services."""

    class Meta:
        model = Registration

    person = factory.SubFactory(PersonFactory)
    event = factory.SubFactory(EventFactory)
    state = RegistrationState.CONFIRMED
    waitlisted_at = factory.LazyAttribute(
        lambda r: datetime.now(UTC) if r.state == RegistrationState.WAITLISTED else None
    )


class ApplicationFactory(RegistrationFactory):
    event = None
    mission = factory.SubFactory(MissionFactory)
    state = RegistrationState.APPLIED
    company_pitch = "Demo studio: 2D animation for children's series."
    trip_goals = "Meet co-producers and distributors."
    target_markets = "Canada, USA"


# B2B ------------------------------------------------------------------------


class B2BEventFactory(EventFactory):
    kind = Event.Kind.B2B_SESSION
    slug = factory.Sequence(lambda n: f"b2b-{n}")
    title_fr = factory.Sequence(lambda n: f"Rendez-vous d’affaires {n}")
    title_en = factory.Sequence(lambda n: f"B2B meetings {n}")


class B2BSessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "bookings.B2BSession"

    event = factory.SubFactory(B2BEventFactory)
    status = "open"
    slot_minutes = 20
    pause_minutes = 5
    tables = 3
    directory_open = True


class SectorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "missions.Sector"
        django_get_or_create = ("slug",)

    slug = "animation"
    name_fr = "Animation"
    name_en = "Animation"


class B2BParticipantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "bookings.B2BParticipant"

    session = factory.SubFactory(B2BSessionFactory)
    person = factory.SubFactory(PersonFactory)
    side = "member"
    status = "approved"
    organisation_name = factory.LazyAttribute(lambda p: p.person.organisation.name)
    country = factory.LazyAttribute(lambda p: p.person.organisation.country)
    department = factory.LazyAttribute(lambda p: p.person.organisation.department)
    offer_en = "2D animation series and service work."
    need_en = "Co-producers and distributors."
    languages = factory.LazyFunction(lambda: ["fr", "en"])
    mode = "both"
    directory_consent_at = factory.LazyFunction(lambda: datetime.now(UTC))


def b2b_session(day: date | None = None, blocks=(("09:00", "10:15"),), **kwargs):
    """An open session with its blocks on `day` (default: 40 days ahead) and generated slots.

    With 20-minute slots and 5-minute pauses, 09:00–10:15 gives three slots.
    """
    from datetime import time

    from bookings.b2b.services import generate_slots
    from bookings.models import B2BBlock

    day = day or (date.today() + timedelta(days=40))  # noqa: DTZ011
    if "event" not in kwargs:
        # Blocks must lie within the event: it runs from the day's local midnight over
        # two days (tests add a block on the next day).
        zone_name = kwargs.get("event__time_zone", "Europe/Paris")
        midnight = datetime.combine(day, datetime.min.time(), tzinfo=ZoneInfo(zone_name))
        kwargs.setdefault("event__starts_at", midnight.astimezone(UTC))
        kwargs.setdefault("event__ends_at", (midnight + timedelta(days=2)).astimezone(UTC))
    session = B2BSessionFactory(**kwargs)
    for starts, ends in blocks:
        B2BBlock.objects.create(
            session=session,
            day=day,
            starts=time.fromisoformat(starts),
            ends=time.fromisoformat(ends),
        )
    generate_slots(session)
    session.refresh_from_db()
    return session
