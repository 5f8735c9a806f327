"""In and Out schemas of the staff's B2B API (`staff_api`): reviews, the grid, figures, the
scheduler's solutions and runs, with explicit field lists (docs/api.md).
"""

from datetime import datetime
from typing import Literal

from django.conf import settings
from ninja import Field, Schema
from pydantic import ConfigDict

from bookings.b2b.schemas import SlotOut
from primi_site.api_pagination import PageOut
from primi_site.schemas import InSchema, Text


class ReviewIn(InSchema):
    approve: bool
    note: Text = Field("", max_length=300)


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
    """Counted by `bookings.figures.b2b`: held, no-show and disputed follow from the two
    sides' reports (docs/b2b-figures.md)."""

    participants: int
    booked: int
    held: int
    no_shows: int
    disputed: int
    unreported: int
    outcomes: dict[str, int]
    held_by_department: dict[str, int]
    held_by_country: dict[str, int]


class SolutionOut(Schema):
    placed: int
    kept: int
    moved: int = 0
    unscheduled: int


class AssignmentIn(InSchema):
    meeting: Text | int
    slot: int
    table: int | None = None


class UnscheduledIn(InSchema):
    """A meeting the scheduler left out, with its reason."""

    meeting: Text | int
    reason: Text = Field("", max_length=2000)
    code: Text | None = Field(None, max_length=100)


class SolutionIn(InSchema):
    """A `primi-b2b-solution/1` document, as the scheduler writes it."""

    format: Text
    instance: Text | int | None = None
    status: Text | None = None
    breaks: int | None = None
    bound: int | None = None
    seconds: float | int | None = None
    assignments: list[AssignmentIn] = Field(max_length=20_000)
    unscheduled: list[UnscheduledIn] = Field([], max_length=20_000)
    moved: int | None = None


# The scheduler (staff) ---------------------------------------------------------------


class ScheduleRunIn(InSchema):
    time_limit: int = Field(
        60,
        ge=settings.SOLVER_MIN_SECONDS,
        le=settings.SOLVER_MAX_SECONDS,
        description=f"Seconds the solver may search, {settings.SOLVER_MIN_SECONDS} to "
        f"{settings.SOLVER_MAX_SECONDS} (SOLVER_MAX_SECONDS).",
    )
    allow_moves: bool = Field(
        False, description="Whether meetings already published may move to make room."
    )

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"time_limit": 60, "allow_moves": False}]}
    )


class ScheduleRunOut(Schema):
    id: int
    session: str = Field(description="The session's slug.")
    state: Literal["queued", "running", "done", "failed", "published", "discarded"]
    state_label: str
    time_limit: int
    allow_moves: bool
    best_breaks: int | None = Field(description="Fewest breaks found so far (null before any).")
    bound: int | None = Field(description="Proven lower bound of the breaks (null before any).")
    elapsed: float = Field(description="Seconds the solver has worked.")
    placed: int
    total: int = Field(description="Meetings to place (known once the run starts).")
    unscheduled: int
    moved: int | None
    solver_status: str = Field(description="optimal, feasible… once done; empty before.")
    error: str
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    decided_at: datetime | None

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": 7,
                    "session": "toronto-b2b",
                    "state": "running",
                    "state_label": "Running",
                    "time_limit": 60,
                    "allow_moves": False,
                    "best_breaks": 5,
                    "bound": 3,
                    "elapsed": 4.5,
                    "placed": 0,
                    "total": 48,
                    "unscheduled": 0,
                    "moved": None,
                    "solver_status": "",
                    "error": "",
                    "created_at": "2027-03-01T09:00:00Z",
                    "started_at": "2027-03-01T09:00:01Z",
                    "finished_at": None,
                    "decided_at": None,
                }
            ]
        }
    )


class ScheduleRunPageOut(PageOut):
    items: list[ScheduleRunOut]


class ProposedMeetingOut(Schema):
    meeting: str = Field(description="The solver's meeting id: request-<id> or meeting-<id>.")
    slot: SlotOut
    table: int | None = Field(description="Table number; null for an online meeting.")
    online: bool
    participants: list[int]


class AgendaItemOut(Schema):
    meeting: str
    slot: int
    table: int | None
    with_participant: int
    with_organisation: str


class AgendaOut(Schema):
    participant: int
    organisation: str
    meetings: list[AgendaItemOut]


class UnscheduledOut(Schema):
    meeting: str
    participants: list[str] = Field(description="The organisations of both sides.")
    code: str
    reason: str = Field(description="Why, in the request's language.")


class SchedulePreviewOut(Schema):
    run: int
    meetings: list[ProposedMeetingOut]
    agendas: list[AgendaOut]
    unscheduled: list[UnscheduledOut]
