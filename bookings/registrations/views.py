"""Registration pages: register, apply, cancel, answer an offer, accept an invitation,
my registrations; and the staff's review, decisions, invitations and exports.

Every POST goes through a service, then redirects with a message (PRG). Domain
errors come back as messages in the reader's language; nothing is half-written.
"""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from bookings.exceptions import InvalidInvitation
from bookings.models import RegistrationState
from bookings.registrations import exports, queries
from bookings.registrations.forms import (
    ApplicationForm,
    BulkDecisionForm,
    DecisionForm,
    GuestAccountForm,
    InvitationForm,
    ReasonForm,
    ReviewFilterForm,
)
from bookings.registrations.permissions import (
    get_registration_for_staff_or_404,
    get_registration_for_user_or_404,
)
from bookings.registrations.services import applications, invitations, registrations
from bookings.registrations.services.common import profile_of
from events.queries import public_event
from missions.people import person_of
from missions.queries import public_mission
from primi_site import auth_backends
from primi_site.bilingual import page_language
from primi_site.choices import zone_for_country
from primi_site.errors import DomainError
from primi_site.page_errors import show_refusal
from primi_site.permissions import staff_required
from primi_site.security import rate_limited

REVIEW_PAGE_SIZE = 50


def _title(target) -> str:
    return target.tr("title", get_language()).text


def _registered_message(registration, title: str) -> str:
    if registration.state == RegistrationState.WAITLISTED:
        return _("“%(title)s” is full: you are on the waitlist, in position %(position)s.") % {
            "title": title,
            "position": registration.waitlist_position,
        }
    return _("You are registered for “%(title)s”.") % {"title": title}


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
@rate_limited("registration", "REGISTRATION_RATE")
def register(request: HttpRequest, slug: str) -> HttpResponse:
    event = public_event(slug)
    if event is None:
        raise Http404
    if request.method == "POST":
        try:
            registration = registrations.register_for_event(
                profile_of(request.user), event, by=request.user
            )
        except DomainError as error:
            show_refusal(request, error)
        else:
            messages.success(request, _registered_message(registration, _title(event)))
    return redirect(event.get_absolute_url())


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
@rate_limited("registration", "REGISTRATION_RATE")
def apply(request: HttpRequest, slug: str) -> HttpResponse:
    mission = public_mission(slug)
    if mission is None:
        raise Http404
    form = ApplicationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            applications.apply_for_mission(profile_of(request.user), mission, form.answers())
        except DomainError as error:
            show_refusal(request, error)
        else:
            messages.success(
                request,
                _("Your application for “%(title)s” is received; we will write to you.")
                % {"title": _title(mission)},
            )
            return redirect(mission.get_absolute_url())
    existing = queries.active_registration(person_of(request.user), mission)
    return render(
        request,
        "bookings/apply.html",
        {"mission": mission, "form": form, "existing": existing},
        status=400 if form.is_bound and not form.is_valid() else 200,
    )


@never_cache
@login_required
def my_registrations(request: HttpRequest) -> HttpResponse:
    person = person_of(request.user)
    rows = list(queries.registrations_of(person)) if person else []
    now = timezone.now()
    for registration in rows:
        registration.can_cancel = registration.is_active and now < (
            registration.target.cancellation_deadline or registration.target.starts_at
        )
    return render(request, "bookings/my_registrations.html", {"registrations": rows})


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def cancel(request: HttpRequest, pk: int) -> HttpResponse:
    registration = get_registration_for_user_or_404(request.user, pk)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            registrations.cancel_registration(
                registration, by=request.user, reason=form.cleaned_data["reason"]
            )
        except DomainError as error:
            show_refusal(request, error)
        else:
            cancelled = (
                _("Your application for “%(title)s” is withdrawn.")
                if registration.mission_id
                else _("Your registration for “%(title)s” is cancelled.")
            )
            messages.success(request, cancelled % {"title": _title(registration.target)})
        return redirect("my_registrations")
    return render(request, "bookings/cancel.html", {"registration": registration, "form": form})


@never_cache
@login_required
@require_POST
def accept_offer(request: HttpRequest, pk: int) -> HttpResponse:
    registration = get_registration_for_user_or_404(request.user, pk)
    try:
        registrations.accept_offer(registration, by=request.user)
    except DomainError as error:
        show_refusal(request, error)
    else:
        messages.success(
            request,
            _("The seat is yours: your registration for “%(title)s” is confirmed.")
            % {"title": _title(registration.target)},
        )
    return redirect("my_registrations")


@never_cache
@login_required
@require_POST
def decline_offer(request: HttpRequest, pk: int) -> HttpResponse:
    registration = get_registration_for_user_or_404(request.user, pk)
    try:
        registrations.decline_offer(registration, by=request.user)
    except DomainError as error:
        show_refusal(request, error)
    else:
        messages.success(request, _("You declined the seat; it goes to the next person."))
    return redirect("my_registrations")


@never_cache
@require_http_methods(["GET", "POST"])
def invitation(request: HttpRequest, token: str) -> HttpResponse:
    try:
        invite = invitations.find_invitation(token)
    except InvalidInvitation as error:
        return render(request, "bookings/invitation_invalid.html", {"error": error}, status=404)
    person = person_of(request.user)
    form = None
    if person is None and not request.user.is_authenticated:
        form = GuestAccountForm(
            request.POST or None,
            email=invite.email,
            initial={
                "language": page_language(get_language()),
                # The browser's zone replaces it where scripts run (primi/browser_zone.js).
                "time_zone": zone_for_country(
                    invite.organisation.country if invite.organisation else None
                )
                or "Europe/Paris",
            },
        )
    if request.method == "POST" and (form is None or form.is_valid()):
        try:
            if form is None:
                registration = invitations.accept_invitation(token, person=profile_of(request.user))
            else:
                registration = invitations.accept_invitation(token, account=form.account())
        except DomainError as error:
            show_refusal(request, error)
            return redirect(request.path)
        if form is not None:
            login(request, registration.person.user, auth_backends.PATH)
        language = registration.person.language
        with translation.override(language):
            messages.success(
                request, _registered_message(registration, _title(registration.target))
            )
            return redirect(reverse("my_registrations"))
    return render(
        request,
        "bookings/invitation.html",
        {"invitation": invite, "target": invite.target, "form": form},
        status=400 if form is not None and form.is_bound and not form.is_valid() else 200,
    )


# Staff pages -----------------------------------------------------------------------


def _review_filters(form) -> queries.ReviewFilters:
    if not form.is_valid():
        return queries.ReviewFilters(states=("__none__",))
    data = form.cleaned_data
    return queries.ReviewFilters(
        event=data["event"],
        mission=data["mission"],
        states=(data["state"],) if data["state"] else (),
        department=data["department"],
        sector=data["sector"],
        organisation=data["organisation"].pk if data["organisation"] else None,
    )


@never_cache
@staff_required
@require_http_methods(["GET", "POST"])
def staff_review(request: HttpRequest) -> HttpResponse:
    language = page_language(get_language())
    if request.method == "POST":
        bulk = BulkDecisionForm(request.POST)
        if bulk.is_valid():
            chosen = {
                registration.pk: registration.person
                for registration in bulk.cleaned_data["registrations"].select_related(
                    "person__user"
                )
            }
            # In the list's order (first come first), as the boxes were ticked.
            ids = [int(pk) for pk in request.POST.getlist("registrations") if int(pk) in chosen]
            outcomes = applications.decide_many(
                ids,
                bulk.cleaned_data["decision"],
                by=request.user,
                reason=bulk.cleaned_data["reason"],
            )
            done = sum(1 for outcome in outcomes if outcome.ok)
            messages.success(
                request,
                ngettext(
                    "%(count)s registration updated.", "%(count)s registrations updated.", done
                )
                % {"count": done},
            )
            for outcome in outcomes:
                if not outcome.ok:
                    messages.error(
                        request,
                        _("%(person)s: %(error)s")
                        % {"person": chosen[outcome.registration_id], "error": outcome.error},
                    )
        else:
            for errors in bulk.errors.values():
                for error in errors:
                    messages.error(request, error)
        return HttpResponseRedirect(request.get_full_path())
    form = ReviewFilterForm(request.GET, language=language)
    page = Paginator(queries.for_review(_review_filters(form)), REVIEW_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "bookings/staff/review.html",
        {
            "form": form,
            "page": page,
            "decision_form": DecisionForm(),
            "filter_query": query.urlencode(),
        },
    )


@never_cache
@staff_required
@require_http_methods(["GET", "POST"])
def staff_registration(request: HttpRequest, pk: int) -> HttpResponse:
    registration = get_registration_for_staff_or_404(request.user, pk)
    cancelling = "cancel" in request.POST
    decision_form = DecisionForm(
        request.POST if request.method == "POST" and not cancelling else None
    )
    cancel_form = ReasonForm(request.POST if cancelling else None, prefix="cancel")
    form = cancel_form if cancelling else decision_form
    if request.method == "POST" and form.is_valid():
        try:
            if cancelling:
                registrations.cancel_registration(
                    registration,
                    by=request.user,
                    reason=form.cleaned_data["reason"],
                    as_staff=True,
                )
            else:
                applications.decide(
                    registration,
                    form.cleaned_data["decision"],
                    by=request.user,
                    reason=form.cleaned_data["reason"],
                )
        except DomainError as error:
            show_refusal(request, error)
        else:
            messages.success(request, _("The registration is updated."))
        return redirect("staff_registration", pk=registration.pk)
    registration = queries.with_positions(
        type(registration).objects.select_related(
            "event", "mission", "person__user", "person__organisation", "invitation"
        )
    ).get(pk=registration.pk)
    return render(
        request,
        "bookings/staff/registration.html",
        {
            "registration": registration,
            "history": queries.history(registration),
            "decision_form": decision_form,
            "cancel_form": cancel_form,
        },
        status=400 if request.method == "POST" else 200,
    )


@never_cache
@staff_required
def staff_export(request: HttpRequest, fmt: str) -> HttpResponse:
    if fmt not in ("csv", "xlsx"):
        raise Http404
    language = page_language(get_language())
    form = ReviewFilterForm(request.GET, language=language)
    lines = exports.rows(queries.for_review(_review_filters(form)), language)
    stamp = timezone.now().strftime("%Y%m%d-%H%M")
    if fmt == "csv":
        response = HttpResponse(exports.as_csv(lines), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(
            exports.as_xlsx(lines),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="participants-{stamp}.{fmt}"'
    return response


@never_cache
@staff_required
@require_http_methods(["GET", "POST"])
def staff_invite(request: HttpRequest) -> HttpResponse:
    form = InvitationForm(request.POST or None, language=page_language(get_language()))
    if request.method == "POST" and form.is_valid():
        invite = invitations.invite_guest(
            email=form.cleaned_data["email"],
            target=form.target,
            language=form.cleaned_data["language"],
            organisation=form.cleaned_data["organisation"],
            by=request.user,
        )
        invite.refresh_from_db(fields=["sent_at", "last_error"])
        if invite.sent_at is not None:
            messages.success(request, _("Invitation sent to %(email)s.") % {"email": invite.email})
        else:  # the job runs later, or the mail server did not answer: it is retried
            messages.info(
                request,
                _(
                    "The invitation to %(email)s is saved; its email is on its way and will be "
                    "sent again until the mail server accepts it."
                )
                % {"email": invite.email},
            )
        return redirect("staff_invite")
    return render(
        request,
        "bookings/staff/invite.html",
        {"form": form},
        status=400 if form.is_bound else 200,
    )
