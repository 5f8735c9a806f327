"""The shapes of the demo tables, read by the seeding service."""

from dataclasses import dataclass
from decimal import Decimal

DEMO_NOTE_FR = "Organisation fictive, créée pour la démonstration."
DEMO_NOTE_EN = "Fictitious organisation, created for the demo."


@dataclass(frozen=True)
class OrganisationSpec:
    slug: str
    name: str
    kind: str
    country: str
    city: str
    department: str
    sectors: tuple[str, ...]
    description_fr: str
    description_en: str

    @property
    def website(self) -> str:
        return f"https://{self.slug}.example"


@dataclass(frozen=True)
class Venue:
    name: str
    address: str
    city: str
    country: str


@dataclass(frozen=True)
class EventSpec:
    """An event; its day counts from today, or from the first day of its mission.

    A mission's programme gives only the end of the slug (the mission's slug comes
    first) and happens in the mission's zone. `clock_change` ("spring" or
    "autumn") places the event on the local day the zone's clocks next change,
    instead of `day`.
    """

    slug: str
    kind: str
    title_fr: str
    title_en: str
    description_fr: str
    description_en: str
    day: int = 0
    hours: tuple[str, str] | None = None  # local start and end, "HH:MM"; None: all day
    days: int = 1  # all-day events only
    venue: str = ""  # a key of VENUES; empty for an online event
    online_url: str = ""
    zone: str = "Europe/Paris"
    capacity: int | None = None
    members_only: bool = False
    status: str = "published"
    closes_days_before: int = 2
    clock_change: str = ""


@dataclass(frozen=True)
class MissionSpec:
    slug: str
    direction: str
    status: str
    title_fr: str
    title_en: str
    summary_fr: str
    summary_en: str
    description_fr: str
    description_en: str
    eligibility_fr: str
    eligibility_en: str
    city: str
    country: str
    zone: str
    day: int  # the mission starts on the first Monday at least this many days after today
    days: int
    capacity: int | None
    fee: Decimal | None
    deadline_weeks: int  # applications close at noon, Paris time, this many weeks before
    partners: tuple[str, ...]
    programme: tuple[EventSpec, ...]


@dataclass(frozen=True)
class AccountSpec:
    username: str
    role: str
    organisation: str  # slug, or empty
    language: str
    time_zone: str
    job_title: str
    languages_spoken: tuple[str, ...]

    @property
    def email(self) -> str:
        return f"{self.username}@demo.primi.example"
