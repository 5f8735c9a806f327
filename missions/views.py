"""Public pages of missions and delegations."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from missions import queries


def mission_list(request: HttpRequest) -> HttpResponse:
    missions = queries.upcoming_missions(timezone.localdate())
    return render(request, "missions/mission_list.html", {"missions": missions})


def mission_detail(request: HttpRequest, slug: str) -> HttpResponse:
    mission = queries.public_mission(slug)
    if mission is None:
        raise Http404
    return render(request, "missions/mission_detail.html", {"mission": mission})
