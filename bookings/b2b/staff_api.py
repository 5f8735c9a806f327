"""The staff's part of the B2B API: the grid, profile reviews, figures, the scheduler's
instance and solutions, and the automatic scheduler's runs.

Every operation needs a staff token or session (`primi_site.api_auth.STAFF`); the objects
are fetched through the same permission functions as the pages.
"""

from django.http import Http404, HttpRequest
from django.utils import translation
from ninja import Query, Router, Status

from bookings.b2b import services
from bookings.b2b.api import READ, WRITE, own_profile
from bookings.b2b.permissions import (
    get_run_or_404,
    get_session_or_404,
)
from bookings.b2b.queries import runs as queries_schedule
from bookings.b2b.queries import sessions as queries
from bookings.b2b.schemas import MyProfileOut
from bookings.b2b.services import schedule as scheduler
from bookings.b2b.services.solver_io import apply_solution, session_to_instance
from bookings.b2b.staff_schemas import (
    FiguresOut,
    GridCellOut,
    GridOut,
    ReviewIn,
    SchedulePreviewOut,
    ScheduleRunIn,
    ScheduleRunOut,
    ScheduleRunPageOut,
    SolutionIn,
    SolutionOut,
)
from bookings.exceptions import Conflict
from bookings.figures import b2b as b2b_figures
from bookings.models import B2BParticipant, ScheduleRun
from missions.people import person_of
from missions.schemas import Slug
from primi_site.api_auth import STAFF
from primi_site.api_errors import AUTHENTICATED as AUTH_ERRORS
from primi_site.api_errors import responses
from primi_site.api_language import LangQuery, api_language
from primi_site.api_pagination import PageParams, paginate, reject_unknown_params
from primi_site.schemas import ObjectId

router = Router(auth=STAFF, tags=["b2b"])


@router.get("/sessions/{slug}/grid", response=responses({200: GridOut}, *READ))
def grid(request: HttpRequest, slug: Slug):
    session = get_session_or_404(slug)
    cells = []
    slot_count = 0
    for day in queries.grid(session):
        slot_count += len(day.slots)
        for slot, meetings in zip(day.slots, day.online, strict=True):
            cells.extend(
                GridCellOut(
                    slot=slot.index,
                    table=None,
                    meeting=m.pk,
                    participants=[m.participant_a_id, m.participant_b_id],
                )
                for m in meetings
            )
        for number, row in enumerate(day.rows, start=1):
            for slot, m in zip(day.slots, row.cells, strict=True):
                if m is not None:
                    cells.append(
                        GridCellOut(
                            slot=slot.index,
                            table=number,
                            meeting=m.pk,
                            participants=[m.participant_a_id, m.participant_b_id],
                        )
                    )
    cells.sort(key=lambda c: (c.slot, c.table or 0, c.meeting))
    return {"slots": slot_count, "tables": session.tables, "cells": cells}


@router.post(
    "/sessions/{slug}/participants/{pk}/review",
    response=responses({200: MyProfileOut}, *WRITE),
)
def review(request: HttpRequest, slug: Slug, pk: ObjectId, data: ReviewIn):
    """Staff: approve or reject a profile (the directory lists approved ones)."""
    session = get_session_or_404(slug)
    participant = B2BParticipant.objects.filter(session=session, pk=pk).first()
    if participant is None:
        raise Http404
    services.review_profile(
        participant, person_of(request.user), approve=data.approve, note=data.note
    )
    return own_profile(participant)


@router.get("/sessions/{slug}/figures", response=responses({200: FiguresOut}, *READ))
def figures(request: HttpRequest, slug: Slug):
    session = get_session_or_404(slug)
    result = b2b_figures.figures([session])
    return {
        "participants": result.participants,
        "booked": result.booked,
        "held": result.held,
        "no_shows": result.no_shows,
        "disputed": result.disputed,
        "unreported": result.unreported,
        "outcomes": dict(result.outcome_rows()),
        "held_by_department": dict(result.held_by_department),
        "held_by_country": dict(result.held_by_country),
    }


@router.get("/sessions/{slug}/instance", response=responses({200: dict}, *READ))
def instance(request: HttpRequest, slug: Slug):
    return session_to_instance(get_session_or_404(slug))


@router.post("/sessions/{slug}/solution", response=responses({200: SolutionOut}, *WRITE))
def solution(request: HttpRequest, slug: Slug, data: SolutionIn):
    session = get_session_or_404(slug)
    return apply_solution(session, data.dict(), person_of(request.user))


# The scheduler (staff) --------------------------------------------------------------


def run_out(run: ScheduleRun) -> dict:
    """A run as the API shows it; call inside `translation.override(language)`."""
    return {
        "id": run.pk,
        "session": run.session.event.slug,
        "state": run.state,
        "state_label": str(run.get_state_display()),
        "time_limit": run.time_limit,
        "allow_moves": run.allow_moves,
        "best_breaks": run.best_breaks,
        "bound": run.bound,
        "elapsed": run.elapsed,
        "placed": run.placed,
        "total": run.total,
        "unscheduled": len(run.unscheduled or []),
        "moved": run.moved,
        "solver_status": run.solver_status,
        "error": run.error,
        "created_at": run.created_at,
        "started_at": run.started_at,
        "finished_at": run.finished_at,
        "decided_at": run.decided_at,
    }


RUN_PATH = "/sessions/{slug}/schedule-runs/{pk}"


@router.post(
    "/sessions/{slug}/schedule-runs",
    response=responses({202: ScheduleRunOut}, *WRITE),
)
def start_schedule_run(request: HttpRequest, slug: Slug, data: ScheduleRunIn):
    """Staff: queue a scheduler run; follow it with `GET .../schedule-runs/{pk}`.

    409 `run_active` while another run of the session is queued, running or waiting
    for review; 422 `no_slots` before the slots exist.
    """
    session = get_session_or_404(slug)
    run = scheduler.request_schedule(
        session, person_of(request.user), time_limit=data.time_limit, allow_moves=data.allow_moves
    )
    run.session = session
    with translation.override(api_language(request)):
        return Status(202, run_out(run))


@router.get(
    "/sessions/{slug}/schedule-runs",
    response=responses({200: ScheduleRunPageOut}, *READ),
)
def list_schedule_runs(
    request: HttpRequest, slug: Slug, page: Query[PageParams], lang: Query[LangQuery]
):
    """Staff: the session's scheduler runs, the latest first."""
    reject_unknown_params(request, PageParams, LangQuery)
    session = get_session_or_404(slug)

    def render(run: ScheduleRun) -> dict:
        run.session = session
        return run_out(run)

    with translation.override(api_language(request)):
        return paginate(queries_schedule.runs_query(session), page, render)


@router.get(RUN_PATH, response=responses({200: ScheduleRunOut}, *READ))
def get_schedule_run(request: HttpRequest, slug: Slug, pk: ObjectId, lang: Query[LangQuery]):
    """Staff: one run's state and progress (best breaks so far, bound, elapsed seconds)."""
    reject_unknown_params(request, LangQuery)
    run = get_run_or_404(get_session_or_404(slug), pk)
    with translation.override(api_language(request)):
        return run_out(run)


@router.get(
    RUN_PATH + "/preview",
    response=responses({200: SchedulePreviewOut}, *READ, 409),
)
def preview_schedule_run(request: HttpRequest, slug: Slug, pk: ObjectId, lang: Query[LangQuery]):
    """Staff: the proposed meetings, each participant's proposed agenda, and the
    meetings left out with the reason (409 `no_solution` until the run is done)."""
    reject_unknown_params(request, LangQuery)
    session = get_session_or_404(slug)
    run = get_run_or_404(session, pk)
    if not run.solution:
        from django.utils.translation import gettext as _

        raise Conflict(_("This run has no proposed schedule yet."), code="no_solution")
    result = queries_schedule.preview(run)
    return {
        "run": run.pk,
        "meetings": [
            {
                "meeting": m.key,
                "slot": m.slot,
                "table": m.table,
                "online": m.online,
                "participants": [m.participant_a.pk, m.participant_b.pk],
            }
            for m in result.meetings
        ],
        "agendas": [
            {
                "participant": p.pk,
                "organisation": p.organisation_name,
                "meetings": [
                    {
                        "meeting": m.key,
                        "slot": m.slot.index,
                        "table": m.table,
                        "with_participant": other.pk,
                        "with_organisation": other.organisation_name,
                    }
                    for m, other in items
                ],
            }
            for p, items in result.agendas()
        ],
        "unscheduled": _unscheduled(request, run),
    }


def _unscheduled(request: HttpRequest, run: ScheduleRun) -> list[dict]:
    with translation.override(api_language(request)):
        return queries_schedule.unscheduled(run)


@router.post(
    RUN_PATH + "/publish",
    response=responses({200: SolutionOut}, *AUTH_ERRORS, 404, 409, 422),
)
def publish_schedule_run(request: HttpRequest, slug: Slug, pk: ObjectId):
    """Staff: book the run's meetings and send everyone their agenda, all or nothing.

    409 `run_not_done` for a run not finished or already published or discarded;
    409 `session_changed` when requests, meetings, availability or slots changed since.
    """
    run = get_run_or_404(get_session_or_404(slug), pk)
    return scheduler.publish_schedule(run, person_of(request.user))


@router.post(
    RUN_PATH + "/discard",
    response=responses({200: ScheduleRunOut}, *AUTH_ERRORS, 404, 409, 422),
)
def discard_schedule_run(request: HttpRequest, slug: Slug, pk: ObjectId):
    """Staff: drop a run (a running one stops); 409 `run_closed` once published or discarded."""
    run = scheduler.discard_schedule(
        get_run_or_404(get_session_or_404(slug), pk), person_of(request.user)
    )
    with translation.override(api_language(request)):
        return run_out(run)
