"""Fixed-window rate limits in the cache, keyed by person or token.

A rate is "<count>/<period>" with period s, min, h or day ("60/min"), read from the
settings on each call, so tests and deployments change it without a restart of code.
Counters live in the default cache: Redis in production (shared by every process),
process memory in development.
"""

import hashlib
import math
import time

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest

from primi_site.errors import RateLimited

PERIODS = {"s": 1, "sec": 1, "min": 60, "m": 60, "h": 3600, "hour": 3600, "day": 86400, "d": 86400}
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def parse_rate(rate: str) -> tuple[int, int]:
    """("60/min") -> (60, 60): requests allowed, and the window in seconds."""
    try:
        count, period = rate.split("/", 1)
        return int(count), PERIODS[period.strip()]
    except (ValueError, KeyError) as exc:
        raise ImproperlyConfigured(f"A rate is '<count>/<s|min|h|day>', not {rate!r}.") from exc


def hit(scope: str, ident: str, rate: str) -> int | None:
    """Count one request; None when it is allowed, else the seconds until the window ends."""
    limit, window = parse_rate(rate)
    now = time.time()
    start = int(now // window) * window
    key = f"throttle:{scope}:{ident}:{start}"
    cache.add(key, 0, timeout=window + 1)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window + 1)
        count = 1
    if count > limit:
        return max(1, math.ceil(start + window - now))
    return None


def check(scope: str, ident: str, rate: str) -> None:
    wait = hit(scope, ident, rate)
    if wait is not None:
        raise RateLimited(wait)


def check_write(request: HttpRequest, ident: str) -> None:
    """Writes (POST, PUT, PATCH, DELETE) of one person or token share one bucket."""
    if request.method in UNSAFE_METHODS:
        check("write", ident, settings.API_THROTTLE_WRITES)


def client_address(request: HttpRequest) -> str:
    """The client's address; behind PROXY_COUNT proxies, read from X-Forwarded-For."""
    proxies = getattr(settings, "AXES_IPWARE_PROXY_COUNT", None) or 0
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies and forwarded:
        addresses = [part.strip() for part in forwarded.split(",") if part.strip()]
        if addresses:
            return addresses[-min(proxies, len(addresses))]
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def check_auth_failure(request: HttpRequest, presented: str) -> None:
    """Count a failed authentication; past the limit the failure answers 429.

    Nobody is identified yet, so failures are counted by the presented credential's
    digest and by the client's address: guessing many tokens from one address, or one
    token from many addresses, both run out.
    """
    digest = hashlib.sha256(presented.encode()).hexdigest()[:32]
    rate = settings.API_THROTTLE_AUTH_FAILURES
    waits = [
        hit("auth-fail-token", digest, rate),
        hit("auth-fail-addr", client_address(request), rate),
    ]
    wait = max((w for w in waits if w is not None), default=None)
    if wait is not None:
        raise RateLimited(wait)
