"""In and Out schemas of the B2B API, with explicit field lists."""

from datetime import datetime

from ninja import Field, Schema


class ErrorOut(Schema):
    code: str
    message: str


class SessionOut(Schema):
    id: int
    slug: str
    title: str
    status: str
    time_zone: str
    slot_minutes: int
    pause_minutes: int
    tables: int
    online: bool
    pairing: str
    direct_booking: bool
    max_requests_sent: int | None
    max_meetings: int | None
    directory_open: bool
    me: int | None = Field(None, description="Your participant id in this session, if any.")


class SlotOut(Schema):
    index: int
    starts_at: datetime
    ends_at: datetime
    local_start: str = Field(description="Start in the event's zone, ISO 8601 with offset.")


class ParticipantOut(Schema):
    id: int
    organisation: str
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


class MyProfileOut(ParticipantOut):
    status: str
    review_note: str
    unavailable: list[int]


class ProfileIn(Schema):
    organisation: str | None = Field(None, max_length=200)
    country: str | None = Field(None, max_length=2)
    sectors: list[str] | None = None
    offer_fr: str | None = None
    offer_en: str | None = None
    need_fr: str | None = None
    need_en: str | None = None
    languages: list[str] | None = None
    mode: str | None = None
    submit: bool = False


class UnavailableIn(Schema):
    slots: list[int] = Field(max_length=2000)


class UnavailableOut(Schema):
    slots: list[int]


class RequestIn(Schema):
    recipient: int
    message: str = Field("", max_length=2000)


class AnswerIn(Schema):
    answer: str = Field("", max_length=2000)


class RequestOut(Schema):
    id: int
    sender: int
    sender_organisation: str
    recipient: int
    recipient_organisation: str
    state: str
    message: str
    answer: str
    created_at: datetime
    answered_at: datetime | None


class RequestsOut(Schema):
    received: list[RequestOut]
    sent: list[RequestOut]


class BookIn(Schema):
    participant: int = Field(description="The other side's participant id.")
    slot: int = Field(description="Slot number (index) in the session.")
    online: bool = False


class MoveIn(Schema):
    slot: int
    online: bool | None = None


class CancelIn(Schema):
    reason: str = Field("", max_length=300)


class ReportIn(Schema):
    took_place: bool
    outcome: str = "none"
    note: str = Field("", max_length=2000)


class ReportOut(Schema):
    took_place: bool
    outcome: str
    note: str


class MeetingOut(Schema):
    id: int
    state: str
    slot: SlotOut
    table: int | None
    online: bool
    video_url: str
    sequence: int
    with_participant: ParticipantOut
    my_report: ReportOut | None


class GridCellOut(Schema):
    slot: int
    table: int | None
    meeting: int
    participants: list[int]


class GridOut(Schema):
    slots: int
    tables: int
    cells: list[GridCellOut]


class FiguresOut(Schema):
    participants: int
    booked: int
    held: int
    no_shows: int
    unreported: int
    outcomes: dict[str, int]
    held_by_department: dict[str, int]
    held_by_country: dict[str, int]


class SolutionOut(Schema):
    placed: int
    kept: int
    unscheduled: int


class SolutionIn(Schema):
    """A `primi-b2b-solution/1` document, as the scheduler writes it."""

    format: str
    instance: str | None = None
    status: str | None = None
    assignments: list[dict]
    unscheduled: list[dict] = []
