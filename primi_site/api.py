"""The API root: one NinjaAPI, one router per app (see the API issue)."""

from ninja import NinjaAPI

api = NinjaAPI(
    title="PRIMI international API",
    version="1",
    description="Missions, events, registrations and B2B meetings of the PRIMI cluster.",
    urls_namespace="api",
)


@api.get("/health", tags=["site"], summary="Liveness of the API")
def health(request) -> dict:
    return {"status": "ok"}
