"""Security glue: the content security policy per area, the sign-in lockout page, the
per-person limits on forms, and `Cache-Control: private` on personal pages."""

import functools
import math
from collections.abc import Callable

from csp.constants import UNSAFE_INLINE
from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_cache_control

from primi_site import api_throttle


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """The site's strict policy; the admin and the API's interactive docs, whose widgets
    set inline styles, may use them."""

    INLINE_STYLE_AREAS = ("/admin/", "/api/v1/docs")

    def get_policy_parts(self, request, response, report_only: bool = False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if request.path_info.startswith(self.INLINE_STYLE_AREAS) and parts.update is None:
            parts.update = {"style-src": [UNSAFE_INLINE]}
        return parts


def locked_out(
    request: HttpRequest, credentials: dict | None = None, *args, **kwargs
) -> HttpResponse:
    """Too many failed sign-ins: say so, in the page's language, with 429."""
    response = render(request, "primi_site/locked_out.html", status=429)
    response["Retry-After"] = str(int(_cooloff_seconds()))
    return response


def _cooloff_seconds() -> float:
    from django.conf import settings

    return float(settings.AXES_COOLOFF_TIME) * 3600


def rate_limited(scope: str, setting: str) -> Callable:
    """Limit a view's POSTs per signed-in person (else per address) to `settings.<setting>`.

    The counters are the API's (primi_site.api_throttle), so they are shared by every
    process through the cache; past the limit the answer is a 429 page in the page's
    language, with Retry-After.
    """

    def decorator(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if request.method == "POST":
                ident = (
                    f"user:{request.user.pk}"
                    if request.user.is_authenticated
                    else f"addr:{api_throttle.client_address(request)}"
                )
                wait = api_throttle.hit(scope, ident, getattr(settings, setting))
                if wait is not None:
                    context = {"wait_minutes": max(1, math.ceil(wait / 60))}
                    response = render(request, "primi_site/rate_limited.html", context, status=429)
                    response["Retry-After"] = str(wait)
                    return response
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


class PrivateCacheMiddleware:
    """Responses to a signed-in person are theirs: `Cache-Control: private`, so that no
    shared cache (a proxy, a CDN) keeps them. A view that said `public` is left alone."""

    def __init__(self, get_response: Callable) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        authenticated = user is not None and user.is_authenticated
        if authenticated and "public" not in response.get("Cache-Control", ""):
            patch_cache_control(response, private=True)
        return response
