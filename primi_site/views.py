"""Site-wide pages: the root redirect, home, health check and the account page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.db.utils import DatabaseError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from events.account_views import calendar_subscriptions
from events.queries import upcoming_events
from missions.queries import upcoming_missions
from primi_site.forms import PreferencesForm
from primi_site.middleware import person_of

HOME_EVENTS = 8


@vary_on_headers("Accept-Language", "Cookie")
def root(request: HttpRequest) -> HttpResponseRedirect:
    """Send the visitor to /fr/ or /en/: the account's language, else the browser's."""
    person = person_of(request.user)
    language = person.language if person else translation.get_language_from_request(request)
    with translation.override(language):
        return redirect(reverse("home"))


def home(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    context = {
        "missions": upcoming_missions(now.date())[:6],
        "events": upcoming_events(now)[:HOME_EVENTS],
    }
    return render(request, "primi_site/home.html", context)


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "unavailable", "database": "down"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


@login_required
@never_cache
def account(request: HttpRequest) -> HttpResponse:
    person = person_of(request.user)
    if person is None:
        return render(request, "primi_site/account.html", {"form": None})
    form = PreferencesForm(request.POST or None, instance=person)
    if request.method == "POST" and form.is_valid():
        person = form.save()
        with translation.override(person.language):
            messages.success(request, _("Your preferences are saved."))
            return redirect(reverse("account"))
    context = {"form": form, "person": person, **calendar_subscriptions(request, person)}
    return render(request, "primi_site/account.html", context)
