"""Pages of B2B requests and meetings: send a request or book a slot, answer requests, the
agenda (screen and print), a meeting (move, cancel, report).

Views check the shape of the input with forms and call the services; a refusal
(`primi_site.errors.DomainError`) becomes a message on the page, in the page's language
(`primi_site.page_errors.show_refusal`).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bookings.b2b import services
from bookings.b2b.forms import (
    AnswerForm,
    CancelForm,
    ReportForm,
    RequestForm,
    SlotForm,
)
from bookings.b2b.permissions import (
    get_listed_participant_or_404,
    get_meeting_for_user_or_404,
    get_participant_for_user_or_404,
    get_request_for_user_or_404,
    get_session_or_404,
)
from bookings.b2b.queries import sessions as queries
from bookings.b2b.services.common import B2B_BOOKING_SCOPE, B2B_REQUEST_SCOPE
from bookings.exceptions import BookingError
from bookings.models import Slot
from primi_site.errors import DomainError
from primi_site.page_errors import show_refusal
from primi_site.security import rate_limited


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
