from datetime import date, datetime, time, timedelta
from decimal import Decimal
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from events.models import Event
from events.timing import timed_bounds
from missions.demo import DEMO_PASSWORD, demo_credentials, seed_demo
from missions.demo.data_events import CLOCK_CHANGE_EVENTS
from missions.models import Mission, Organisation, Person, Sector

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 27)
CITIES_BY_DEPARTMENT = {
    "13": {"Marseille", "Aix-en-Provence", "Arles", "La Ciotat", "Aubagne"},
    "06": {"Nice", "Cannes", "Sophia Antipolis", "Valbonne", "Antibes", "Grasse"},
    "83": {"Toulon", "Hyères"},
    "84": {"Avignon"},
    "04": {"Digne-les-Bains", "Manosque"},
    "05": {"Gap", "Briançon"},
}
# A year and a week: a "last Sunday of March" can fall 371 days after the previous one.
HORIZON_DAYS = 372
CLOCK_CHANGE_SLUGS = {spec.slug for spec in CLOCK_CHANGE_EVENTS}


def snapshot() -> dict[str, list[dict]]:
    """Every row of every table, link tables and password hashes included."""
    return {
        model._meta.label: list(model._default_manager.order_by("pk").values())
        for model in apps.get_models(include_auto_created=True)
    }


def local_start(event: Event) -> datetime:
    return event.starts_at.astimezone(ZoneInfo(event.time_zone))


def clock_changes(zone_name: str, today: date) -> dict[str, date]:
    """Days whose local midnight and next local midnight have different UTC offsets."""
    tz = ZoneInfo(zone_name)
    found: dict[str, date] = {}
    for n in range(HORIZON_DAYS):
        day = today + timedelta(days=n)
        before = datetime.combine(day, time.min, tzinfo=tz).utcoffset()
        after = datetime.combine(day + timedelta(days=1), time.min, tzinfo=tz).utcoffset()
        if before != after:
            found.setdefault("spring" if after > before else "autumn", day)
    return found


def test_member_organisations_cover_the_departments_and_sectors():
    seed_demo(TODAY)

    members = list(Organisation.objects.filter(kind="member").prefetch_related("sectors"))
    assert len(members) >= 30
    assert {m.department for m in members} == set(CITIES_BY_DEPARTMENT)
    by_department = [m.department for m in members]
    assert by_department.count("13") >= 8 and by_department.count("06") >= 8
    for member in members:
        assert member.country == "FR"
        assert member.city in CITIES_BY_DEPARTMENT[member.department], member.slug
        assert 1 <= member.sectors.count() <= 3
        assert member.website == f"https://{member.slug}.example"
        assert member.slug.startswith("demo-")
    covered = {sector.slug for member in members for sector in member.sectors.all()}
    assert covered == set(Sector.objects.values_list("slug", flat=True))


def test_partner_organisations_are_abroad_in_belgium_canada_and_the_uk():
    seed_demo(TODAY)

    partners = Organisation.objects.exclude(kind="member")
    assert {p.country for p in partners} == {"BE", "CA", "GB"}
    assert {p.kind for p in partners} == {"cluster", "lab", "institution", "company"}
    assert {p.department for p in partners} == {""}
    assert {p.city for p in partners.filter(country="CA")} == {"Toronto", "Vancouver", "Montréal"}
    assert {p.city for p in partners.filter(country="BE")} == {"Brussels", "Liège"}
    assert partners.filter(name="Demo cultural institute — London", country="GB").exists()


def test_missions_go_to_their_destinations_in_their_zones():
    seed_demo(TODAY)

    missions = Mission.objects.all()
    shown = missions.filter(status__in=["published", "closed"])
    assert missions.count() >= 5 and shown.count() >= 5
    destinations = {(m.direction, m.destination_city, m.destination_country, m.time_zone)
                    for m in shown}  # fmt: skip
    assert destinations >= {
        ("outbound", "Brussels", "BE", "Europe/Brussels"),
        ("outbound", "Toronto", "CA", "America/Toronto"),
        ("outbound", "Vancouver", "CA", "America/Vancouver"),
        ("outbound", "London", "GB", "Europe/London"),
        ("inbound", "Marseille", "FR", "Europe/Paris"),
    }
    for mission in missions:
        mission.full_clean()
        assert mission.start_date > TODAY
        assert mission.application_deadline < mission.starts_at
        assert mission.partners.exists()
        assert not mission.partners.filter(kind="member").exists()
        assert mission.events.exists()


def test_toronto_mission_takes_twelve_companies_for_450_euros():
    seed_demo(TODAY)

    toronto = Mission.objects.get(destination_city="Toronto")
    assert toronto.capacity == 12
    assert (toronto.fee_amount, toronto.fee_currency) == (Decimal("450.00"), "EUR")
    assert toronto.start_date.weekday() == 0
    assert toronto.end_date - toronto.start_date == timedelta(days=4)
    assert toronto.starts_at - toronto.application_deadline > timedelta(weeks=5)
    assert set(toronto.partners.values_list("country", flat=True)) == {"CA"}


def test_events_are_valid_varied_and_in_five_zones():
    seed_demo(TODAY)

    events = list(Event.objects.all())
    assert len(events) >= 40
    assert {e.time_zone for e in events} >= {
        "Europe/Paris",
        "Europe/Brussels",
        "Europe/London",
        "America/Toronto",
        "America/Vancouver",
    }
    assert {e.kind for e in events} == set(Event.Kind.values)
    assert sum(e.status == "published" for e in events) >= 0.8 * len(events)
    assert any(e.all_day and e.kind == "festival" and e.end_date > e.start_date for e in events)
    online = [e for e in events if e.online_url]
    assert len(online) >= 2 and all(e.is_online and not e.venue_name for e in online)
    for event in events:
        event.full_clean()
        assert event.slug.startswith("demo-")
        assert event.online_url or (event.venue_name and event.venue_address and event.city)
        assert event.registration_closes_at and event.registration_closes_at < event.starts_at
    assert sum(e.capacity is not None for e in events) >= 0.9 * len(events)


def test_mission_events_lie_within_the_mission_days():
    seed_demo(TODAY)

    mission_events = Event.objects.filter(mission__isnull=False).select_related("mission")
    assert mission_events.count() >= 20
    for event in mission_events:
        mission = event.mission
        tz = ZoneInfo(mission.time_zone)
        assert event.time_zone == mission.time_zone
        first = event.starts_at.astimezone(tz).date()
        last = (event.ends_at - timedelta(microseconds=1)).astimezone(tz).date()
        assert mission.start_date <= first <= last <= mission.end_date, event.slug
    draft = Mission.objects.filter(status="draft")
    assert not Event.objects.filter(mission__in=draft, status="published").exists()


@pytest.mark.parametrize(
    "today",
    [TODAY, date(2027, 3, 28), date(2027, 6, 1), date(2029, 3, 26)],
    ids=["late-november", "on-a-change-day", "summer", "longest-gap-between-springs"],
)
def test_events_on_the_days_the_clocks_change(today):
    seed_demo(today)

    for zone_name in ("Europe/Paris", "America/Toronto", "America/Vancouver"):
        tz = ZoneInfo(zone_name)
        changes = clock_changes(zone_name, today)
        assert set(changes) == {"spring", "autumn"}
        for direction, day in changes.items():
            on_that_day = [
                e for e in Event.objects.filter(time_zone=zone_name, all_day=False)
                if local_start(e).date() == day
            ]  # fmt: skip
            assert on_that_day, (zone_name, direction, day)
            for event in on_that_day:
                assert local_start(event).time() == time(10, 0)
                assert event.ends_at.astimezone(tz).time() == time(12, 0)
                assert event.ends_at - event.starts_at == timedelta(hours=2)
                expected = timed_bounds(
                    datetime.combine(day, time(10)), datetime.combine(day, time(12)), zone_name
                )
                assert (event.starts_at, event.ends_at) == expected
            midday = datetime.combine(day, time(12), tzinfo=tz).utcoffset()
            midnight = datetime.combine(day, time.min, tzinfo=tz).utcoffset()
            assert (midday > midnight) == (direction == "spring")


@pytest.mark.parametrize("today", [TODAY, date(2027, 3, 28), date(2027, 8, 31)])
def test_every_date_lies_in_the_coming_thirteen_months(today):
    seed_demo(today)

    horizon = today + timedelta(days=396)
    for event in Event.objects.all():
        tz = ZoneInfo(event.time_zone)
        assert event.starts_at.astimezone(tz).date() >= today, event.slug
        assert event.ends_at.astimezone(tz).date() <= horizon, event.slug
    for mission in Mission.objects.all():
        assert today < mission.start_date <= mission.end_date <= horizon


def test_dates_follow_the_day_the_demo_is_loaded():
    seed_demo(TODAY)
    before = {e.slug: local_start(e) for e in Event.objects.all()}
    missions_before = dict(Mission.objects.values_list("slug", "start_date"))

    seed_demo(TODAY + timedelta(weeks=1))

    after = {e.slug: local_start(e) for e in Event.objects.all()}
    assert after.keys() == before.keys()
    for slug in before.keys() - CLOCK_CHANGE_SLUGS:
        assert after[slug].date() - before[slug].date() == timedelta(weeks=1), slug
        assert after[slug].time() == before[slug].time()
    first = min(before, key=before.get)
    assert min(after, key=after.get) == first
    for slug, start in Mission.objects.values_list("slug", "start_date"):
        assert start - missions_before[slug] == timedelta(weeks=1)


def test_a_second_run_changes_nothing():
    out = StringIO()
    call_command("seed_demo", today=TODAY.isoformat(), stdout=out)
    first = snapshot()

    summary = seed_demo(TODAY)

    assert snapshot() == first
    assert (summary.created, summary.updated) == (0, 0)
    assert first["events.Event"] and first["missions.Mission_partners"]
    assert first["missions.Organisation_sectors"] and first["auth.User"]


def test_command_prints_the_counts_and_the_credentials():
    out = StringIO()
    call_command("seed_demo", today=TODAY, stdout=out)

    text = out.getvalue()
    assert f"Demo data dated from {TODAY.isoformat()}" in text
    assert "Member organisations   32" in text
    assert f"Events                 {Event.objects.count()}" in text
    for credential in demo_credentials():
        assert credential.username in text
    assert text.count(DEMO_PASSWORD) == len(demo_credentials())


def test_command_refuses_a_malformed_day():
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("seed_demo", today="27/11/2026", stdout=StringIO())


def test_bilingual_fields_are_filled_in_both_languages():
    seed_demo(TODAY)

    checks = [
        (Mission, ("title", "summary", "description", "eligibility")),
        (Event, ("title", "description")),
        (Organisation, ("description",)),
    ]
    for model, fields in checks:
        for obj in model.objects.all():
            for field in fields:
                french, english = getattr(obj, f"{field}_fr"), getattr(obj, f"{field}_en")
                assert french.strip() and english.strip(), (obj.slug, field)
                assert french != english, (obj.slug, field)
    french_text = " ".join(Mission.objects.values_list("description_fr", flat=True))
    assert all(letter in french_text for letter in "éèàç")


def test_no_personal_names_only_demo_labels():
    seed_demo(TODAY)

    for organisation in Organisation.objects.all():
        assert organisation.name.startswith("Demo "), organisation.name
        assert "démonstration" in organisation.description_fr
        assert "demo" in organisation.description_en
    for user in get_user_model().objects.all():
        assert user.username.startswith("demo-")
        assert (user.first_name, user.last_name) == ("", "")
        assert user.email == f"{user.username}@demo.primi.example"
        assert user.person.job_title.startswith("Demo ")


def test_accounts_have_their_roles_organisations_and_password():
    seed_demo(TODAY)

    people = Person.objects.select_related("user", "organisation")
    staff = people.get(user__username="demo-staff")
    assert staff.role == "staff" and staff.user.is_staff and staff.user.is_superuser
    members = people.filter(role="member")
    delegates = people.filter(role="delegate")
    assert members.count() >= 4 and delegates.count() >= 4
    for member in members:
        assert member.organisation.kind == "member"
        assert member.time_zone == "Europe/Paris"
        assert not member.user.is_staff
    assert sum(m.language == "fr" for m in members) > members.count() / 2
    for delegate in delegates:
        assert delegate.organisation.kind != "member"
        assert delegate.organisation.country != "FR"
        assert not delegate.user.is_staff
    assert {d.time_zone for d in delegates} == {
        "America/Toronto",
        "America/Vancouver",
        "Europe/London",
        "Europe/Brussels",
    }
    credentials = {(c.username, c.role, c.language, c.time_zone) for c in demo_credentials()}
    assert credentials == {(p.user.username, p.role, p.language, p.time_zone) for p in people}
    assert all(p.user.check_password(DEMO_PASSWORD) for p in people)


def test_a_password_changed_after_seeding_is_kept():
    seed_demo(TODAY)
    user = get_user_model().objects.get(username="demo-member-games-nice")
    user.set_password("changed-by-the-demo-visitor")
    user.save()

    seed_demo(TODAY)

    user.refresh_from_db()
    assert user.check_password("changed-by-the-demo-visitor")
