"""Input and output schemas of the events API, with explicit fields."""

from datetime import date, datetime
from typing import Literal

from ninja import Schema
from pydantic import ConfigDict, Field

from events.models import Event
from missions.schemas import CountryCode, MissionRefOut, Slug
from primi_site.api_language import LANG_DESCRIPTION
from primi_site.api_pagination import PageOut
from primi_site.schemas import InSchema, Text

Kind = Literal[tuple(Event.Kind.values)]  # type: ignore[valid-type]


class EventQuery(Schema):
    model_config = ConfigDict(extra="forbid")

    kind: list[Kind] = Field(  # type: ignore[valid-type]
        default_factory=list, max_length=10, description="The kind's slug; repeatable."
    )
    country: list[CountryCode] = Field(
        default_factory=list,
        max_length=20,
        description="ISO 3166-1 alpha-2 country of the venue; repeatable.",
    )
    mission: list[Slug] = Field(
        default_factory=list, max_length=20, description="A mission's slug; repeatable."
    )
    month: str | None = Field(
        None,
        pattern=r"^(19|20)\d\d-(0[1-9]|1[0-2])$",
        description="YYYY-MM: events on that month's days, in the viewer's zone.",
        examples=["2027-03"],
    )
    q: Text | None = Field(None, min_length=1, max_length=100, description="Words to find.")
    lang: Literal["fr", "en"] | None = Field(None, description=LANG_DESCRIPTION)


EVENT_EXAMPLE = {
    "slug": "annecy-2027-mifa",
    "kind": "market",
    "kind_label": "Market",
    "status": "published",
    "title": "MIFA at Annecy",
    "title_lang": "en",
    "mission": {"slug": "annecy-2027", "title": "Annecy 2027", "title_lang": "en"},
    "time_zone": "Europe/Paris",
    "all_day": True,
    "starts_at": "2027-06-14T22:00:00Z",
    "ends_at": "2027-06-17T22:00:00Z",
    "start_date": "2027-06-15",
    "end_date": "2027-06-17",
    "city": "Annecy",
    "country": "FR",
    "is_online": False,
    "url": "https://international.primi.example/en/events/annecy-2027-mifa/",
}


class EventSummaryOut(Schema):
    model_config = ConfigDict(json_schema_extra={"examples": [EVENT_EXAMPLE]})

    slug: str
    kind: str
    kind_label: str = Field(description="The kind, in the answer's language.")
    status: str = Field(description="published or cancelled.")
    title: str
    title_lang: str = Field(description="Language of `title` (the other one when missing).")
    mission: MissionRefOut | None
    time_zone: str = Field(description="IANA zone where it happens.")
    all_day: bool
    starts_at: datetime = Field(description="UTC.")
    ends_at: datetime = Field(description="UTC.")
    start_date: date | None = Field(description="First local day of an all-day event.")
    end_date: date | None = Field(description="Last local day (inclusive) of an all-day event.")
    city: str
    country: str
    is_online: bool
    url: str = Field(description="The event's page, in the answer's language.")


class EventOut(EventSummaryOut):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    **EVENT_EXAMPLE,
                    "description": "The animation market of the Annecy festival.",
                    "description_lang": "en",
                    "venue_name": "Impérial Palace",
                    "venue_address": "Allée de l'Impérial, Annecy",
                    "online_url": "",
                    "capacity": None,
                    "members_only": False,
                    "registration_opens_at": None,
                    "registration_closes_at": None,
                    "updated_at": "2027-01-10T09:30:00Z",
                }
            ]
        }
    )

    description: str
    description_lang: str
    venue_name: str
    venue_address: str
    online_url: str
    capacity: int | None
    members_only: bool
    registration_opens_at: datetime | None
    registration_closes_at: datetime | None
    updated_at: datetime


class EventPageOut(PageOut):
    items: list[EventSummaryOut]


class FeedTokenIn(InSchema):
    name: Text = Field(
        min_length=1, max_length=80, description="Where it is used: “Phone”, “Laptop”."
    )

    model_config = ConfigDict(json_schema_extra={"examples": [{"name": "Phone"}]})


class FeedTokenOut(Schema):
    id: int
    name: str
    created_at: datetime
    rotated_at: datetime | None
    last_used_at: datetime | None


class FeedTokenCreatedOut(FeedTokenOut):
    feed_url: str = Field(description="The private feed's address, shown this once.")
    webcal_url: str


class FeedTokenListOut(Schema):
    items: list[FeedTokenOut]
