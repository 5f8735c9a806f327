"""The person's own corner of the API: who am I, and my personal tokens."""

from django.http import HttpRequest
from ninja import Router
from ninja.responses import Status

from missions.people import person_of
from primi_site.api_auth import AUTHENTICATED
from primi_site.api_errors import AUTHENTICATED as AUTH_ERRORS
from primi_site.api_errors import WITH_BODY, responses
from primi_site.models import ApiToken
from primi_site.permissions import get_token_for_user_or_404, is_staff
from primi_site.schemas import MeOut, ObjectId, TokenCreatedOut, TokenIn, TokenListOut, TokenOut
from primi_site.services import tokens

router = Router(tags=["account"], auth=AUTHENTICATED)


def token_out(token: ApiToken) -> dict:
    return {
        "id": token.pk,
        "name": token.name,
        "prefix": token.prefix,
        "scope": token.scope,
        "created_at": token.created_at,
        "expires_at": token.expires_at,
        "last_used_at": token.last_used_at,
    }


@router.get(
    "/me",
    response=responses({200: MeOut}, *AUTH_ERRORS),
    summary="Who am I",
    description="The signed-in person: role, language and time zone, and how they signed in.",
)
def me(request: HttpRequest) -> dict:
    user = request.user
    person = person_of(user)
    organisation = person.organisation if person else None
    token = request.api_token
    return {
        "username": user.get_username(),
        "display_name": user.get_full_name() or user.get_username(),
        "email": user.email,
        "role": person.role if person else ("staff" if is_staff(user) else None),
        "is_staff": is_staff(user),
        "language": person.language if person else "fr",
        "time_zone": person.time_zone if person else "Europe/Paris",
        "organisation": (
            {
                "name": organisation.name,
                "slug": organisation.slug,
                "kind": organisation.kind,
                "country": organisation.country,
            }
            if organisation
            else None
        ),
        "authenticated_with": "token" if token else "session",
        "token_scope": token.scope if token else None,
    }


@router.get(
    "/tokens",
    response=responses({200: TokenListOut}, *AUTH_ERRORS),
    summary="My active tokens",
    description="Active tokens only (at most 20): revoked and expired ones are gone.",
)
def list_tokens(request: HttpRequest) -> dict:
    return {"items": [token_out(token) for token in tokens.active_tokens(request.user)]}


@router.post(
    "/tokens",
    response=responses({201: TokenCreatedOut}, *AUTH_ERRORS, *WITH_BODY, 409),
    summary="Create a token",
    description=(
        "The answer holds the token itself, shown this once: store it in the integration's "
        "secret store. A read token may only GET. 409 past 20 active tokens."
    ),
)
def create_token(request: HttpRequest, payload: TokenIn) -> Status:
    token, raw = tokens.create_token(
        request.user,
        name=payload.name,
        scope=payload.scope,
        expires_at=tokens.default_expiry(payload.expires_in_days),
    )
    return Status(201, {**token_out(token), "token": raw})


@router.get(
    "/tokens/{token_id}",
    response=responses({200: TokenOut}, *AUTH_ERRORS, 404, 422),
    summary="One of my tokens",
)
def get_token(request: HttpRequest, token_id: ObjectId) -> dict:
    return token_out(get_token_for_user_or_404(request.user, token_id))


@router.delete(
    "/tokens/{token_id}",
    response=responses({204: None}, *AUTH_ERRORS, 404, 422),
    summary="Revoke one of my tokens",
    description="At once and for good: the next request with it answers 401 token_revoked.",
)
def revoke_token(request: HttpRequest, token_id: ObjectId) -> Status:
    tokens.revoke_token(get_token_for_user_or_404(request.user, token_id))
    return Status(204, None)
