"""Input and output schemas of the missions API, with explicit fields."""

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from ninja import Schema
from pydantic import ConfigDict, Field, StringConstraints

from missions.models import Mission
from primi_site.api_language import LANG_DESCRIPTION
from primi_site.api_pagination import PageOut
from primi_site.schemas import Text

Direction = Literal[tuple(Mission.Direction.values)]  # type: ignore[valid-type]
CountryCode = Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")]
Slug = Annotated[str, StringConstraints(pattern=r"^[-a-zA-Z0-9_]+$", max_length=120)]


class MissionRefOut(Schema):
    slug: str
    title: str
    title_lang: str = Field(description="Language of `title` (the other one when missing).")


class MissionQuery(Schema):
    model_config = ConfigDict(extra="forbid")

    direction: list[Direction] = Field(  # type: ignore[valid-type]
        default_factory=list, max_length=2, description="outbound or inbound; repeatable."
    )
    country: list[CountryCode] = Field(
        default_factory=list,
        max_length=20,
        description="Destination country, ISO 3166-1 alpha-2; repeatable.",
    )
    q: Text | None = Field(None, min_length=1, max_length=100, description="Words to find.")
    lang: Literal["fr", "en"] | None = Field(None, description=LANG_DESCRIPTION)


class MissionSummaryOut(Schema):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "slug": "toronto-2027",
                    "direction": "outbound",
                    "direction_label": "Trade mission abroad",
                    "status": "published",
                    "title": "Mission to Toronto",
                    "title_lang": "en",
                    "summary": "Meet the animation studios of Toronto.",
                    "summary_lang": "en",
                    "destination_city": "Toronto",
                    "destination_country": "CA",
                    "time_zone": "America/Toronto",
                    "start_date": "2027-03-08",
                    "end_date": "2027-03-12",
                    "capacity": 12,
                    "application_deadline": "2027-01-15T17:00:00Z",
                    "url": "https://international.primi.example/en/missions/toronto-2027/",
                }
            ]
        }
    )

    slug: str
    direction: str
    direction_label: str
    status: str
    title: str
    title_lang: str
    summary: str
    summary_lang: str
    destination_city: str
    destination_country: str
    time_zone: str = Field(description="IANA zone of the destination.")
    start_date: date
    end_date: date
    capacity: int | None
    application_deadline: datetime | None
    url: str = Field(description="The mission's page, in the answer's language.")


class PartnerOut(Schema):
    name: str
    slug: str
    kind: str
    country: str
    city: str
    website: str


class MissionEventOut(Schema):
    slug: str
    kind: str
    status: str
    title: str
    title_lang: str
    time_zone: str
    all_day: bool
    starts_at: datetime
    ends_at: datetime
    city: str
    country: str


class MissionOut(MissionSummaryOut):
    description: str
    description_lang: str
    eligibility: str
    eligibility_lang: str
    fee_amount: Decimal | None
    fee_currency: str
    partners: list[PartnerOut]
    programme: list[MissionEventOut]
    updated_at: datetime


class MissionPageOut(PageOut):
    items: list[MissionSummaryOut]
