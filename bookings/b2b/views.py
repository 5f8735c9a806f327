"""Pages of the B2B meetings: session, profile, directory, requests, availability,
agenda (screen and print), meeting, and the staff's grid and figures.

Views check the shape of the input with forms and call the services; a refusal
(`primi_site.errors.DomainError`) becomes a message on the page, in the page's language
(`primi_site.page_errors.show_refusal`).
"""

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bookings.b2b import services
from bookings.b2b.forms import (
    AnswerForm,
    CancelForm,
    DirectoryForm,
    ProfileForm,
    ReportForm,
    RequestForm,
    ScheduleForm,
    SlotForm,
)
from bookings.b2b.permissions import (
    get_listed_participant_or_404,
    get_meeting_for_user_or_404,
    get_participant_for_user_or_404,
    get_request_for_user_or_404,
    get_run_or_404,
    get_session_or_404,
    may_see_directory,
    participant_of,
)
from bookings.b2b.queries import runs as queries_schedule
from bookings.b2b.queries import sessions as queries
from bookings.b2b.render import grid_rows_html, picture
from bookings.b2b.services import schedule as scheduler
from bookings.b2b.services.common import B2B_BOOKING_SCOPE, B2B_REQUEST_SCOPE
from bookings.b2b.services.solver_io import session_to_instance
from bookings.exceptions import BookingError
from bookings.figures import b2b as b2b_figures
from bookings.models import B2BParticipant, Meeting, MeetingRequest, ScheduleRun, Slot
from missions.models import Mission
from missions.people import person_of
from primi_site.bilingual import page_language
from primi_site.errors import DomainError
from primi_site.formatting import format_number
from primi_site.page_errors import show_refusal
from primi_site.permissions import staff_required
from primi_site.security import rate_limited

DIRECTORY_PAGE = 24


def session_home(request: HttpRequest, slug: str) -> HttpResponse:
    session = get_session_or_404(slug)
    participant = participant_of(session, request.user)
    context = {
        "session": session,
        "event": session.event,
        "participant": participant,
        "can_see_directory": may_see_directory(session, request.user, participant),
        "slot_count": Slot.objects.filter(session=session).count(),
    }
    return render(request, "bookings/b2b/session.html", context)


@login_required
@require_POST
def join(request: HttpRequest, slug: str) -> HttpResponse:
    session = get_session_or_404(slug)
    person = person_of(request.user)
    if person is None:
        raise Http404
    try:
        services.join_session(person, session)
    except DomainError as error:
        show_refusal(request, error)
        return redirect("b2b_session", slug=slug)
    messages.success(request, _("Welcome! Fill in your profile so that others can find you."))
    return redirect("b2b_profile", slug=slug)


@login_required
def profile(request: HttpRequest, slug: str) -> HttpResponse:
    session = get_session_or_404(slug)
    participant = get_participant_for_user_or_404(session, request.user)
    language = page_language(get_language())
    form = ProfileForm(
        request.POST or None, request.FILES or None, instance=participant, language=language
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        sectors = data.pop("sectors")
        consent = data.pop("directory_consent")
        if data.get("logo") is False:  # the "clear" box of the file input
            data["logo"] = ""
        try:
            services.update_profile(
                participant,
                participant.person,
                sectors=sectors,
                submit="submit" in request.POST,
                directory_consent=consent,
                **data,
            )
        except DomainError as error:
            show_refusal(request, error)
        else:
            messages.success(request, _("Your profile is saved."))
            return redirect("b2b_profile", slug=slug)
    return render(
        request,
        "bookings/b2b/profile.html",
        {"session": session, "event": session.event, "participant": participant, "form": form},
        status=400 if form.is_bound and not form.is_valid() else 200,
    )


@login_required
def directory(request: HttpRequest, slug: str) -> HttpResponse:
    session = get_session_or_404(slug)
    participant = participant_of(session, request.user)
    if not may_see_directory(session, request.user, participant):
        return render(
            request,
            "bookings/b2b/closed.html",
            {"session": session, "event": session.event, "participant": participant},
            status=403,
        )
    language = page_language(get_language())
    form = DirectoryForm(
        request.GET or None,
        language=language,
        sectors=queries.session_sectors(session),
        countries=queries.directory_countries(session),
    )
    found = queries.directory(session, form.filters(), viewer=participant)
    page = Paginator(found, DIRECTORY_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "bookings/b2b/directory.html",
        {
            "session": session,
            "event": session.event,
            "participant": participant,
            "form": form,
            "page": page,
            "filter_query": query.urlencode(),
        },
    )


LOGO_TYPES = {"png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg", "webp": "image/webp"}


def _may_see_logo(participant: B2BParticipant, user) -> bool:
    """Whoever may see the profile, and the people who asked or met this participant."""
    session = participant.session
    try:
        get_listed_participant_or_404(session, user, participant.pk)
    except Http404:
        viewer = participant_of(session, user)
        if viewer is None:
            return False
        pair = Q(participant_a=viewer, participant_b=participant) | Q(
            participant_a=participant, participant_b=viewer
        )
        asked = Q(sender=viewer, recipient=participant) | Q(sender=participant, recipient=viewer)
        return (
            Meeting.objects.filter(pair).exists() or MeetingRequest.objects.filter(asked).exists()
        )
    return True


@login_required
def logo(request: HttpRequest, pk: int) -> HttpResponse:
    """A participant's photo or logo, to those who may see it, as an inert picture: its
    type from its checked format, never sniffed, never run as a page, kept privately."""
    participant = B2BParticipant.objects.select_related("session__event").filter(pk=pk).first()
    if participant is None or not participant.logo or not _may_see_logo(participant, request.user):
        raise Http404
    ending = participant.logo.name.rsplit(".", 1)[-1].lower()
    if ending not in LOGO_TYPES:
        raise Http404
    try:
        handle = participant.logo.open("rb")
    except OSError:
        raise Http404 from None
    response = FileResponse(handle, content_type=LOGO_TYPES[ending])
    response["Content-Disposition"] = f'inline; filename="logo.{ending}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    patch_cache_control(response, private=True, max_age=300)
    return response


@login_required
def participant_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    session = get_session_or_404(slug)
    shown = get_listed_participant_or_404(session, request.user, pk)
    me = participant_of(session, request.user)
    context = {"session": session, "event": session.event, "shown": shown, "participant": me}
    if me is not None and me.pk != shown.pk:
        context.update(_offers(request, session, me, shown))
    return render(request, "bookings/b2b/participant.html", context)


MODE_REFUSALS = ("mode_online_only", "mode_in_person_only", "no_online", "online_only")


def _offers(request: HttpRequest, session, me: B2BParticipant, shown: B2BParticipant) -> dict:
    """What the profile page offers: only what the services would accept, asked of the
    same checks they refuse with (who meets whom, a pair once, limits, the session)."""
    from bookings.b2b.services.common import pair_refusal
    from bookings.b2b.services.meetings import booking_refusal
    from bookings.b2b.services.requests import live_request_between, request_refusal

    refused = pair_refusal(session, me, shown)
    if refused is not None:
        return {"meet_refusal": refused}
    live = live_request_between(me, shown)
    online = request.GET.get("online") == "1"
    cannot_book = booking_refusal(session, me, shown, online=online)
    offers = {
        "live_request": live,
        "request_refusal": None if live else request_refusal(session, me, shown),
        "request_form": RequestForm(),
        "online": online,
        "may_book": cannot_book is None,
        "booking_refusal": cannot_book,
        "may_switch_mode": cannot_book is None or cannot_book.code in MODE_REFUSALS,
    }
    if cannot_book is None:
        offers["free_slots"] = queries.free_slots(
            session, me, shown, online=online, now=timezone.now()
        )
    return offers


@login_required
@require_POST
@rate_limited(B2B_REQUEST_SCOPE, "B2B_REQUEST_RATE")
def send_request(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    session = get_session_or_404(slug)
    shown = get_listed_participant_or_404(session, request.user, pk)
    me = get_participant_for_user_or_404(session, request.user)
    form = RequestForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors.get("message", [])))
    else:
        try:
            services.send_request(me, shown, form.cleaned_data["message"])
        except DomainError as error:
            show_refusal(request, error)
        else:
            messages.success(request, _("Your request is sent."))
    return redirect("b2b_participant", slug=slug, pk=pk)


@login_required
@require_POST
@rate_limited(B2B_BOOKING_SCOPE, "B2B_BOOKING_RATE")
def book(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    session = get_session_or_404(slug)
    shown = get_listed_participant_or_404(session, request.user, pk)
    me = get_participant_for_user_or_404(session, request.user)
    form = SlotForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a slot."))
        return redirect("b2b_participant", slug=slug, pk=pk)
    slot = Slot.objects.filter(session=session, index=form.cleaned_data["slot"]).first()
    try:
        if slot is None:
            raise BookingError(_("This slot is not in this session."), "slot_outside_session")
        meeting = services.book_meeting(me, shown, slot, online=form.cleaned_data["online"])
    except DomainError as error:
        show_refusal(request, error)
        return redirect("b2b_participant", slug=slug, pk=pk)
    messages.success(request, _("The meeting is booked."))
    return redirect("b2b_meeting", pk=meeting.pk)


@login_required
def requests_page(request: HttpRequest, slug: str) -> HttpResponse:
    session = get_session_or_404(slug)
    me = get_participant_for_user_or_404(session, request.user)
    received, sent = queries.requests_of(me)
    return render(
        request,
        "bookings/b2b/requests.html",
        {
            "session": session,
            "event": session.event,
            "participant": me,
            "received": received,
            "sent": sent,
            "answer_form": AnswerForm(),
        },
    )


@login_required
@require_POST
def request_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    if action not in ("accept", "decline", "withdraw"):
        raise Http404
    meeting_request, mine = get_request_for_user_or_404(request.user, pk)
    form = AnswerForm(request.POST)
    answer = form.cleaned_data["answer"] if form.is_valid() else ""
    try:
        if action == "accept":
            services.answer_request(meeting_request, mine, accept=True, answer=answer)
            messages.success(request, _("Accepted: you can now book a slot together."))
        elif action == "decline":
            services.answer_request(meeting_request, mine, accept=False, answer=answer)
            messages.success(request, _("Declined."))
        else:
            services.withdraw_request(meeting_request, mine)
            messages.success(request, _("The request is withdrawn."))
    except DomainError as error:
        show_refusal(request, error)
    return redirect("b2b_requests", slug=meeting_request.session.event.slug)


@login_required
def availability(request: HttpRequest, slug: str) -> HttpResponse:
    session = get_session_or_404(slug)
    me = get_participant_for_user_or_404(session, request.user)
    if request.method == "POST":
        try:
            chosen = {int(value) for value in request.POST.getlist("unavailable")}
        except ValueError:
            chosen = None
            messages.error(request, _("Choose slots from the list."))
        if chosen is not None:
            try:
                services.set_unavailable(me, chosen, me.person)
            except DomainError as error:
                show_refusal(request, error)
            else:
                messages.success(request, _("Your availability is saved."))
                return redirect("b2b_availability", slug=slug)
    busy = set(me.seats.filter(active=True).values_list("slot__index", flat=True))
    return render(
        request,
        "bookings/b2b/availability.html",
        {
            "session": session,
            "event": session.event,
            "participant": me,
            "slots": list(queries.slots(session)),
            "unavailable": queries.unavailable_indexes(me),
            "busy": busy,
        },
    )


def _agenda_context(request: HttpRequest, slug: str) -> dict:
    session = get_session_or_404(slug)
    me = get_participant_for_user_or_404(session, request.user)
    meetings = queries.agenda(me)
    return {
        "session": session,
        "event": session.event,
        "participant": me,
        "rows": [(meeting, meeting.other(me)) for meeting in meetings],
    }


@login_required
def agenda(request: HttpRequest, slug: str) -> HttpResponse:
    return render(request, "bookings/b2b/agenda.html", _agenda_context(request, slug))


@login_required
def agenda_print(request: HttpRequest, slug: str) -> HttpResponse:
    return render(request, "bookings/b2b/agenda_print.html", _agenda_context(request, slug))


@login_required
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting, mine = get_meeting_for_user_or_404(request.user, pk)
    other = meeting.other(mine)
    report = meeting.reports.filter(participant=mine).first()
    context = {
        "meeting": meeting,
        "session": meeting.session,
        "event": meeting.session.event,
        "participant": mine,
        "other": other,
        "report": report,
        "report_form": ReportForm(
            initial={
                "took_place": "yes" if report is None or report.took_place else "no",
                "outcome": report.outcome if report else "none",
                "note": report.note if report else "",
            }
        ),
        "started": meeting.slot.starts_at <= timezone.now(),
    }
    if meeting.is_active:
        context["free_slots"] = queries.free_slots(
            meeting.session, mine, other, online=meeting.online, now=timezone.now()
        )
    return render(request, "bookings/b2b/meeting.html", context)


@login_required
@require_POST
def meeting_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    if action not in ("move", "cancel", "report"):
        raise Http404
    meeting, mine = get_meeting_for_user_or_404(request.user, pk)
    try:
        if action == "move":
            form = SlotForm(request.POST)
            if not form.is_valid():
                raise BookingError(_("Choose a slot."), "slot_missing")
            slot = Slot.objects.filter(
                session=meeting.session, index=form.cleaned_data["slot"]
            ).first()
            if slot is None:
                raise BookingError(_("This slot is not in this session."), "slot_outside_session")
            services.reschedule_meeting(meeting, mine, slot)
            messages.success(request, _("The meeting is moved; both of you are told."))
        elif action == "cancel":
            form = CancelForm(request.POST)
            reason = form.cleaned_data["reason"] if form.is_valid() else ""
            services.cancel_meeting(meeting, mine, reason)
            messages.success(request, _("The meeting is cancelled; both of you are told."))
        else:
            form = ReportForm(request.POST)
            if not form.is_valid():
                raise BookingError(_("Say whether the meeting took place."), "report_invalid")
            services.report_meeting(
                meeting,
                mine,
                took_place=form.cleaned_data["took_place"],
                outcome=form.cleaned_data["outcome"] or "none",
                note=form.cleaned_data["note"],
            )
            messages.success(request, _("Thank you, your report is saved."))
    except DomainError as error:
        show_refusal(request, error)
    return redirect("b2b_meeting", pk=meeting.pk)


# Staff ------------------------------------------------------------------------------


@staff_required
def staff_grid(request: HttpRequest, slug: str) -> HttpResponse:
    session = get_session_or_404(slug)
    language = page_language(get_language())
    free = _("free")
    days = [
        (day, picture(day, session.event.time_zone, language), grid_rows_html(day, free))
        for day in queries.grid(session)
    ]
    return render(
        request,
        "bookings/b2b/staff_grid.html",
        {"session": session, "event": session.event, "days": days},
    )


FIGURE_COLUMNS = ("booked", "held", "no_shows", "disputed", "unreported")


def _figures_response(request: HttpRequest, title: str, sessions, filename: str, context: dict):
    result = b2b_figures.figures(sessions)
    if request.GET.get("format") == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
        writer = csv.writer(response)
        writer.writerow([_("figure"), _("group"), _("value")])
        for name in FIGURE_COLUMNS:
            writer.writerow([name, "", getattr(result, name)])
        for outcome, count in result.outcome_rows():
            writer.writerow(["outcome", outcome, count])
        for key, count in sorted(result.held_by_department.items()):
            writer.writerow(["held_by_department", key, count])
        for key, count in sorted(result.held_by_country.items()):
            writer.writerow(["held_by_country", key, count])
        return response
    return render(
        request,
        "bookings/b2b/staff_figures.html",
        {**context, "title": title, "figures": result},
    )


@staff_required
def staff_figures(request: HttpRequest, slug: str) -> HttpResponse:
    session = get_session_or_404(slug)
    return _figures_response(
        request,
        str(session.event),
        [session],
        f"b2b-{slug}",
        {"session": session, "event": session.event},
    )


@staff_required
def mission_figures(request: HttpRequest, slug: str) -> HttpResponse:
    mission = get_object_or_404(Mission, slug=slug)
    sessions = list(queries.b2b_sessions_of_mission(mission))
    return _figures_response(
        request,
        str(mission),
        sessions,
        f"b2b-mission-{slug}",
        {"mission": mission, "sessions": sessions},
    )


@staff_required
def staff_instance(request: HttpRequest, slug: str) -> JsonResponse:
    """The session as a `primi-b2b/1` instance, for the scheduler."""
    session = get_session_or_404(slug)
    response = JsonResponse(session_to_instance(session), json_dumps_params={"indent": 2})
    response["Content-Disposition"] = f'attachment; filename="b2b-{slug}.json"'
    return response


# Staff: the automatic scheduler ------------------------------------------------------


def _run_or_404(session, pk: int) -> ScheduleRun:
    return get_run_or_404(session, pk)


@staff_required
def staff_schedule(request: HttpRequest, slug: str) -> HttpResponse:
    """The runs of the session, and the form that starts one."""
    session = get_session_or_404(slug)
    form = ScheduleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            run = scheduler.request_schedule(
                session,
                person_of(request.user),
                time_limit=form.cleaned_data["time_limit"],
                allow_moves=form.cleaned_data["allow_moves"],
            )
        except DomainError as error:
            show_refusal(request, error)
        else:
            return redirect("b2b_staff_run", slug, run.pk)
    return render(
        request,
        "bookings/b2b/staff_schedule.html",
        {
            "session": session,
            "event": session.event,
            "form": form,
            "runs": queries_schedule.runs_of(session),
        },
    )


def progress_of(run: ScheduleRun) -> dict:
    return {
        "id": run.pk,
        "state": run.state,
        "state_label": run.get_state_display(),  # in the page's language, for the script
        "best_breaks": run.best_breaks,
        "bound": run.bound,
        "elapsed": run.elapsed,
        "placed": run.placed,
        "total": run.total,
        "solver_status": run.solver_status,
        "moved": run.moved,
        "error": run.error,
    }


@staff_required
def staff_schedule_run(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """A run: its progress while it works (the page refreshes itself), then the preview."""
    session = get_session_or_404(slug)
    run = _run_or_404(session, pk)
    context = {"session": session, "event": session.event, "run": run}
    if run.solution:
        language = page_language(get_language())
        result = queries_schedule.preview(run)
        free = _("free")
        context["days"] = [
            (day, picture(day, session.event.time_zone, language), grid_rows_html(day, free))
            for day in queries_schedule.proposed_grid(run, result)
        ]
        context["agendas"] = result.agendas()
        context["unscheduled"] = queries_schedule.unscheduled(run)
    return render(request, "bookings/b2b/staff_run.html", context)


@staff_required
def staff_schedule_progress(request: HttpRequest, slug: str, pk: int) -> JsonResponse:
    return JsonResponse(progress_of(_run_or_404(get_session_or_404(slug), pk)))


@staff_required
@require_POST
def staff_schedule_action(request: HttpRequest, slug: str, pk: int, action: str) -> HttpResponse:
    session = get_session_or_404(slug)
    run = _run_or_404(session, pk)
    try:
        if action == "publish":
            counts = scheduler.publish_schedule(run, person_of(request.user))
            placed = ngettext(
                "%(count)s meeting placed", "%(count)s meetings placed", counts["placed"]
            ) % {"count": format_number(counts["placed"])}
            moved = ngettext("%(count)s moved", "%(count)s moved", counts["moved"]) % {
                "count": format_number(counts["moved"])
            }
            messages.success(
                request,
                _("Schedule published: %(placed)s, %(moved)s; everyone receives their agenda.")
                % {"placed": placed, "moved": moved},
            )
        elif action == "discard":
            scheduler.discard_schedule(run, person_of(request.user))
            messages.success(request, _("The run is discarded."))
        else:
            raise Http404
    except DomainError as error:
        show_refusal(request, error)
    return redirect("b2b_staff_run", slug, run.pk)
