"""The staff dashboard: per season and per mission, charts with their numbers, CSV export."""

import csv
import io

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

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
