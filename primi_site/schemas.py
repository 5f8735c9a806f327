"""Schemas of the site-wide API: who am I, personal tokens, webhooks (staff).

Input schemas subclass `InSchema`: unknown fields are refused (422), not ignored.
"""

from datetime import date, datetime
from typing import Annotated, Literal
from uuid import UUID

from ninja import Schema
from pydantic import ConfigDict, Field, StringConstraints

from primi_site.api_pagination import PageOut
from primi_site.models import WebhookEvent

TOKEN_MAX_DAYS = 730


class InSchema(Schema):
    """Base of every input body: unknown fields are an error, and types are strict
    (JSON `0` is not `false`, `"1"` is not `1`). Declare a date or time field as
    `LaxDatetime` / `LaxDate` so that its ISO 8601 string is parsed."""

    model_config = ConfigDict(extra="forbid", strict=True)


Text = Annotated[str, StringConstraints(pattern=r"^[^\x00]*$")]
"""Free text of an input: anything but the NUL character, which databases refuse."""

MAX_ID = 2**63 - 1
ObjectId = Annotated[int, Field(ge=1, le=MAX_ID)]
"""The type of every id in a path or a query: a database's 64-bit key, never larger."""

LaxDatetime = Annotated[datetime, Field(strict=False)]
LaxDate = Annotated[date, Field(strict=False)]


class OrganisationRefOut(Schema):
    name: str
    slug: str
    kind: str
    country: str


class MeOut(Schema):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "username": "demo-member-marseille",
                    "display_name": "Demo member, animation studio, Marseille",
                    "email": "member@example.org",
                    "role": "member",
                    "is_staff": False,
                    "language": "fr",
                    "time_zone": "Europe/Paris",
                    "organisation": {
                        "name": "Demo animation studio",
                        "slug": "demo-animation-studio",
                        "kind": "member",
                        "country": "FR",
                    },
                    "authenticated_with": "token",
                    "token_scope": "read",
                }
            ]
        }
    )

    username: str
    display_name: str
    email: str
    role: Literal["member", "delegate", "staff"] | None = Field(
        description="null for an account without a profile."
    )
    is_staff: bool = Field(description="May use the staff-only endpoints.")
    language: Literal["fr", "en"]
    time_zone: str = Field(description="IANA zone in which times are shown to this person.")
    organisation: OrganisationRefOut | None
    authenticated_with: Literal["session", "token"]
    token_scope: Literal["read", "write"] | None


class TokenIn(InSchema):
    model_config = ConfigDict(
        extra="forbid",
        strict=True,
        json_schema_extra={
            "examples": [{"name": "Partner CRM sync", "scope": "read", "expires_in_days": 90}]
        },
    )

    name: Text = Field(min_length=1, max_length=100, description="What it is for.")
    scope: Literal["read", "write"] = Field(
        description="read: GET only; write: every method the account may use."
    )
    expires_in_days: int | None = Field(
        None, ge=1, le=TOKEN_MAX_DAYS, description="Days of validity; default 365."
    )


class TokenOut(Schema):
    id: int
    name: str
    prefix: str = Field(description="The token's first characters, to recognise it.")
    scope: Literal["read", "write"]
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None


class TokenCreatedOut(TokenOut):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": 7,
                    "name": "Partner CRM sync",
                    "prefix": "primi_Xq3v9b",
                    "scope": "read",
                    "created_at": "2027-01-10T09:30:00Z",
                    "expires_at": "2027-04-10T09:30:00Z",
                    "last_used_at": None,
                    "token": "primi_Xq3v9b…(43 characters after primi_)",
                }
            ]
        }
    )

    token: str = Field(description="The token itself: shown this once, never again.")


class TokenListOut(Schema):
    items: list[TokenOut]


WebhookEventName = Literal[tuple(WebhookEvent.values)]  # type: ignore[valid-type]


class WebhookEndpointIn(InSchema):
    model_config = ConfigDict(
        extra="forbid",
        strict=True,
        json_schema_extra={
            "examples": [
                {
                    "url": "https://crm.partner.example/primi/webhooks",
                    "description": "Canadian partner cluster's CRM",
                    "event_types": ["registration.created", "meeting.created"],
                    "is_active": True,
                }
            ]
        },
    )

    url: str = Field(
        min_length=12,
        max_length=500,
        pattern=r"^https://[A-Za-z0-9.-]+(:[0-9]{1,5})?(/[A-Za-z0-9._~!$&'()*+,;=:@%/-]*)?$",
        description="An HTTPS address.",
    )
    description: Text = Field("", max_length=200)
    event_types: list[WebhookEventName] = Field(  # type: ignore[valid-type]
        min_length=1, max_length=len(WebhookEvent.values)
    )
    is_active: bool = True


class WebhookEndpointOut(Schema):
    id: int
    url: str
    description: str
    event_types: list[str]
    is_active: bool
    created_at: datetime


class WebhookEndpointCreatedOut(WebhookEndpointOut):
    secret: str = Field(description="Signing secret, shown once here (staff see it in the admin).")


class WebhookEndpointPageOut(PageOut):
    items: list[WebhookEndpointOut]


class WebhookDeliveryOut(Schema):
    id: int
    endpoint_id: int
    event_id: UUID = Field(description="The same for every delivery and replay of one event.")
    event_type: str
    status: Literal["pending", "succeeded", "failed"]
    attempts: int
    response_status: int | None
    last_error: str
    next_attempt_at: datetime | None
    created_at: datetime
    delivered_at: datetime | None
    replay_of_id: int | None


class WebhookDeliveryPageOut(PageOut):
    items: list[WebhookDeliveryOut]


class DeliveryQuery(Schema):
    model_config = ConfigDict(extra="forbid")

    endpoint: int | None = Field(
        None, ge=1, le=MAX_ID, description="Only this endpoint's deliveries."
    )
    status: Literal["pending", "succeeded", "failed"] | None = None
