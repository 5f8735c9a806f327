"""Schemas of the registrations API (docs/api.md): explicit fields, strict inputs."""

from datetime import datetime
from typing import Literal

from ninja import Schema
from pydantic import ConfigDict, Field

from missions.schemas import Slug
from primi_site.api_language import LANG_DESCRIPTION
from primi_site.api_pagination import PageOut
from primi_site.schemas import InSchema, ObjectId, Text
from primi_site.text_limits import APPLICATION_ANSWER, REASON

StateName = Literal["applied", "offered", "confirmed", "waitlisted", "rejected", "cancelled"]
DecisionName = Literal["accept", "reject", "waitlist"]


class RegistrationIn(InSchema):
    event: Slug = Field(description="The event's slug.", examples=["sound-workshop"])

    model_config = ConfigDict(json_schema_extra={"examples": [{"event": "sound-workshop"}]})


def _answers_required(schema: dict) -> None:
    """Say in the document what the service checks: each answer holds at least one
    character that is not a space (else 422 `incomplete_application`, naming them)."""
    for name in ("company_pitch", "trip_goals", "target_markets"):
        schema["properties"][name]["allOf"] = [{"pattern": r"\S"}]


class ApplicationIn(InSchema):
    mission: Slug = Field(description="The mission's slug.", examples=["toronto-2027"])
    company_pitch: Text = Field(max_length=APPLICATION_ANSWER)
    trip_goals: Text = Field(max_length=APPLICATION_ANSWER)
    target_markets: Text = Field(max_length=300)

    model_config = ConfigDict(
        json_schema_extra=lambda schema: (
            _answers_required(schema)
            or schema.update(
                examples=[
                    {
                        "mission": "toronto-2027",
                        "company_pitch": "Demo studio: 2D animation for children's series.",
                        "trip_goals": "Meet co-producers and distributors.",
                        "target_markets": "Canada, USA",
                    }
                ]
            )
        ),
    )


class TargetOut(Schema):
    kind: Literal["event", "mission"]
    slug: str
    title: str
    title_lang: str
    starts_at: datetime
    time_zone: str


class RegistrationOut(Schema):
    id: int
    target: TargetOut
    state: StateName
    state_label: str
    waitlist_position: int | None = Field(
        description="1 for the first waiting; null if not waiting, or held back by a quota."
    )
    waitlist_quota: Literal["organisation", "department"] | None = Field(
        None,
        description=(
            "Waiting for a seat of this quota of the mission, which is full for now (the "
            "organisation's seats, or the department's): the next seat freed is not theirs, "
            "so there is no position."
        ),
    )
    offer_expires_at: datetime | None
    decision_reason: str
    created_at: datetime
    updated_at: datetime

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": 12,
                    "target": {
                        "kind": "event",
                        "slug": "sound-workshop",
                        "title": "Sound workshop",
                        "title_lang": "en",
                        "starts_at": "2027-03-29T08:00:00Z",
                        "time_zone": "Europe/Paris",
                    },
                    "state": "waitlisted",
                    "state_label": "Waitlisted",
                    "waitlist_position": 2,
                    "waitlist_quota": None,
                    "offer_expires_at": None,
                    "decision_reason": "",
                    "created_at": "2027-01-10T09:30:00Z",
                    "updated_at": "2027-01-10T09:30:00Z",
                }
            ]
        }
    )


class RegistrationPageOut(PageOut):
    items: list[RegistrationOut]


class PersonRefOut(Schema):
    id: int
    name: str
    email: str
    organisation: str | None
    department: str | None


class ReviewedRegistrationOut(RegistrationOut):
    person: PersonRefOut
    company_pitch: str
    trip_goals: str
    target_markets: str


class ReviewPageOut(PageOut):
    items: list[ReviewedRegistrationOut]


class ReviewQuery(Schema):
    model_config = ConfigDict(extra="forbid")

    event: Slug | None = None
    mission: Slug | None = None
    state: list[StateName] = Field(default_factory=list, description="Repeatable.")
    department: Literal["04", "05", "06", "13", "83", "84"] | None = None
    organisation: ObjectId | None = None
    lang: Literal["fr", "en"] | None = Field(None, description=LANG_DESCRIPTION)


def _reason_required_to_reject(schema: dict) -> None:
    """Say in the document what the service checks: rejecting needs a reason with at
    least one character that is not a space."""
    schema.setdefault("allOf", []).append(
        {
            "if": {"properties": {"decision": {"const": "reject"}}, "required": ["decision"]},
            "then": {"properties": {"reason": {"pattern": r"\S"}}, "required": ["reason"]},
        }
    )


class DecisionIn(InSchema):
    decision: DecisionName
    reason: Text = Field("", max_length=REASON, description="Required to reject.")

    model_config = ConfigDict(
        json_schema_extra=lambda schema: (
            _reason_required_to_reject(schema),
            schema.update(examples=[{"decision": "reject", "reason": "Seats are taken."}]),
        )
    )


class BulkDecisionIn(DecisionIn):
    registrations: list[ObjectId] = Field(min_length=1, max_length=200)

    model_config = ConfigDict(
        json_schema_extra=lambda schema: (
            _reason_required_to_reject(schema),
            schema.update(examples=[{"registrations": [12, 13], "decision": "accept"}]),
        )
    )


class OutcomeOut(Schema):
    registration: int
    ok: bool
    code: str | None
    message: str | None


class BulkDecisionOut(Schema):
    outcomes: list[OutcomeOut]
