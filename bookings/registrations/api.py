"""The registrations API: register, apply, list mine, cancel; the staff's review.

Views are thin: parse, fetch-and-authorise (another person's registration is a 404),
call the service, shape the answer. Domain refusals (`bookings.exceptions`) carry
their status (409 conflicts, 422 the rest); `primi_site.api_errors` answers them.
"""

from django.http import Http404, HttpRequest, HttpResponse
from django.utils import translation
from ninja import Query, Router
from ninja.responses import Status

from bookings.exceptions import ReasonRequired
from bookings.models import Registration
from bookings.registrations import exports, queries
from bookings.registrations.permissions import (
    get_registration_for_staff_or_404,
    get_registration_for_user_or_404,
)
from bookings.registrations.schemas import (
    ApplicationIn,
    BulkDecisionIn,
    BulkDecisionOut,
    DecisionIn,
    RegistrationIn,
    RegistrationOut,
    RegistrationPageOut,
    ReviewedRegistrationOut,
    ReviewPageOut,
    ReviewQuery,
)
from bookings.registrations.services.applications import apply_for_mission, decide, decide_many
from bookings.registrations.services.common import profile_of
from bookings.registrations.services.registrations import cancel_registration, register_for_event
from events.models import Event
from missions.models import Mission
from primi_site.api_auth import AUTHENTICATED, STAFF
from primi_site.api_errors import AUTHENTICATED as AUTH_ERRORS
from primi_site.api_errors import WITH_BODY, responses
from primi_site.api_idempotency import idempotency_key_header, idempotent
from primi_site.api_language import LangQuery, api_language
from primi_site.api_pagination import PageParams, paginate, reject_unknown_params
from primi_site.bilingual import localized
from primi_site.schemas import ObjectId

router = Router(tags=["registrations"], auth=AUTHENTICATED)
staff_router = Router(tags=["staff: registrations"], auth=STAFF)


def registration_out(registration: Registration, language: str) -> dict:
    """A registration as the API shows it; call inside `translation.override(language)`."""
    target = registration.target
    title = localized(target, "title", language)
    if hasattr(registration, "waitlist_quota"):  # read with `queries.with_positions`
        position, quota = registration.waitlist_position, registration.waitlist_quota
    else:
        position, quota = queries.waiting_of(registration)
    return {
        "id": registration.pk,
        "target": {
            "kind": "event" if registration.event_id else "mission",
            "slug": target.slug,
            "title": title.text,
            "title_lang": title.lang,
            "starts_at": target.starts_at,
            "time_zone": target.time_zone,
        },
        "state": registration.state,
        "state_label": str(registration.get_state_display()),
        "waitlist_position": position,
        "waitlist_quota": quota,
        "offer_expires_at": registration.offer_expires_at,
        "decision_reason": registration.decision_reason,
        "created_at": registration.created_at,
        "updated_at": registration.updated_at,
    }


def reviewed_out(registration: Registration, language: str) -> dict:
    person = registration.person
    organisation = person.organisation
    return {
        **registration_out(registration, language),
        "person": {
            "id": person.pk,
            "name": person.user.get_full_name() or person.user.get_username(),
            "email": person.user.email,
            "organisation": organisation.name if organisation else None,
            "department": (organisation.department or None) if organisation else None,
        },
        "company_pitch": registration.company_pitch,
        "trip_goals": registration.trip_goals,
        "target_markets": registration.target_markets,
    }


def _answer(request: HttpRequest, registration: Registration, status: int = 200) -> Status:
    language = api_language(request)
    with translation.override(language):
        return Status(status, registration_out(registration, language))


def _open_event_or_404(slug: str) -> Event:
    event = Event.objects.filter(slug=slug).exclude(status=Event.Status.DRAFT).first()
    if event is None:
        raise Http404("No such event.")
    return event


def _open_mission_or_404(slug: str) -> Mission:
    mission = Mission.objects.filter(slug=slug).exclude(status=Mission.Status.DRAFT).first()
    if mission is None:
        raise Http404("No such mission.")
    return mission


@router.post(
    "/registrations",
    response=responses({201: RegistrationOut}, *AUTH_ERRORS, *WITH_BODY, 404, 409),
    summary="Register for an event",
    description=(
        "Confirmed while seats remain, else waitlisted (with `waitlist_position`). "
        "409 `already_registered`, `event_full_no_waitlist`; 422 `registration_closed`, "
        "`members_only`, `no_profile`. Send an `Idempotency-Key` to retry safely."
    ),
)
def create_registration(
    request: HttpRequest,
    payload: RegistrationIn,
    idempotency_key: str | None = idempotency_key_header(),
) -> Status:
    event = _open_event_or_404(payload.event)

    def work() -> Status:
        with translation.override(api_language(request)):
            person = profile_of(request.user)
            return _answer(request, register_for_event(person, event), 201)

    return idempotent(request, idempotency_key, RegistrationOut, work)


@router.post(
    "/applications",
    response=responses({201: RegistrationOut}, *AUTH_ERRORS, *WITH_BODY, 404, 409),
    summary="Apply for a mission",
    description=(
        "The application waits for the staff's decision (`applied`). 409 "
        "`already_registered`; 422 `incomplete_application`, `registration_closed`, "
        "`members_only`. Send an `Idempotency-Key` to retry safely."
    ),
)
def create_application(
    request: HttpRequest,
    payload: ApplicationIn,
    idempotency_key: str | None = idempotency_key_header(),
) -> Status:
    mission = _open_mission_or_404(payload.mission)
    answers = payload.model_dump(include={"company_pitch", "trip_goals", "target_markets"})

    def work() -> Status:
        with translation.override(api_language(request)):
            person = profile_of(request.user)
            return _answer(request, apply_for_mission(person, mission, answers), 201)

    return idempotent(request, idempotency_key, RegistrationOut, work)


@router.get(
    "/registrations",
    response=responses({200: RegistrationPageOut}, *AUTH_ERRORS, 422),
    summary="My registrations and applications",
    description="The active ones first, then the latest; with waitlist positions.",
)
def list_registrations(
    request: HttpRequest, page: Query[PageParams], options: Query[LangQuery]
) -> dict:
    reject_unknown_params(request, PageParams, LangQuery)
    person = profile_of(request.user)
    language = api_language(request)
    with translation.override(language):
        return paginate(
            queries.registrations_of(person),
            page,
            lambda registration: registration_out(registration, language),
        )


@router.get(
    "/registrations/{registration_id}",
    response=responses({200: RegistrationOut}, *AUTH_ERRORS, 404, 422),
    summary="One of my registrations",
)
def get_registration(
    request: HttpRequest, registration_id: ObjectId, options: Query[LangQuery]
) -> Status:
    reject_unknown_params(request, LangQuery)
    registration = get_registration_for_user_or_404(request.user, registration_id)
    return _answer(request, registration)


@router.post(
    "/registrations/{registration_id}/cancel",
    url_name="cancel_registration",  # `cancel` is the B2B meeting's
    response=responses({200: RegistrationOut}, *AUTH_ERRORS, 404, 409, 422),
    summary="Cancel one of my registrations",
    description=(
        "Until the cancellation deadline (422 `cancellation_closed` after it); a freed "
        "seat goes to the waitlist. 409 `invalid_transition` when already ended."
    ),
)
def cancel(request: HttpRequest, registration_id: ObjectId) -> Status:
    registration = get_registration_for_user_or_404(request.user, registration_id)
    return _answer(request, cancel_registration(registration, by=request.user))


# ------------------------------------------------------------------ the staff's review


def _review_filters(filters: ReviewQuery) -> queries.ReviewFilters:
    return queries.ReviewFilters(
        event=_open_event_or_404(filters.event) if filters.event else None,
        mission=_open_mission_or_404(filters.mission) if filters.mission else None,
        states=tuple(filters.state),
        department=filters.department or "",
        organisation=filters.organisation,
    )


@staff_router.get(
    "/staff/registrations",
    response=responses({200: ReviewPageOut}, *AUTH_ERRORS, 404, 422),
    summary="Review registrations and applications (staff)",
    description=(
        "Filtered by `event` or `mission` (slugs, 404 when unknown), `state` "
        "(repeatable), `department`, `organisation` (id); the waitlist's order first."
    ),
)
def review_list(request: HttpRequest, filters: Query[ReviewQuery], page: Query[PageParams]) -> dict:
    reject_unknown_params(request, ReviewQuery, PageParams)
    language = api_language(request)
    with translation.override(language):
        return paginate(
            queries.for_review(_review_filters(filters)),
            page,
            lambda registration: reviewed_out(registration, language),
        )


@staff_router.get(
    "/staff/registrations.csv",
    response=responses({200: str}, *AUTH_ERRORS, 404, 422),
    summary="Export the review list as CSV (staff)",
    description="The same filters as the review list; UTF-8 with a byte order mark.",
    openapi_extra={"responses": {200: {"content": {"text/csv": {"schema": {"type": "string"}}}}}},
)
def review_export(request: HttpRequest, filters: Query[ReviewQuery]) -> HttpResponse:
    reject_unknown_params(request, ReviewQuery)
    language = api_language(request)
    with translation.override(language):
        lines = exports.rows(queries.for_review(_review_filters(filters)), language)
        response = HttpResponse(exports.as_csv(lines), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="registrations.csv"'
    return response


@staff_router.post(
    "/staff/registrations/{registration_id}/decision",
    response=responses({200: ReviewedRegistrationOut}, *AUTH_ERRORS, *WITH_BODY, 404, 409),
    summary="Accept, reject or waitlist one registration (staff)",
    description="A reason is required to reject (422 `reason_required`); it is emailed.",
)
def decide_one(request: HttpRequest, registration_id: ObjectId, payload: DecisionIn) -> dict:
    registration = get_registration_for_staff_or_404(request.user, registration_id)
    decided = decide(registration, payload.decision, by=request.user, reason=payload.reason)
    decided = queries.for_review(queries.ReviewFilters()).get(pk=decided.pk)
    language = api_language(request)
    with translation.override(language):
        return reviewed_out(decided, language)


@staff_router.post(
    "/staff/registrations/decisions",
    response=responses({200: BulkDecisionOut}, *AUTH_ERRORS, *WITH_BODY),
    summary="The same decision for several registrations (staff)",
    description=(
        "In the order given, each on its own: one refusal does not stop the rest. Unknown "
        "ids are left out of the outcomes."
    ),
)
def decide_bulk(request: HttpRequest, payload: BulkDecisionIn) -> dict:
    if payload.decision == "reject" and not payload.reason.strip():
        raise ReasonRequired()
    outcomes = decide_many(
        list(dict.fromkeys(payload.registrations)),
        payload.decision,
        by=request.user,
        reason=payload.reason,
    )
    with translation.override(api_language(request)):
        return {
            "outcomes": [
                {
                    "registration": outcome.registration_id,
                    "ok": outcome.ok,
                    "code": outcome.error.code if outcome.error else None,
                    "message": str(outcome.error) if outcome.error else None,
                }
                for outcome in outcomes
            ]
        }
