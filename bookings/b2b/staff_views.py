"""The staff's pages of a B2B session: the grid of the day, the instance for the
scheduler, and the automatic scheduler's runs (start, follow, preview, publish, discard).

Every page is behind `primi_site.permissions.staff_required` (a visitor is sent to sign in,
anyone else gets 404); refusals become a message on the page (`show_refusal`).
"""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bookings.b2b.forms import (
    ScheduleForm,
)
from bookings.b2b.permissions import (
    get_run_or_404,
    get_session_or_404,
)
from bookings.b2b.queries import runs as queries_schedule
from bookings.b2b.queries import sessions as queries
from bookings.b2b.render import grid_rows_html, picture
from bookings.b2b.services import schedule as scheduler
from bookings.b2b.services.solver_io import session_to_instance
from bookings.models import ScheduleRun
from missions.people import person_of
from primi_site.bilingual import page_language
from primi_site.errors import DomainError
from primi_site.formatting import format_number
from primi_site.page_errors import show_refusal
from primi_site.permissions import staff_required

DIRECTORY_PAGE = 24


@staff_required
def staff_grid(request: HttpRequest, slug: str) -> HttpResponse:
    session = get_session_or_404(slug)
    language = page_language(get_language())
    free = _("free")
    days = [
        (day, picture(day, session.event.time_zone, language), grid_rows_html(day, free))
        for day in queries.grid(session)
    ]
    return render(
        request,
        "bookings/b2b/staff_grid.html",
        {"session": session, "event": session.event, "days": days},
    )


@staff_required
def staff_instance(request: HttpRequest, slug: str) -> JsonResponse:
    """The session as a `primi-b2b/1` instance, for the scheduler."""
    session = get_session_or_404(slug)
    response = JsonResponse(session_to_instance(session), json_dumps_params={"indent": 2})
    response["Content-Disposition"] = f'attachment; filename="b2b-{slug}.json"'
    return response


# Staff: the automatic scheduler ------------------------------------------------------


def _run_or_404(session, pk: int) -> ScheduleRun:
    return get_run_or_404(session, pk)


@staff_required
def staff_schedule(request: HttpRequest, slug: str) -> HttpResponse:
    """The runs of the session, and the form that starts one."""
    session = get_session_or_404(slug)
    form = ScheduleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            run = scheduler.request_schedule(
                session,
                person_of(request.user),
                time_limit=form.cleaned_data["time_limit"],
                allow_moves=form.cleaned_data["allow_moves"],
            )
        except DomainError as error:
            show_refusal(request, error)
        else:
            return redirect("b2b_staff_run", slug, run.pk)
    return render(
        request,
        "bookings/b2b/staff_schedule.html",
        {
            "session": session,
            "event": session.event,
            "form": form,
            "runs": queries_schedule.runs_of(session),
        },
    )


def progress_of(run: ScheduleRun) -> dict:
    return {
        "id": run.pk,
        "state": run.state,
        "state_label": run.get_state_display(),  # in the page's language, for the script
        "best_breaks": run.best_breaks,
        "bound": run.bound,
        "elapsed": run.elapsed,
        "placed": run.placed,
        "total": run.total,
        "solver_status": run.solver_status,
        "moved": run.moved,
        "error": run.error,
    }


@staff_required
def staff_schedule_run(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """A run: its progress while it works (the page refreshes itself), then the preview."""
    session = get_session_or_404(slug)
    run = _run_or_404(session, pk)
    context = {"session": session, "event": session.event, "run": run}
    if run.solution:
        language = page_language(get_language())
        result = queries_schedule.preview(run)
        free = _("free")
        context["days"] = [
            (day, picture(day, session.event.time_zone, language), grid_rows_html(day, free))
            for day in queries_schedule.proposed_grid(run, result)
        ]
        context["agendas"] = result.agendas()
        context["unscheduled"] = queries_schedule.unscheduled(run)
    return render(request, "bookings/b2b/staff_run.html", context)


@staff_required
def staff_schedule_progress(request: HttpRequest, slug: str, pk: int) -> JsonResponse:
    return JsonResponse(progress_of(_run_or_404(get_session_or_404(slug), pk)))


@staff_required
@require_POST
def staff_schedule_action(request: HttpRequest, slug: str, pk: int, action: str) -> HttpResponse:
    session = get_session_or_404(slug)
    run = _run_or_404(session, pk)
    try:
        if action == "publish":
            counts = scheduler.publish_schedule(run, person_of(request.user))
            placed = ngettext(
                "%(count)s meeting placed", "%(count)s meetings placed", counts["placed"]
            ) % {"count": format_number(counts["placed"])}
            moved = ngettext("%(count)s moved", "%(count)s moved", counts["moved"]) % {
                "count": format_number(counts["moved"])
            }
            messages.success(
                request,
                _("Schedule published: %(placed)s, %(moved)s; everyone receives their agenda.")
                % {"placed": placed, "moved": moved},
            )
        elif action == "discard":
            scheduler.discard_schedule(run, person_of(request.user))
            messages.success(request, _("The run is discarded."))
        else:
            raise Http404
    except DomainError as error:
        show_refusal(request, error)
    return redirect("b2b_staff_run", slug, run.pk)
