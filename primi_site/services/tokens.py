"""Personal API tokens: create, authenticate, revoke.

A token is `primi_` followed by 43 URL-safe characters (256 random bits). Only its
SHA-256 digest is stored; the token itself is shown once, to its owner.
"""

import hashlib
import logging
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from primi_site.errors import DomainError
from primi_site.models import ApiToken

logger = logging.getLogger("primi.api.tokens")

TOKEN_PREFIX = "primi_"
TOKEN_LENGTH = len(TOKEN_PREFIX) + 43
SHOWN_PREFIX = 12
MAX_ACTIVE_TOKENS = 20
LAST_USED_PRECISION = timedelta(minutes=1)


class InvalidToken(DomainError):
    status = 401
    code = "invalid_token"
    message = _("This token is not valid.")


class TokenExpired(InvalidToken):
    code = "token_expired"
    message = _("This token has expired; create a new one.")


class TokenRevoked(InvalidToken):
    code = "token_revoked"
    message = _("This token was revoked.")


class TooManyTokens(DomainError):
    status = 409
    code = "too_many_tokens"
    message = _("You have %(count)s active tokens already; revoke one first.")


def digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def active_tokens(user) -> QuerySet[ApiToken]:
    now = timezone.now()
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True).exclude(expires_at__lte=now)


def create_token(
    user, *, name: str, scope: str, expires_at: datetime | None = None
) -> tuple[ApiToken, str]:
    """Create a token for `user`; returns it with the plain token, to show once."""
    with transaction.atomic():
        # Lock the owner's row so two creations cannot both pass the count.
        get_user_model().objects.select_for_update().filter(pk=user.pk).first()
        if active_tokens(user).count() >= MAX_ACTIVE_TOKENS:
            raise TooManyTokens(count=MAX_ACTIVE_TOKENS)
        raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
        token = ApiToken.objects.create(
            user=user,
            name=name,
            scope=scope,
            expires_at=expires_at,
            prefix=raw[:SHOWN_PREFIX],
            token_hash=digest(raw),
        )
    logger.info("API token %s created for user %s (%s)", token.pk, user.pk, scope)
    return token, raw


def default_expiry(days: int | None) -> datetime | None:
    days = settings.API_TOKEN_DEFAULT_DAYS if days is None else days
    return timezone.now() + timedelta(days=days)


def authenticate(raw: str) -> ApiToken:
    """The token sent as `raw`, or InvalidToken / TokenExpired / TokenRevoked."""
    if not raw.startswith(TOKEN_PREFIX) or len(raw) != TOKEN_LENGTH:
        raise InvalidToken
    token = ApiToken.objects.select_related("user__person").filter(token_hash=digest(raw)).first()
    if token is None or not token.user.is_active:
        raise InvalidToken
    now = timezone.now()
    if token.revoked_at is not None:
        raise TokenRevoked
    if token.expires_at is not None and token.expires_at <= now:
        raise TokenExpired
    if token.last_used_at is None or token.last_used_at <= now - LAST_USED_PRECISION:
        # One write a minute at most, not one per request.
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


def revoke_token(token: ApiToken) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        logger.info("API token %s revoked by its owner %s", token.pk, token.user_id)
    return token
