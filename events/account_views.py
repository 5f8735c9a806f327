"""The "Calendar subscriptions" section of the account page: private feed tokens.

A token's secret is shown once, on the page that follows its creation or
rotation (it travels there in the session and is dropped as soon as it is shown);
afterwards only its name, its dates and the buttons to rotate or revoke it remain.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from events import queries, services
from events.templatetags.calendar_links import subscription
from missions.people import person_of
from primi_site.errors import DomainError
from primi_site.page_errors import show_refusal

SESSION_KEY = "new_feed_token"
SECTION = "#calendar-subscriptions"


class FeedTokenForm(forms.Form):
    prefix = "token"
    name = forms.CharField(
        label=gettext_lazy("Name of the device or app"),
        max_length=80,
        help_text=gettext_lazy("For example “Phone” or “Work Outlook”: one per device."),
    )


def _account() -> str:
    return reverse("account") + SECTION


def _person_or_404(request: HttpRequest):
    person = person_of(request.user)
    if person is None:
        raise Http404
    return person


def calendar_subscriptions(request: HttpRequest, person, form: FeedTokenForm | None = None):
    """The section's context, for the account page."""
    created = request.session.pop(SESSION_KEY, None)
    new = None
    if created:
        feed_url = request.build_absolute_uri(
            reverse("feed_private", kwargs={"token": created["secret"]})
        )
        new = {"name": created["name"], **subscription(feed_url, created["name"])}
    return {
        "feed_tokens": list(queries.feed_tokens_of(person)),
        "feed_token_form": form or FeedTokenForm(),
        "new_feed_token": new,
    }


def _show_once(request: HttpRequest, name: str, secret: str) -> None:
    request.session[SESSION_KEY] = {"name": name, "secret": secret}


@login_required
@require_POST
def create_token(request: HttpRequest) -> HttpResponse:
    person = _person_or_404(request)
    form = FeedTokenForm(request.POST)
    if form.is_valid():
        try:
            token, secret = services.create_feed_token(person, form.cleaned_data["name"])
        except ValidationError as error:
            form.add_error(None, error)
        except DomainError as error:
            show_refusal(request, error, form)
        else:
            _show_once(request, token.name, secret)
            return HttpResponseRedirect(_account())
    for error in form.errors.get("name", []) + form.non_field_errors():
        messages.error(request, error)
    return HttpResponseRedirect(_account())


@login_required
@require_POST
def rotate_token(request: HttpRequest, pk: int) -> HttpResponse:
    token = queries.get_feed_token_for_person_or_404(_person_or_404(request), pk)
    secret = services.rotate_feed_token(token)
    _show_once(request, token.name, secret)
    messages.success(
        request,
        _("“%(name)s” has a new address; the old one no longer works.") % {"name": token.name},
    )
    return redirect(_account())


@login_required
@require_POST
def revoke_token(request: HttpRequest, pk: int) -> HttpResponse:
    token = queries.get_feed_token_for_person_or_404(_person_or_404(request), pk)
    services.revoke_feed_token(token)
    messages.success(
        request, _("“%(name)s” is revoked; its address no longer works.") % {"name": token.name}
    )
    return redirect(_account())
