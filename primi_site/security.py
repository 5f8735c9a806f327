"""Security glue: the content security policy per area, and the sign-in lockout page."""

from csp.constants import UNSAFE_INLINE
from csp.middleware import CSPMiddleware, PolicyParts
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


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
