"""The API root: one NinjaAPI, one router per app (see the API issue)."""

from django.http import Http404
from ninja import NinjaAPI

from bookings.api_b2b import router as b2b_router
from bookings.exceptions import BookingError

api = NinjaAPI(
    title="PRIMI international API",
    version="1",
    description="Missions, events, registrations and B2B meetings of the PRIMI cluster.",
    urls_namespace="api",
)


@api.exception_handler(BookingError)
def booking_error(request, exc: BookingError):
    """Domain errors: 409 when the state refuses, 422 when the input is wrong."""
    return api.create_response(
        request, {"code": exc.code, "message": exc.message}, status=exc.status
    )


@api.exception_handler(Http404)
def not_found(request, exc: Http404):
    from django.utils.translation import gettext as _

    return api.create_response(
        request, {"code": "not_found", "message": _("Not found.")}, status=404
    )


@api.get("/health", tags=["site"], summary="Liveness of the API")
def health(request) -> dict:
    return {"status": "ok"}


api.add_router("/b2b/", b2b_router)
