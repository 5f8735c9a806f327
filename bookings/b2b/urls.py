from django.urls import path

from bookings.b2b import meeting_views, staff_views, views

urlpatterns = [
    path(
        "requests/<int:pk>/<str:action>/", meeting_views.request_action, name="b2b_request_action"
    ),
    path("meetings/<int:pk>/", meeting_views.meeting_detail, name="b2b_meeting"),
    path(
        "meetings/<int:pk>/<str:action>/", meeting_views.meeting_action, name="b2b_meeting_action"
    ),
    path("logos/<int:pk>/", views.logo, name="b2b_logo"),
    path("<slug:slug>/", views.session_home, name="b2b_session"),
    path("<slug:slug>/join/", views.join, name="b2b_join"),
    path("<slug:slug>/profile/", views.profile, name="b2b_profile"),
    path("<slug:slug>/directory/", views.directory, name="b2b_directory"),
    path("<slug:slug>/participants/<int:pk>/", views.participant_detail, name="b2b_participant"),
    path(
        "<slug:slug>/participants/<int:pk>/request/",
        meeting_views.send_request,
        name="b2b_send_request",
    ),
    path("<slug:slug>/participants/<int:pk>/book/", meeting_views.book, name="b2b_book"),
    path("<slug:slug>/requests/", meeting_views.requests_page, name="b2b_requests"),
    path("<slug:slug>/availability/", views.availability, name="b2b_availability"),
    path("<slug:slug>/agenda/", meeting_views.agenda, name="b2b_agenda"),
    path("<slug:slug>/agenda/print/", meeting_views.agenda_print, name="b2b_agenda_print"),
    path("<slug:slug>/staff/grid/", staff_views.staff_grid, name="b2b_staff_grid"),
    path("<slug:slug>/staff/instance.json", staff_views.staff_instance, name="b2b_staff_instance"),
    path("<slug:slug>/staff/schedule/", staff_views.staff_schedule, name="b2b_staff_schedule"),
    path(
        "<slug:slug>/staff/schedule/<int:pk>/", staff_views.staff_schedule_run, name="b2b_staff_run"
    ),
    path(
        "<slug:slug>/staff/schedule/<int:pk>/progress.json",
        staff_views.staff_schedule_progress,
        name="b2b_staff_run_progress",
    ),
    path(
        "<slug:slug>/staff/schedule/<int:pk>/<str:action>/",
        staff_views.staff_schedule_action,
        name="b2b_staff_run_action",
    ),
]
