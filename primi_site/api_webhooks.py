"""Staff: partners' webhook endpoints and the delivery log (read, replay)."""

from django.http import Http404, HttpRequest
from ninja import Query, Router
from ninja.responses import Status

from primi_site.api_auth import STAFF
from primi_site.api_errors import AUTHENTICATED as AUTH_ERRORS
from primi_site.api_errors import WITH_BODY, responses
from primi_site.api_pagination import PageParams, paginate, reject_unknown_params
from primi_site.models import WebhookDelivery, WebhookEndpoint
from primi_site.schemas import (
    DeliveryQuery,
    ObjectId,
    WebhookDeliveryOut,
    WebhookDeliveryPageOut,
    WebhookEndpointCreatedOut,
    WebhookEndpointIn,
    WebhookEndpointPageOut,
)
from primi_site.services import webhooks

router = Router(tags=["webhooks (staff)"], auth=STAFF)


def endpoint_out(endpoint: WebhookEndpoint) -> dict:
    return {
        "id": endpoint.pk,
        "url": endpoint.url,
        "description": endpoint.description,
        "event_types": endpoint.event_types,
        "is_active": endpoint.is_active,
        "created_at": endpoint.created_at,
    }


def delivery_out(delivery: WebhookDelivery) -> dict:
    return {
        "id": delivery.pk,
        "endpoint_id": delivery.endpoint_id,
        "event_id": delivery.event_id,
        "event_type": delivery.event_type,
        "status": delivery.status,
        "attempts": delivery.attempts,
        "response_status": delivery.response_status,
        "last_error": delivery.last_error,
        "next_attempt_at": delivery.next_attempt_at,
        "created_at": delivery.created_at,
        "delivered_at": delivery.delivered_at,
        "replay_of_id": delivery.replay_of_id,
    }


@router.get(
    "/webhooks/endpoints",
    response=responses({200: WebhookEndpointPageOut}, *AUTH_ERRORS, 422),
    summary="Webhook endpoints",
)
def list_endpoints(request: HttpRequest, page: Query[PageParams]) -> dict:
    reject_unknown_params(request, PageParams)
    return paginate(WebhookEndpoint.objects.order_by("url", "id"), page, endpoint_out)


@router.post(
    "/webhooks/endpoints",
    response=responses({201: WebhookEndpointCreatedOut}, *AUTH_ERRORS, *WITH_BODY),
    summary="Register a partner's endpoint",
    description="HTTPS only. The answer holds the signing secret to give the partner.",
)
def create_endpoint(request: HttpRequest, payload: WebhookEndpointIn) -> Status:
    endpoint = webhooks.create_endpoint(
        by=request.user,
        url=payload.url,
        event_types=list(payload.event_types),
        description=payload.description,
        is_active=payload.is_active,
    )
    return Status(201, {**endpoint_out(endpoint), "secret": endpoint.secret})


@router.delete(
    "/webhooks/endpoints/{endpoint_id}",
    response=responses({204: None}, *AUTH_ERRORS, 404, 422),
    summary="Remove an endpoint and its log",
)
def delete_endpoint(request: HttpRequest, endpoint_id: ObjectId) -> Status:
    endpoint = WebhookEndpoint.objects.filter(pk=endpoint_id).first()
    if endpoint is None:
        raise Http404("No such endpoint.")
    webhooks.delete_endpoint(endpoint, by=request.user)
    return Status(204, None)


@router.get(
    "/webhooks/deliveries",
    response=responses({200: WebhookDeliveryPageOut}, *AUTH_ERRORS, 422),
    summary="The delivery log",
    description="Newest first; filter by endpoint and status.",
)
def list_deliveries(
    request: HttpRequest, filters: Query[DeliveryQuery], page: Query[PageParams]
) -> dict:
    reject_unknown_params(request, DeliveryQuery, PageParams)
    deliveries = WebhookDelivery.objects.order_by("-created_at", "-id")
    if filters.endpoint is not None:
        deliveries = deliveries.filter(endpoint_id=filters.endpoint)
    if filters.status is not None:
        deliveries = deliveries.filter(status=filters.status)
    return paginate(deliveries, page, delivery_out)


@router.post(
    "/webhooks/deliveries/{delivery_id}/replay",
    response=responses({202: WebhookDeliveryOut}, *AUTH_ERRORS, 404, 422),
    summary="Send a delivery again",
    description="A new delivery of the same event (same `event_id`), sent at once.",
)
def replay_delivery(request: HttpRequest, delivery_id: ObjectId) -> Status:
    delivery = WebhookDelivery.objects.select_related("endpoint").filter(pk=delivery_id).first()
    if delivery is None:
        raise Http404("No such delivery.")
    return Status(202, delivery_out(webhooks.replay(delivery, by=request.user)))
