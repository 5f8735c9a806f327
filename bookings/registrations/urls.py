"""Registration pages, under the language prefix (/fr/…, /en/…)."""

from django.urls import path

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
