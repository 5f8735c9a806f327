"""The staff's figures pages: the dashboard per season and per mission (charts with their
numbers), the B2B figures of a session or a mission; each with its CSV export."""

import csv
import io

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from bookings.b2b.permissions import get_session_or_404
from bookings.b2b.queries import sessions as b2b_queries
from bookings.figures import b2b as b2b_figures
from bookings.figures import dashboard as figures
from bookings.figures.charts import bar_chart
from bookings.registrations.exports import FORMULA_STARTS
from missions.models import Mission
from primi_site.permissions import staff_required


@never_cache
@staff_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    """The current season, or the latest one that has missions."""
    years = figures.seasons()
    this_year = timezone.localdate().year
    year = this_year if this_year in years or not years else years[0]
    return redirect("staff_dashboard_season", year=year)


@never_cache
@staff_required
@require_GET
def season(request: HttpRequest, year: int) -> HttpResponse:
    return _page(
        request,
        figures.season_figures(year),
        seasons=figures.seasons(),
        year=year,
        csv_url_name="staff_dashboard_season_csv",
        csv_arg=year,
    )


@never_cache
@staff_required
@require_GET
def mission(request: HttpRequest, slug: str) -> HttpResponse:
    target = get_object_or_404(Mission, slug=slug)
    return _page(
        request,
        figures.mission_figures(target),
        seasons=figures.seasons(),
        year=target.start_date.year,
        csv_url_name="staff_dashboard_mission_csv",
        csv_arg=slug,
        mission=target,
    )


@never_cache
@staff_required
@require_GET
def season_csv(request: HttpRequest, year: int) -> HttpResponse:
    return _csv(figures.season_figures(year), f"dashboard-{year}.csv")


@never_cache
@staff_required
@require_GET
def mission_csv(request: HttpRequest, slug: str) -> HttpResponse:
    target = get_object_or_404(Mission, slug=slug)
    return _csv(figures.mission_figures(target), f"dashboard-{target.slug}.csv")


def _page(request: HttpRequest, data: figures.Figures, **context) -> HttpResponse:
    charts = [(series, bar_chart(series.points)) for series in data.series]
    return render(
        request,
        "bookings/staff/dashboard.html",
        {"figures": data, "charts": charts, **context},
    )


def _cell(value) -> str:
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _csv(data: figures.Figures, filename: str) -> HttpResponse:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([_("Figure"), _("Label"), _("Value")])
    for section, label, value in data.rows():
        writer.writerow([_cell(section), _cell(label), value])
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# B2B meetings ---------------------------------------------------------------------

FIGURE_COLUMNS = ("booked", "held", "no_shows", "disputed", "unreported")


def _figures_response(request: HttpRequest, title: str, sessions, filename: str, context: dict):
    result = b2b_figures.figures(sessions)
    if request.GET.get("format") == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
        writer = csv.writer(response)
        writer.writerow([_("figure"), _("group"), _("value")])
        for name in FIGURE_COLUMNS:
            writer.writerow([name, "", getattr(result, name)])
        for outcome, count in result.outcome_rows():
            writer.writerow(["outcome", outcome, count])
        for key, count in sorted(result.held_by_department.items()):
            writer.writerow(["held_by_department", key, count])
        for key, count in sorted(result.held_by_country.items()):
            writer.writerow(["held_by_country", key, count])
        return response
    return render(
        request,
        "bookings/b2b/staff_figures.html",
        {**context, "title": title, "figures": result},
    )


@staff_required
def staff_figures(request: HttpRequest, slug: str) -> HttpResponse:
    session = get_session_or_404(slug)
    return _figures_response(
        request,
        str(session.event),
        [session],
        f"b2b-{slug}",
        {"session": session, "event": session.event},
    )


@staff_required
def mission_figures(request: HttpRequest, slug: str) -> HttpResponse:
    mission = get_object_or_404(Mission, slug=slug)
    sessions = list(b2b_queries.b2b_sessions_of_mission(mission))
    return _figures_response(
        request,
        str(mission),
        sessions,
        f"b2b-mission-{slug}",
        {"mission": mission, "sessions": sessions},
    )
