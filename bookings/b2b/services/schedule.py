"""The automatic scheduler in the product: request a run, run it in a job, publish or discard.

`request_schedule` records a queued run (one active run per session, a database
constraint) and enqueues `bookings.tasks.run_schedule` on commit. `run_schedule`
exports the session (every rule publishing checks is a constraint of the instance),
solves with a progress callback that writes the best breaks so far at most every
`PROGRESS_EVERY` seconds (each write its own short transaction), publishes the solution
on trial and rolls it back (a run is ready for review only if it can be published), and
stores the solution: nothing is written to the meetings. `publish_schedule` re-exports
the session, refuses if it changed since the run, books (and, when allowed, moves) the
meetings in one transaction, and on commit sends each participant their agenda with the
`.ics` invitations and emits the `schedule.published` webhook.
"""

import logging
import threading

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bookings.b2b.services.common import log, notify
from bookings.b2b.services.solver_io import (
    apply_locked,
    booked_assignments,
    session_export,
    session_to_instance,
)
from bookings.exceptions import BookingError, Conflict, Invalid
from bookings.models import B2BNotification, B2BParticipant, B2BSession, ScheduleRun
from missions.models import Person

logger = logging.getLogger("bookings.b2b")
PROGRESS_EVERY = 0.5  # seconds between two progress writes
State = ScheduleRun.State


def request_schedule(
    session: B2BSession, by: Person | None, *, time_limit: int = 60, allow_moves: bool = False
) -> ScheduleRun:
    """Queue a scheduler run for the session; refused while another one is active."""
    low, high = settings.SOLVER_MIN_SECONDS, settings.SOLVER_MAX_SECONDS
    if not low <= int(time_limit) <= high:
        raise Invalid(
            _("The time limit is between %(min)s and %(max)s seconds.") % {"min": low, "max": high},
            code="bad_time_limit",
        )
    if not session.slots.exists():
        raise Invalid(_("The session has no slots yet: generate them first."), code="no_slots")
    from django_q.tasks import async_task

    try:
        with transaction.atomic():
            run = ScheduleRun.objects.create(
                session=session,
                requested_by=by,
                time_limit=int(time_limit),
                allow_moves=bool(allow_moves),
            )
            log(
                session,
                by,
                "schedule-requested",
                run=run.pk,
                time_limit=run.time_limit,
                allow_moves=run.allow_moves,
            )
    except IntegrityError as exc:
        raise Conflict(
            _("This session already has a scheduler run in progress."), code="run_active"
        ) from exc
    # On the solver's own queue: a long run never holds back an email.
    transaction.on_commit(
        lambda: async_task("bookings.tasks.run_schedule", run.pk, cluster=settings.SOLVER_QUEUE)
    )
    return run


def _solve(instance: dict, run: ScheduleRun, previous: list[dict], progress) -> dict:
    """Solve (a seam for tests); returns the solution document. The limit counts from
    the job start (`started_at`, set when the run was claimed), export included."""
    import time

    from bookings.scheduling import parse_instance, solve
    from bookings.scheduling.deadline import Deadline

    started = run.started_at.timestamp() if run.started_at else None
    return solve(
        parse_instance(instance),
        previous=previous,
        allow_moves=run.allow_moves,
        progress=progress,
        deadline=Deadline(run.time_limit, clock=time.time, started=started),
    ).to_json()


def _write_progress(run_pk: int, values: tuple) -> None:
    """One short transaction: the best breaks so far, the bound and the elapsed time."""
    best, bound, elapsed = values
    with transaction.atomic():
        ScheduleRun.objects.filter(pk=run_pk, state=State.RUNNING).update(
            best_breaks=max(0, int(best)) if best is not None else None,
            bound=max(0, int(bound)) if bound is not None else None,
            elapsed=round(float(elapsed), 2),
        )


def _solve_watched(instance: dict, run: ScheduleRun, previous: list[dict]) -> dict:
    """Solve in a thread of its own while this one writes the progress every
    `PROGRESS_EVERY` seconds, so that every database write stays on the job's
    connection (the solver calls back from its own threads)."""
    latest: list[tuple | None] = [None]
    outcome: dict = {}

    def progress(best_breaks, bound, elapsed) -> None:
        latest[0] = (best_breaks, bound, elapsed)

    def target() -> None:
        try:
            outcome["solution"] = _solve(instance, run, previous, progress)
        except BaseException as exc:  # handed back to the job's thread
            outcome["error"] = exc

    worker = threading.Thread(target=target, name=f"b2b-schedule-{run.pk}", daemon=True)
    worker.start()
    written = None
    while worker.is_alive():
        worker.join(PROGRESS_EVERY)
        if latest[0] is not None and latest[0] != written:
            written = latest[0]
            _write_progress(run.pk, written)
    if latest[0] is not None and latest[0] != written:
        _write_progress(run.pk, latest[0])
    if "error" in outcome:
        raise outcome["error"]
    return outcome["solution"]


def run_schedule(run_id: int) -> ScheduleRun | None:
    """Solve a queued run and keep its solution. Idempotent: a run not queued is left alone."""
    with transaction.atomic():
        claimed = ScheduleRun.objects.filter(pk=run_id, state=State.QUEUED).update(
            state=State.RUNNING, started_at=timezone.now()
        )
    if not claimed:
        return None
    run = ScheduleRun.objects.select_related("session__event").get(pk=run_id)
    session = run.session
    try:
        export = session_export(session, movable=run.allow_moves)
        instance = export.instance
        previous = booked_assignments(session)
        total = len(instance["meetings"]) + len(export.excluded)
        ScheduleRun.objects.filter(pk=run.pk).update(instance=instance, total=total)
        solution = _solve_watched(instance, run, previous)
        refusal = publish_refusal(run, solution)
        if refusal is not None:
            raise Unpublishable(refusal)
    except Exception as exc:  # the run records any failure; nothing was written
        logger.exception("b2b schedule run %s failed", run.pk)
        ScheduleRun.objects.filter(pk=run.pk, state=State.RUNNING).update(
            state=State.FAILED,
            error=str(exc)[:2000] or exc.__class__.__name__,
            finished_at=timezone.now(),
        )
        log(session, None, "schedule-failed", run=run.pk, error=str(exc)[:300])
        return ScheduleRun.objects.get(pk=run.pk)
    with transaction.atomic():
        ScheduleRun.objects.filter(pk=run.pk, state=State.RUNNING).update(
            state=State.DONE,
            solution=solution,
            solver_status=solution["status"],
            best_breaks=solution["breaks"],
            bound=solution["bound"],
            elapsed=solution["seconds"],
            placed=len(solution["assignments"]),
            # The requests left out before solving (who meets whom), then the solver's.
            unscheduled=[*export.excluded, *solution["unscheduled"]],
            moved=solution.get("moved"),
            finished_at=timezone.now(),
        )
        log(
            session,
            None,
            "schedule-done",
            run=run.pk,
            status=solution["status"],
            placed=len(solution["assignments"]),
            total=total,
        )
    return ScheduleRun.objects.get(pk=run.pk)


class Unpublishable(Exception):
    """A solution that publishing would refuse: the run fails with the refusal."""


class _TrialOver(Exception):
    """Ends a trial publication; everything it wrote is rolled back."""


def publish_refusal(run: ScheduleRun, solution: dict) -> str | None:
    """Book `solution` as publishing would, then roll it all back (rows, emails and
    webhooks owed): the refusal publishing would meet, or None. The instance of the run
    already holds every rule publishing checks, so this is a proof kept at hand: a run
    is ready for review only when its schedule can be published as it stands."""
    logger.info("b2b schedule run %s: trial publication, rolled back", run.pk)
    try:
        with transaction.atomic():
            apply_locked(run.session, solution, None, notify_sides=False)
            raise _TrialOver
    except _TrialOver:
        return None
    except BookingError as refusal:
        return str(refusal)
    except IntegrityError:
        return _("The schedule double-books a person or a table: discard it and schedule again.")


def _lock_run(run: ScheduleRun) -> ScheduleRun:
    return ScheduleRun.objects.select_for_update().select_related("session__event").get(pk=run.pk)


def publish_schedule(run: ScheduleRun, by: Person | None) -> dict:
    """Write the run's meetings, then tell everyone. All or nothing."""
    from primi_site.services.webhooks import emit

    try:
        with transaction.atomic(durable=True):
            return _publish_locked(run, by, emit)
    except IntegrityError as exc:
        raise Conflict(
            _("The schedule double-books a person or a table: discard it and schedule again."),
            code="bad_solution",
        ) from exc


def _publish_locked(run: ScheduleRun, by: Person | None, emit) -> dict:
    """Inside the transaction: check the run and the session, write, owe the emails."""
    run = _lock_run(run)
    if run.state != State.DONE:
        raise Conflict(
            _("Only a finished run waiting for review can be published."), code="run_not_done"
        )
    session = run.session
    if session_to_instance(session, movable=run.allow_moves) != run.instance:
        raise Conflict(
            _(
                "The session changed since this run (requests, meetings, availability or "
                "slots): discard it and schedule again."
            ),
            code="session_changed",
        )
    counts = apply_locked(session, run.solution, by, notify_sides=False)
    counts["unscheduled"] = len(run.unscheduled or [])
    run.state = State.PUBLISHED
    run.decided_at = timezone.now()
    run.decided_by = by
    run.save(update_fields=["state", "decided_at", "decided_by"])
    log(session, by, "schedule-published", run=run.pk, **counts)
    people = list(
        Person.objects.filter(
            b2b_participations__session=session,
            b2b_participations__status=B2BParticipant.Status.APPROVED,
        ).order_by("pk")
    )
    notify(B2BNotification.Kind.AGENDA_PUBLISHED, people, session=session)
    emit(
        "schedule.published",
        {
            "session": session.event.slug,
            "run": run.pk,
            "status": run.solver_status,
            "placed": counts["placed"],
            "kept": counts["kept"],
            "moved": counts["moved"],
            "unscheduled": counts["unscheduled"],
        },
    )
    return counts


def discard_schedule(run: ScheduleRun, by: Person | None) -> ScheduleRun:
    """Drop a run (waiting, running or done); a running job finds it discarded and stops."""
    with transaction.atomic(durable=True):
        run = _lock_run(run)
        if not run.is_active and run.state != State.FAILED:
            raise Conflict(_("This run was already published or discarded."), code="run_closed")
        run.state = State.DISCARDED
        run.decided_at = timezone.now()
        run.decided_by = by
        run.save(update_fields=["state", "decided_at", "decided_by"])
        log(run.session, by, "schedule-discarded", run=run.pk)
    return run
