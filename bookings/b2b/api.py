"""The participants' B2B API: the same services and queries as the pages, behind explicit
schemas. The staff's operations are in `staff_api`.

Every object is fetched through the permission functions, so another person's
request, meeting or profile is a 404 on every method. Domain errors become
409 (conflict) or 422 (invalid) with one body shape, in `primi_site.api_errors`.
"""

from django.conf import settings
from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import File, Query, Router, Status, UploadedFile

from bookings.b2b import services
from bookings.b2b.permissions import (
    get_listed_participant_or_404,
    get_meeting_for_user_or_404,
    get_participant_for_user_or_404,
    get_request_for_user_or_404,
    get_session_or_404,
    may_see_directory,
    participant_of,
)
from bookings.b2b.queries import sessions as queries
from bookings.b2b.schemas import (
    AnswerIn,
    BookIn,
    CancelIn,
    DirectoryOut,
    DirectoryQuery,
    FreeSlotsQuery,
    MeetingOut,
    MoveIn,
    MyProfileOut,
    ParticipantOut,
    ProfileIn,
    ReportIn,
    ReportOut,
    RequestIn,
    RequestOut,
    RequestsOut,
    SessionOut,
    SlotOut,
    UnavailableIn,
    UnavailableOut,
)
from bookings.b2b.services.common import B2B_BOOKING_SCOPE, B2B_REQUEST_SCOPE
from bookings.exceptions import Invalid
from bookings.models import B2BParticipant, B2BSession, Meeting, Slot
from missions.models import Sector
from missions.people import person_of
from missions.schemas import Slug
from primi_site import api_throttle
from primi_site.api_auth import AUTHENTICATED
from primi_site.api_errors import AUTHENTICATED as AUTH_ERRORS
from primi_site.api_errors import WITH_BODY, responses
from primi_site.api_idempotency import idempotency_key_header, idempotent
from primi_site.api_pagination import PageParams, paginate, reject_unknown_params
from primi_site.schemas import ObjectId

router = Router(auth=AUTHENTICATED, tags=["b2b"])

READ = (*AUTH_ERRORS, 404, 422)  # a bad slug or id in the path is a 422
WRITE = (*AUTH_ERRORS, *WITH_BODY, 404, 409)


def per_person(request: HttpRequest, scope: str, rate: str) -> None:
    """The person's limit on this kind of creation, counted with the pages' (429 past it).

    Called inside the idempotent work: a replayed answer costs nothing."""
    api_throttle.check(scope, f"user:{request.user.pk}", rate)


def _slot_or_error(session: B2BSession, index: int) -> Slot:
    slot = Slot.objects.filter(session=session, index=index).first()
    if slot is None:
        from django.utils.translation import gettext as _

        raise Invalid(_("This slot is not in this session."), code="slot_outside_session")
    return slot


def _meeting_with_reports(request: HttpRequest, pk: ObjectId) -> tuple[Meeting, B2BParticipant]:
    meeting, mine = get_meeting_for_user_or_404(request.user, pk)
    meeting = (
        queries.meetings_with_sides()
        .prefetch_related("reports", "participant_a__sectors", "participant_b__sectors")
        .get(pk=meeting.pk)
    )
    return meeting, mine


# Sessions, slots, directory ---------------------------------------------------------


@router.get("/sessions/{slug}", response=responses({200: SessionOut}, *READ))
def session_detail(request: HttpRequest, slug: Slug):
    return get_session_or_404(slug)


@router.get("/sessions/{slug}/slots", response=responses({200: list[SlotOut]}, *READ))
def session_slots(request: HttpRequest, slug: Slug):
    return queries.slots(get_session_or_404(slug))


@router.get("/sessions/{slug}/participants", response=responses({200: DirectoryOut}, *READ))
def directory(
    request: HttpRequest, slug: Slug, filters: Query[DirectoryQuery], page: Query[PageParams]
):
    """Approved profiles of the session, filtered; open to its participants and staff."""
    reject_unknown_params(request, DirectoryQuery, PageParams)
    session = get_session_or_404(slug)
    viewer = participant_of(session, request.user)
    if not may_see_directory(session, request.user, viewer):
        raise Http404
    found = queries.directory(
        session,
        queries.DirectoryFilters(
            text=filters.q,
            within=filters.within,
            sectors=filters.sector,
            countries=filters.country,
            languages=filters.language,
            mode=filters.mode,
        ),
        viewer=viewer,
    )
    return paginate(found, page)


@router.get("/sessions/{slug}/participants/{pk}", response=responses({200: ParticipantOut}, *READ))
def participant_detail(request: HttpRequest, slug: Slug, pk: ObjectId):
    session = get_session_or_404(slug)
    return get_listed_participant_or_404(session, request.user, pk)


@router.get(
    "/sessions/{slug}/participants/{pk}/free-slots",
    response=responses({200: list[SlotOut]}, *READ),
)
def free_slots(request: HttpRequest, slug: Slug, pk: ObjectId, query: Query[FreeSlotsQuery]):
    """Slots where you and this participant are both free (with a table, unless online);
    none when booking with them would be refused (the checks of booking: who meets whom,
    a meeting already booked together, an accepted request, the meeting limit)."""
    from bookings.b2b.services.meetings import booking_refusal

    reject_unknown_params(request, FreeSlotsQuery)
    online = query.online
    session = get_session_or_404(slug)
    shown = get_listed_participant_or_404(session, request.user, pk)
    me = get_participant_for_user_or_404(session, request.user)
    if booking_refusal(session, me, shown, online=online) is not None:
        return []
    return queries.free_slots(session, me, shown, online=online, now=timezone.now())


# My profile and availability --------------------------------------------------------


def own_profile(participant: B2BParticipant) -> B2BParticipant:
    return B2BParticipant.objects.prefetch_related("sectors").get(pk=participant.pk)


@router.post("/sessions/{slug}/join", response=responses({201: MyProfileOut}, *WRITE))
def join(request: HttpRequest, slug: Slug):
    session = get_session_or_404(slug)
    person = person_of(request.user)
    if person is None:
        raise Http404
    return Status(201, own_profile(services.join_session(person, session)))


@router.get("/sessions/{slug}/me", response=responses({200: MyProfileOut}, *READ))
def my_profile(request: HttpRequest, slug: Slug):
    session = get_session_or_404(slug)
    return own_profile(get_participant_for_user_or_404(session, request.user))


@router.patch("/sessions/{slug}/me", response=responses({200: MyProfileOut}, *WRITE))
def update_my_profile(request: HttpRequest, slug: Slug, data: ProfileIn):
    session = get_session_or_404(slug)
    me = get_participant_for_user_or_404(session, request.user)
    fields = data.dict(
        exclude_unset=True,
        exclude={"submit", "sectors", "organisation", "directory_consent"},
    )
    if data.organisation is not None:
        fields["organisation_name"] = data.organisation
    sectors = None
    if data.sectors is not None:
        sectors = list(Sector.objects.filter(slug__in=data.sectors))
        unknown = set(data.sectors) - {s.slug for s in sectors}
        if unknown:
            from django.utils.translation import gettext as _

            raise Invalid(
                _("Unknown sectors: %(sectors)s.") % {"sectors": ", ".join(sorted(unknown))},
                code="unknown_sector",
            )
    services.update_profile(
        me,
        me.person,
        sectors=sectors,
        submit=data.submit,
        directory_consent=data.directory_consent,
        **fields,
    )
    return own_profile(me)


@router.post("/sessions/{slug}/me/logo", response=responses({200: MyProfileOut}, *WRITE))
def upload_logo(request: HttpRequest, slug: Slug, logo: File[UploadedFile]):
    """Your photo or logo (PNG, JPEG or WebP, 2 MB at most)."""
    session = get_session_or_404(slug)
    me = get_participant_for_user_or_404(session, request.user)
    from django.core.exceptions import ValidationError
    from django.core.files.images import ImageFile

    from bookings.models.b2b import check_logo, validate_logo_size

    try:
        validate_logo_size(logo)
        check_logo(logo)
    except ValidationError as error:
        raise Invalid(" ".join(error.messages), code=error.code or "not_a_picture") from error
    services.update_profile(me, me.person, logo=ImageFile(logo, name=logo.name))
    return own_profile(me)


@router.get("/sessions/{slug}/me/unavailable", response=responses({200: UnavailableOut}, *READ))
def my_unavailable(request: HttpRequest, slug: Slug):
    session = get_session_or_404(slug)
    me = get_participant_for_user_or_404(session, request.user)
    return {"slots": sorted(queries.unavailable_indexes(me))}


@router.put("/sessions/{slug}/me/unavailable", response=responses({200: UnavailableOut}, *WRITE))
def set_my_unavailable(request: HttpRequest, slug: Slug, data: UnavailableIn):
    session = get_session_or_404(slug)
    me = get_participant_for_user_or_404(session, request.user)
    return {"slots": services.set_unavailable(me, set(data.slots), me.person)}


# Requests ---------------------------------------------------------------------------


@router.get("/sessions/{slug}/requests", response=responses({200: RequestsOut}, *READ))
def my_requests(request: HttpRequest, slug: Slug):
    session = get_session_or_404(slug)
    me = get_participant_for_user_or_404(session, request.user)
    received, sent = queries.requests_of(me)
    return {"received": received, "sent": sent}


@router.post("/sessions/{slug}/requests", response=responses({201: RequestOut}, *WRITE))
def send_request(
    request: HttpRequest,
    slug: Slug,
    data: RequestIn,
    idempotency_key: str | None = idempotency_key_header(),
):
    """Ask a participant for a meeting; send an `Idempotency-Key` to retry safely."""
    session = get_session_or_404(slug)
    me = get_participant_for_user_or_404(session, request.user)
    recipient = get_listed_participant_or_404(session, request.user, data.recipient)

    def work() -> Status:
        per_person(request, B2B_REQUEST_SCOPE, settings.B2B_REQUEST_RATE)
        return Status(201, services.send_request(me, recipient, data.message))

    return idempotent(request, idempotency_key, RequestOut, work)


@router.get("/requests/{pk}", response=responses({200: RequestOut}, *READ))
def request_detail(request: HttpRequest, pk: ObjectId):
    found, _mine = get_request_for_user_or_404(request.user, pk)
    return found


@router.post("/requests/{pk}/accept", response=responses({200: RequestOut}, *WRITE))
def accept_request(request: HttpRequest, pk: ObjectId, data: AnswerIn):
    found, mine = get_request_for_user_or_404(request.user, pk)
    return services.answer_request(found, mine, accept=True, answer=data.answer)


@router.post("/requests/{pk}/decline", response=responses({200: RequestOut}, *WRITE))
def decline_request(request: HttpRequest, pk: ObjectId, data: AnswerIn):
    found, mine = get_request_for_user_or_404(request.user, pk)
    return services.answer_request(found, mine, accept=False, answer=data.answer)


@router.post(
    "/requests/{pk}/withdraw", response=responses({200: RequestOut}, *AUTH_ERRORS, 404, 409, 422)
)
def withdraw_request(request: HttpRequest, pk: ObjectId):
    found, mine = get_request_for_user_or_404(request.user, pk)
    return services.withdraw_request(found, mine)


# Meetings ---------------------------------------------------------------------------


@router.get("/sessions/{slug}/meetings", response=responses({200: list[MeetingOut]}, *READ))
def my_meetings(request: HttpRequest, slug: Slug):
    session = get_session_or_404(slug)
    me = get_participant_for_user_or_404(session, request.user)
    return queries.agenda(me)


@router.post("/sessions/{slug}/meetings", response=responses({201: MeetingOut}, *WRITE))
def book(
    request: HttpRequest,
    slug: Slug,
    data: BookIn,
    idempotency_key: str | None = idempotency_key_header(),
):
    """Book a slot with a participant; send an `Idempotency-Key` to retry safely."""
    session = get_session_or_404(slug)
    me = get_participant_for_user_or_404(session, request.user)
    other = get_listed_participant_or_404(session, request.user, data.participant)
    slot = _slot_or_error(session, data.slot)

    def work() -> Status:
        per_person(request, B2B_BOOKING_SCOPE, settings.B2B_BOOKING_RATE)
        meeting = services.book_meeting(me, other, slot, online=data.online)
        return Status(201, _meeting_with_reports(request, meeting.pk)[0])

    return idempotent(request, idempotency_key, MeetingOut, work)


@router.get("/meetings/{pk}", response=responses({200: MeetingOut}, *READ))
def meeting_detail(request: HttpRequest, pk: ObjectId):
    return _meeting_with_reports(request, pk)[0]


@router.post("/meetings/{pk}/reschedule", response=responses({200: MeetingOut}, *WRITE))
def reschedule(request: HttpRequest, pk: ObjectId, data: MoveIn):
    meeting, mine = get_meeting_for_user_or_404(request.user, pk)
    slot = _slot_or_error(meeting.session, data.slot)
    services.reschedule_meeting(meeting, mine, slot, online=data.online)
    return _meeting_with_reports(request, pk)[0]


@router.post("/meetings/{pk}/cancel", response=responses({200: MeetingOut}, *WRITE))
def cancel(request: HttpRequest, pk: ObjectId, data: CancelIn):
    meeting, mine = get_meeting_for_user_or_404(request.user, pk)
    services.cancel_meeting(meeting, mine, data.reason)
    return _meeting_with_reports(request, pk)[0]


@router.put("/meetings/{pk}/report", response=responses({200: ReportOut}, *WRITE))
def report(request: HttpRequest, pk: ObjectId, data: ReportIn):
    meeting, mine = get_meeting_for_user_or_404(request.user, pk)
    saved = services.report_meeting(
        meeting, mine, took_place=data.took_place, outcome=data.outcome, note=data.note
    )
    return saved
