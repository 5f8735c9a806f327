"""In and Out schemas of the participants' B2B API, with explicit field lists (docs/api.md);
the staff's are in `staff_schemas`.

Inputs subclass `InSchema` (unknown fields refused, strict types); free text is
`Text`, ids are `ObjectId`.
"""

from datetime import datetime
from typing import Literal

from django.urls import reverse
from ninja import Field, Schema
from pydantic import ConfigDict

from bookings.b2b.permissions import participant_of
from bookings.b2b.queries.sessions import unavailable_indexes
from primi_site.api_pagination import PageOut
from primi_site.schemas import InSchema, ObjectId, Text
from primi_site.text_limits import MESSAGE, NOTE, PROFILE_TEXT
from primi_site.timezones import zone


class SessionOut(Schema):
    """Read from a `B2BSession` (its event's slug, title and zone); `me` is set by the
    endpoint for the caller."""

    id: int
    slug: str = Field(alias="event.slug")
    title: str
    status: str
    time_zone: str = Field(alias="event.time_zone")
    slot_minutes: int
    pause_minutes: int
    tables: int
    online: bool = Field(alias="allows_online")
    pairing: str
    direct_booking: bool
    max_requests_sent: int | None
    max_meetings: int | None
    directory_open: bool
    me: int | None = Field(None, description="Your participant id in this session, if any.")

    @staticmethod
    def resolve_title(session) -> str:
        return str(session.event)

    @staticmethod
    def resolve_me(session, context) -> int | None:
        me = participant_of(session, context["request"].user)
        return me.pk if me else None


class SlotOut(Schema):
    """Read from a `Slot` whose session and event are loaded (`queries_b2b.slots`)."""

    index: int
    starts_at: datetime
    ends_at: datetime
    local_start: str = Field(description="Start in the event's zone, ISO 8601 with offset.")

    @staticmethod
    def resolve_local_start(slot) -> str:
        return slot.starts_at.astimezone(zone(slot.session.event.time_zone)).isoformat()


class ParticipantOut(Schema):
    """Read from a `B2BParticipant` whose sectors are prefetched."""

    id: int
    organisation: str = Field(alias="organisation_name")
    side: str
    country: str
    department: str
    sectors: list[str]
    offer_fr: str
    offer_en: str
    need_fr: str
    need_en: str
    languages: list[str]
    mode: str
    logo_url: str | None

    @staticmethod
    def resolve_sectors(participant) -> list[str]:
        return [sector.slug for sector in participant.sectors.all()]

    @staticmethod
    def resolve_languages(participant) -> list[str]:
        return list(participant.languages)

    @staticmethod
    def resolve_logo_url(participant) -> str | None:
        return reverse("b2b_logo", args=[participant.pk]) if participant.logo else None


class MyProfileOut(ParticipantOut):
    status: str
    review_note: str
    unavailable: list[int]
    directory_consent_at: datetime | None = Field(
        description="When you agreed to appear in the directory; null: not listed."
    )

    @staticmethod
    def resolve_unavailable(participant) -> list[int]:
        return sorted(unavailable_indexes(participant))


class ProfileIn(InSchema):
    organisation: Text | None = Field(None, min_length=1, max_length=200)
    country: Text | None = Field(None, max_length=2)
    sectors: list[Text] | None = Field(None, max_length=50)
    offer_fr: Text | None = Field(None, max_length=PROFILE_TEXT)
    offer_en: Text | None = Field(None, max_length=PROFILE_TEXT)
    need_fr: Text | None = Field(None, max_length=PROFILE_TEXT)
    need_en: Text | None = Field(None, max_length=PROFILE_TEXT)
    languages: list[Text] | None = Field(None, max_length=20)
    mode: Literal["in-person", "online", "both"] | None = None
    directory_consent: bool | None = Field(
        None,
        description=(
            "true: you agree that your profile appears in the session's directory (the time "
            "is recorded; required before `submit`); false: you withdraw it."
        ),
    )
    submit: bool = False

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"offer_en": "2D animation series", "directory_consent": True, "submit": True}
            ]
        }
    )


class UnavailableIn(InSchema):
    slots: list[ObjectId] = Field(max_length=2000)

    model_config = ConfigDict(json_schema_extra={"examples": [{"slots": [1, 2]}]})


class UnavailableOut(Schema):
    slots: list[int]


class RequestIn(InSchema):
    recipient: ObjectId = Field(description="The participant id of the person asked.")
    message: Text = Field("", max_length=MESSAGE)

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"recipient": 12, "message": "Co-production?"}]}
    )


class AnswerIn(InSchema):
    answer: Text = Field("", max_length=MESSAGE)


class RequestOut(Schema):
    """Read from a `MeetingRequest` whose two sides are loaded."""

    id: int
    sender: int = Field(alias="sender_id")
    sender_organisation: str = Field(alias="sender.organisation_name")
    recipient: int = Field(alias="recipient_id")
    recipient_organisation: str = Field(alias="recipient.organisation_name")
    state: str
    message: str
    answer: str
    created_at: datetime
    answered_at: datetime | None


class RequestsOut(Schema):
    received: list[RequestOut]
    sent: list[RequestOut]


class BookIn(InSchema):
    participant: ObjectId = Field(description="The other side's participant id.")
    slot: ObjectId = Field(description="Slot number (index) in the session.")
    online: bool = False

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"participant": 12, "slot": 3, "online": False}]}
    )


class MoveIn(InSchema):
    slot: ObjectId
    online: bool | None = None


class CancelIn(InSchema):
    reason: Text = Field("", max_length=300)


class ReportIn(InSchema):
    took_place: bool
    outcome: Literal["none", "lead", "partnership", "contract", "follow-up"] = "none"
    note: Text = Field("", max_length=NOTE)


class ReportOut(Schema):
    took_place: bool
    outcome: str
    note: str


def _own_side(meeting, context):
    """The caller's side of a meeting (the personal routes only show one's own)."""
    user_id = context["request"].user.pk
    a = meeting.participant_a
    return a if a.person.user_id == user_id else meeting.participant_b


class MeetingOut(Schema):
    """Read from a `Meeting` as the caller, one of its sides, sees it: the other side and
    one's own report (`queries_b2b.meetings_with_sides`, reports prefetched)."""

    id: int
    state: str
    slot: SlotOut
    table: int | None
    online: bool
    video_url: str
    sequence: int
    with_participant: ParticipantOut
    my_report: ReportOut | None

    @staticmethod
    def resolve_table(meeting) -> int | None:
        return meeting.table.number if meeting.table_id else None

    @staticmethod
    def resolve_with_participant(meeting, context):
        return meeting.other(_own_side(meeting, context))

    @staticmethod
    def resolve_my_report(meeting, context):
        mine = _own_side(meeting, context)
        return next((r for r in meeting.reports.all() if r.participant_id == mine.pk), None)


class DirectoryQuery(Schema):
    model_config = ConfigDict(extra="forbid")

    q: str = Field("", max_length=100, pattern=r"^[^\x00]*$")
    within: Literal["all", "offer", "need"] = "all"
    sector: list[str] = Field([], max_length=20)
    country: list[str] = Field([], max_length=20)
    language: list[str] = Field([], max_length=20)
    mode: Literal["", "in-person", "online"] = ""


class FreeSlotsQuery(Schema):
    model_config = ConfigDict(extra="forbid")

    online: bool = False


class DirectoryOut(PageOut):
    items: list[ParticipantOut]
