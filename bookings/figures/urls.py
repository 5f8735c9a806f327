"""The staff's figures pages, under the language prefix (/fr/…, /en/…)."""

from django.urls import path

from bookings.figures import views

urlpatterns = [
    path("staff/dashboard/", views.dashboard, name="staff_dashboard"),
    path("staff/dashboard/<int:year>/", views.season, name="staff_dashboard_season"),
    path(
        "staff/dashboard/<int:year>/export.csv",
        views.season_csv,
        name="staff_dashboard_season_csv",
    ),
    path("staff/dashboard/missions/<slug:slug>/", views.mission, name="staff_dashboard_mission"),
    path(
        "staff/dashboard/missions/<slug:slug>/export.csv",
        views.mission_csv,
        name="staff_dashboard_mission_csv",
    ),
    path("b2b/missions/<slug:slug>/figures/", views.mission_figures, name="b2b_mission_figures"),
    path("b2b/<slug:slug>/staff/figures/", views.staff_figures, name="b2b_staff_figures"),
]
