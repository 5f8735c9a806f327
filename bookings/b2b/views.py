"""Pages of a B2B session for its participants: the session, joining it, the profile, the
directory, a participant, logos, availability. Requests, agendas and meetings are in
`meeting_views`, the staff's pages in `staff_views`, the figures in `bookings.figures.views`.

Views check the shape of the input with forms and call the services; a refusal
(`primi_site.errors.DomainError`) becomes a message on the page, in the page's language
(`primi_site.page_errors.show_refusal`).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bookings.b2b import services
from bookings.b2b.forms import (
    DirectoryForm,
    ProfileForm,
    RequestForm,
)
from bookings.b2b.permissions import (
    get_listed_participant_or_404,
    get_participant_for_user_or_404,
    get_session_or_404,
    may_see_directory,
    participant_of,
)
from bookings.b2b.queries import sessions as queries
from bookings.models import B2BParticipant, Meeting, MeetingRequest, Slot
from missions.people import person_of
from primi_site.bilingual import page_language
from primi_site.errors import DomainError
from primi_site.page_errors import show_refusal

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
