"""Site-wide pages: the root redirect, home, health check and the account page."""

import sys

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.db.utils import DatabaseError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers

from events.account_views import calendar_subscriptions
from events.queries import upcoming_events
from missions.people import person_of
from missions.queries import upcoming_missions
from primi_site.errors import DomainError
from primi_site.forms import ApiTokenForm, EraseAccountForm, PreferencesForm
from primi_site.page_errors import show_refusal
from primi_site.permissions import get_token_for_user_or_404
from primi_site.services import personal_data, tokens

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
    """Alive: the database answers."""
    if not _database_answers():
        return JsonResponse({"status": "unavailable", "database": "down"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


@never_cache
@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    """Ready to serve: the database answers and so does the job broker."""
    checks = {"database": _database_answers(), "broker": _broker_answers()}
    ready = all(checks.values())
    body = {"status": "ok" if ready else "unavailable"}
    body.update({name: "ok" if ok else "down" for name, ok in checks.items()})
    return JsonResponse(body, status=200 if ready else 503)


def _database_answers() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return False
    return True


def _broker_answers() -> bool:
    from django_q.brokers import get_broker

    try:
        return bool(get_broker().ping())
    except Exception:  # any broker failure (connection refused, timeout, auth) means "down"
        return False


def server_error(request: HttpRequest) -> HttpResponse:
    """500, or 503 with a friendly page when the cause is an unreachable database; under
    /api/, the same in the API's error shape."""
    error = sys.exc_info()[1]
    if request.path_info.startswith("/api/"):
        from primi_site.api import api_refusal
        from primi_site.api_errors import as_domain_error

        return api_refusal(request, as_domain_error(error or Exception()))
    if isinstance(error, DatabaseError):
        response = render_error_page(request, "primi_site/unavailable.html", 503)
        response["Retry-After"] = "30"
        return response
    return render_error_page(request, "primi_site/server_error.html", 500)


def refusal_page(request: HttpRequest, error: DomainError) -> HttpResponse:
    """A page for a request refused before any view (`primi_site.request_guard`)."""
    return render_error_page(request, "primi_site/refused.html", error.status, {"error": error})


def render_error_page(
    request: HttpRequest, template: str, status: int, context: dict | None = None
) -> HttpResponse:
    """Rendered without the request context, which could itself need the database."""
    language = translation.get_language_from_path(request.path_info) or "fr"
    with translation.override(language):
        html = render_to_string(template, {"page_language": language, **(context or {})})
    return HttpResponse(html, status=status)


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


@login_required
@never_cache
def api_tokens(request: HttpRequest) -> HttpResponse:
    """The person's API tokens: list, create (the token is shown this once)."""
    form = ApiTokenForm(request.POST or None)
    created = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            _record, created = tokens.create_token(
                request.user,
                name=data["name"],
                scope=data["scope"],
                expires_at=tokens.default_expiry(data["expires_in_days"]),
            )
        except tokens.TooManyTokens as refusal:
            show_refusal(request, refusal, form)
        else:
            form = ApiTokenForm()
    context = {"form": form, "created": created, "tokens": tokens.active_tokens(request.user)}
    return render(request, "primi_site/api_tokens.html", context, status=201 if created else 200)


@login_required
@require_POST
def revoke_api_token(request: HttpRequest, token_id: int) -> HttpResponseRedirect:
    token = get_token_for_user_or_404(request.user, token_id)
    tokens.revoke_token(token)
    messages.success(request, _("The token “%(name)s” is revoked.") % {"name": token.name})
    return redirect(reverse("api_tokens"))


@login_required
@never_cache
@require_GET
def personal_data_export(request: HttpRequest) -> JsonResponse:
    """Everything stored about the signed-in person, as a JSON download."""
    person = person_of(request.user)
    if person is None:
        raise Http404
    response = JsonResponse(
        personal_data.export(person), json_dumps_params={"ensure_ascii": False, "indent": 2}
    )
    response["Content-Disposition"] = 'attachment; filename="primi-personal-data.json"'
    return response


@login_required
@never_cache
def erase_account(request: HttpRequest) -> HttpResponse:
    """Ask for the erasure of one's personal data: it is anonymised at once."""
    person = person_of(request.user)
    if person is None:
        raise Http404
    form = EraseAccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            personal_data.erase_own(person)
        except personal_data.StillRegistered:
            form.add_error(
                None,
                _(
                    "You still hold a registration for an event or mission not over yet: "
                    "cancel it first, then delete your account."
                ),
            )
        else:
            logout(request)
            messages.success(request, _("Your personal data is deleted and your account closed."))
            return redirect(reverse("home"))
    status = 400 if form.is_bound and not form.is_valid() else 200
    return render(request, "primi_site/erase_account.html", {"form": form}, status=status)
