from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, re_path, reverse_lazy

from events import account_views, feed_views
from events import views as event_views
from missions import views as mission_views
from primi_site import staff_views, views
from primi_site.api import api, api_not_found
from primi_site.services.account_emails import PasswordResetForm

account_patterns = [
    path("", views.account, name="account"),
    path("data.json", views.personal_data_export, name="personal_data_export"),
    path("delete/", views.erase_account, name="account_erase"),
    path("tokens/", views.api_tokens, name="api_tokens"),
    path("tokens/<int:token_id>/revoke/", views.revoke_api_token, name="revoke_api_token"),
    path("calendar/new/", account_views.create_token, name="feed_token_create"),
    path("calendar/<int:pk>/rotate/", account_views.rotate_token, name="feed_token_rotate"),
    path("calendar/<int:pk>/revoke/", account_views.revoke_token, name="feed_token_revoke"),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "password/",
        auth_views.PasswordChangeView.as_view(success_url=reverse_lazy("password_change_done")),
        name="password_change",
    ),
    path(
        "password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"
    ),
    path(
        "password-reset/",
        auth_views.PasswordResetView.as_view(form_class=PasswordResetForm),
        name="password_reset",
    ),
    path(
        "password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "password-reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password-reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]

urlpatterns = [
    path("", views.root, name="root"),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    # Calendar feeds: outside the language prefix (the language is the `lang` parameter).
    path("feeds/events.ics", feed_views.events_feed, name="feed_events"),
    path("feeds/missions/<slug:slug>.ics", feed_views.mission_feed, name="feed_mission"),
    path("feeds/events/<slug:slug>.ics", feed_views.event_download, name="feed_event"),
    path("feeds/me/<str:token>.ics", feed_views.private_feed, name="feed_private"),
    re_path(r"^api/", api_not_found),
]

urlpatterns += i18n_patterns(
    path("", views.home, name="home"),
    path("calendar/", event_views.calendar, name="calendar"),
    path("events/<slug:slug>/", event_views.event_detail, name="event_detail"),
    path("missions/", mission_views.mission_list, name="mission_list"),
    path("missions/<slug:slug>/", mission_views.mission_detail, name="mission_detail"),
    path("account/", include(account_patterns)),
    path("staff/outbox/", staff_views.staff_outbox, name="staff_outbox"),
    path(
        "staff/outbox/<slug:channel>/<int:pk>/retry/",
        staff_views.staff_outbox_retry,
        name="staff_outbox_retry",
    ),
    path("", include("bookings.registrations.urls")),
    path("", include("bookings.figures.urls")),
    path("b2b/", include("bookings.b2b.urls")),
    prefix_default_language=True,
)

handler500 = "primi_site.views.server_error"
