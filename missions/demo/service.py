"""Loading the demo: upserts by natural key (slugs, usernames), validated like staff input,
in one transaction. A row is saved only when a value differs, so a second run on the same day
changes nothing; a run on a later day moves the dates of the same rows."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.db import models, transaction

from events import services as event_services
from events.models import Event
from events.timing import all_day_bounds, timed_bounds
from missions import services as mission_services
from missions.demo.data_events import CLOCK_CHANGE_EVENTS, STANDALONE_EVENTS
from missions.demo.data_missions import MISSIONS
from missions.demo.data_organisations import ACCOUNTS, DEMO_PASSWORD, ORGANISATIONS
from missions.demo.data_venues import VENUES
from missions.demo.specs import AccountSpec, EventSpec, MissionSpec, OrganisationSpec
from missions.models import Mission, Organisation, Person, Sector
from primi_site.timezones import local_midnight, local_to_utc, transitions, zone

DEMO_PREFIX = "demo-"
DEADLINE_ZONE = "Europe/Paris"  # staff set application deadlines in Marseille time
# A year, plus the week by which a "last Sunday of the month" rule drifts from year to year.
CLOCK_CHANGE_WINDOW = timedelta(days=372)


@dataclass(frozen=True)
class DemoCredential:
    username: str
    role: str
    language: str
    time_zone: str
    password: str


def demo_credentials() -> list[DemoCredential]:
    return [
        DemoCredential(a.username, a.role, a.language, a.time_zone, DEMO_PASSWORD) for a in ACCOUNTS
    ]


@dataclass(frozen=True)
class SeedSummary:
    today: date
    member_organisations: int
    partner_organisations: int
    missions: int
    events: int
    event_time_zones: int
    accounts: int
    created: int
    updated: int


@dataclass
class _Tally:
    """Rows created, and rows updated (a changed link counts for the row that holds it)."""

    created: set[tuple[str, int]] = field(default_factory=set)
    updated: set[tuple[str, int]] = field(default_factory=set)

    def mark(self, obj: models.Model, created: bool = False) -> None:
        key = (obj._meta.label, obj.pk)
        if created:
            self.created.add(key)
        elif key not in self.created:
            self.updated.add(key)


def seed_demo(today: date) -> SeedSummary:
    """Create or update the demo data, dated from `today`."""
    tally = _Tally()
    with transaction.atomic():
        sectors = _sectors()
        organisations = {
            spec.slug: _seed_organisation(spec, sectors, tally) for spec in ORGANISATIONS
        }
        for spec in MISSIONS:
            mission = _seed_mission(spec, today, organisations, tally)
            for event in spec.programme:
                day = mission.start_date + timedelta(days=event.day)
                _seed_event(event, f"{spec.slug}-{event.slug}", day, mission, tally)
        for event in STANDALONE_EVENTS:
            day = _off_weekend(today + timedelta(days=event.day))
            _seed_event(event, event.slug, day, None, tally)
        changes = {name: clock_change_days(name, today) for name in _zones(CLOCK_CHANGE_EVENTS)}
        for event in CLOCK_CHANGE_EVENTS:
            day = changes[event.zone].get(event.clock_change)
            if day is not None:  # a zone without daylight saving time any more
                _seed_event(event, event.slug, day, None, tally)
        for account in ACCOUNTS:
            _seed_account(account, organisations, tally)
    return _summary(today, tally)


def clock_change_days(zone_name: str, today: date) -> dict[str, date]:
    """The local days, from `today` on, of the zone's next "spring" and "autumn" changes."""
    tz = zone(zone_name)
    start = local_midnight(today, zone_name)
    days: dict[str, date] = {}
    for instant in transitions(zone_name, start, start + CLOCK_CHANGE_WINDOW):
        before = (instant - timedelta(hours=1)).astimezone(tz).utcoffset()
        after = instant.astimezone(tz).utcoffset()
        days.setdefault("spring" if after > before else "autumn", instant.astimezone(tz).date())
    return days


def _sectors() -> dict[str, Sector]:
    sectors = {sector.slug: sector for sector in Sector.objects.all()}
    missing = {slug for spec in ORGANISATIONS for slug in spec.sectors} - sectors.keys()
    if missing:
        raise LookupError(f"Sectors missing (see the migration 0002): {sorted(missing)}")
    return sectors


def _seed_organisation(
    spec: OrganisationSpec, sectors: dict[str, Sector], tally: _Tally
) -> Organisation:
    organisation = _upsert(
        Organisation,
        {"slug": spec.slug},
        {
            "name": spec.name,
            "kind": spec.kind,
            "country": spec.country,
            "city": spec.city,
            "department": spec.department,
            "website": spec.website,
            "description_fr": spec.description_fr,
            "description_en": spec.description_en,
        },
        tally,
    )
    _set_many(organisation.sectors, [sectors[slug] for slug in spec.sectors], tally)
    return organisation


def _seed_mission(
    spec: MissionSpec, today: date, organisations: dict[str, Organisation], tally: _Tally
) -> Mission:
    start = _next_monday(today + timedelta(days=spec.day))
    deadline_day = start - timedelta(weeks=spec.deadline_weeks)
    mission = _upsert(
        Mission,
        {"slug": spec.slug},
        {
            "direction": spec.direction,
            "status": spec.status,
            **_bilingual(spec, "title", "summary", "description", "eligibility"),
            "destination_city": spec.city,
            "destination_country": spec.country,
            "time_zone": spec.zone,
            "start_date": start,
            "end_date": start + timedelta(days=spec.days - 1),
            "capacity": spec.capacity,
            "application_deadline": local_to_utc(
                datetime.combine(deadline_day, time(12, 0)), DEADLINE_ZONE
            ),
            "fee_amount": spec.fee,
            "fee_currency": "EUR",
        },
        tally,
    )
    _set_many(mission.partners, [organisations[slug] for slug in spec.partners], tally)
    return mission


def _seed_event(
    spec: EventSpec, slug: str, day: date, mission: Mission | None, tally: _Tally
) -> Event:
    zone_name = mission.time_zone if mission else spec.zone
    venue = VENUES[spec.venue] if spec.venue else None
    timing = _timing(spec, day, zone_name)
    return _upsert(
        Event,
        {"slug": slug},
        {
            "kind": spec.kind,
            "status": spec.status,
            **_bilingual(spec, "title", "description"),
            "mission": mission,
            "time_zone": zone_name,
            **timing,
            "venue_name": venue.name if venue else "",
            "venue_address": venue.address if venue else "",
            "city": venue.city if venue else "",
            "country": venue.country if venue else "",
            "online_url": spec.online_url,
            "capacity": spec.capacity,
            "members_only": spec.members_only,
            "registration_opens_at": None,
            "registration_closes_at": timing["starts_at"] - timedelta(days=spec.closes_days_before),
        },
        tally,
    )


def _timing(spec: EventSpec, day: date, zone_name: str) -> dict[str, Any]:
    if spec.hours is None:
        last = day + timedelta(days=spec.days - 1)
        starts_at, ends_at = all_day_bounds(day, last, zone_name)
        return {"all_day": True, "starts_at": starts_at, "ends_at": ends_at,
                "start_date": day, "end_date": last}  # fmt: skip
    start, end = (datetime.combine(day, time.fromisoformat(hour)) for hour in spec.hours)
    starts_at, ends_at = timed_bounds(start, end, zone_name)
    return {"all_day": False, "starts_at": starts_at, "ends_at": ends_at,
            "start_date": None, "end_date": None}  # fmt: skip


def _seed_account(
    spec: AccountSpec, organisations: dict[str, Organisation], tally: _Tally
) -> Person:
    user = _upsert(
        get_user_model(),
        {"username": spec.username},
        {
            "email": spec.email,
            "first_name": "",
            "last_name": "",
            "is_active": True,
            "is_staff": spec.role == Person.Role.STAFF,
            "is_superuser": spec.role == Person.Role.STAFF,
        },
        tally,
        # Only at creation: hashing again would give a new salt, hence a new row.
        on_create=lambda new_user: new_user.set_password(DEMO_PASSWORD),
    )
    return _upsert(
        Person,
        {"user": user},
        {
            "organisation": organisations[spec.organisation] if spec.organisation else None,
            "role": spec.role,
            "job_title": spec.job_title,
            "language": spec.language,
            "time_zone": spec.time_zone,
            "languages_spoken": list(spec.languages_spoken),
        },
        tally,
    )


def _upsert(
    model: type[models.Model],
    lookup: dict[str, Any],
    values: dict[str, Any],
    tally: _Tally,
    on_create: Callable[[Any], None] | None = None,
) -> Any:
    """Find by natural key or create; validate and save only when something differs."""
    obj = model._default_manager.filter(**lookup).first()
    created = obj is None
    if created:
        obj = model(**lookup)
        if on_create:
            on_create(obj)
    changed = created or any(_differs(obj, name, value) for name, value in values.items())
    if changed:
        for name, value in values.items():
            setattr(obj, name, value)
        obj.full_clean()
        _save(obj)
        tally.mark(obj, created)
    return obj


def _save(obj: models.Model) -> None:
    """Events and missions go through their services (calendar SEQUENCE, feed version)."""
    if isinstance(obj, Event):
        event_services.save_event(obj)
    elif isinstance(obj, Mission):
        mission_services.save_mission(obj)
    else:
        obj.save()


def _differs(obj: models.Model, name: str, value: Any) -> bool:
    field = obj._meta.get_field(name)
    if field.is_relation:  # compare keys, without loading the related row
        return getattr(obj, field.attname) != (value.pk if value is not None else None)
    return getattr(obj, name) != value


def _set_many(manager: Any, wanted: Iterable[models.Model], tally: _Tally) -> None:
    wanted_pks = {obj.pk for obj in wanted}
    if set(manager.values_list("pk", flat=True)) != wanted_pks:
        manager.set(wanted_pks)
        tally.mark(manager.instance)


def _bilingual(spec: object, *fields: str) -> dict[str, str]:
    return {
        f"{field}_{language}": getattr(spec, f"{field}_{language}")
        for field in fields
        for language in ("fr", "en")
    }


def _zones(specs: Iterable[EventSpec]) -> list[str]:
    return sorted({spec.zone for spec in specs})


def _next_monday(day: date) -> date:
    return day + timedelta(days=-day.weekday() % 7)


def _off_weekend(day: date) -> date:
    return day + timedelta(days=7 - day.weekday()) if day.weekday() >= 5 else day


def _summary(today: date, tally: _Tally) -> SeedSummary:
    organisations = Organisation.objects.filter(slug__startswith=DEMO_PREFIX)
    events = Event.objects.filter(slug__startswith=DEMO_PREFIX)
    return SeedSummary(
        today=today,
        member_organisations=organisations.filter(kind=Organisation.Kind.MEMBER).count(),
        partner_organisations=organisations.exclude(kind=Organisation.Kind.MEMBER).count(),
        missions=Mission.objects.filter(slug__startswith=DEMO_PREFIX).count(),
        events=events.count(),
        event_time_zones=events.values("time_zone").distinct().count(),
        accounts=get_user_model().objects.filter(username__startswith=DEMO_PREFIX).count(),
        created=len(tally.created),
        updated=len(tally.updated),
    )
