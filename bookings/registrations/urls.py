"""Registration pages, under the language prefix (/fr/…, /en/…)."""

from django.urls import path

from bookings.figures import views as dashboard_views
from bookings.registrations import views

urlpatterns = [
    path("events/<slug:slug>/register/", views.register, name="event_register"),
    path("missions/<slug:slug>/apply/", views.apply, name="mission_apply"),
    path("account/registrations/", views.my_registrations, name="my_registrations"),
    path("account/registrations/<int:pk>/cancel/", views.cancel, name="registration_cancel"),
    path(
        "account/registrations/<int:pk>/accept/",
        views.accept_offer,
        name="registration_accept_offer",
    ),
    path(
        "account/registrations/<int:pk>/decline/",
        views.decline_offer,
        name="registration_decline_offer",
    ),
    path("invitations/<str:token>/", views.invitation, name="invitation"),
    path("staff/registrations/", views.staff_review, name="staff_registrations"),
    path("staff/registrations/<int:pk>/", views.staff_registration, name="staff_registration"),
    path("staff/registrations/export.<str:fmt>", views.staff_export, name="staff_export"),
    path("staff/invitations/new/", views.staff_invite, name="staff_invite"),
]

urlpatterns += [
    path("staff/dashboard/", dashboard_views.dashboard, name="staff_dashboard"),
    path("staff/dashboard/<int:year>/", dashboard_views.season, name="staff_dashboard_season"),
    path(
        "staff/dashboard/<int:year>/export.csv",
        dashboard_views.season_csv,
        name="staff_dashboard_season_csv",
    ),
    path(
        "staff/dashboard/missions/<slug:slug>/",
        dashboard_views.mission,
        name="staff_dashboard_mission",
    ),
    path(
        "staff/dashboard/missions/<slug:slug>/export.csv",
        dashboard_views.mission_csv,
        name="staff_dashboard_mission_csv",
    ),
]
