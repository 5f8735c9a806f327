"""Logs without capability tokens: gunicorn's access log and the application's log.

A private calendar feed's address, an invitation link and a password-reset link carry
the secret that opens them in their path, and API tokens travel in a header: anyone who
reads the logs could use them.

- `RedactingLogger` (gunicorn.conf.py: `logger_class`): every access-log value that can
  hold a path, a query or a header (the request line, the path, the query, the
  referrer, request and response headers, environ variables) is written with those
  secrets replaced by `[redacted]`, whatever `access_log_format` a deployment uses.
- `RedactingFilter` (settings.LOGGING, on the console handler): the same for the
  application's messages, such as Django's "Not Found: /feeds/me/<token>.ics".

Loaded by gunicorn's master process: no Django here.
"""

import logging
import re

from gunicorn.glogging import Logger

REDACTED = "[redacted]"
# (prefix)(secret)(suffix) in a path, wherever it is mounted (/fr/…, /en/…).
CAPABILITY_PATHS = (
    re.compile(r"(/feeds/me/)[^/?#\s\"]+(\.ics)"),
    re.compile(r"(/invitations/)[^/?#\s\"]+(/)"),
    re.compile(r"(/password-reset/[^/?#\s\"]+/)[^/?#\s\"]+(/)"),
)
SECRET_PARAMETERS = re.compile(
    r"((?:^|[?&;])(?:token|access_token|api_key|key|secret|password)=)[^&;#\s\"]*", re.I
)
API_TOKENS = re.compile(r"primi_[A-Za-z0-9_\-]{16,}")
SECRET_HEADERS = frozenset(
    {
        "authorization",
        "proxy-authorization",
        "cookie",
        "set-cookie",
        "x-csrftoken",
        "http_authorization",
        "http_proxy_authorization",
        "http_cookie",
        "http_x_csrftoken",
    }
)
# Atoms that hold a path or a query; header and environ atoms ("{name}i", "{name}o",
# "{name}e") are redacted too.
TEXT_ATOMS = ("r", "U", "q", "f")


def redact(text: str) -> str:
    """The text with capability tokens, secret query values and API tokens replaced."""
    for pattern in CAPABILITY_PATHS:
        text = pattern.sub(rf"\g<1>{REDACTED}\g<2>", text)
    text = SECRET_PARAMETERS.sub(rf"\g<1>{REDACTED}", text)
    return API_TOKENS.sub(REDACTED, text)


def _header_name(atom: str) -> str | None:
    if len(atom) > 3 and atom.startswith("{") and atom[-2:] in ("}i", "}o", "}e"):
        return atom[1:-2].lower()
    return None


class RedactingLogger(Logger):
    """gunicorn's logger, with the access log's values redacted (see the module)."""

    def atoms(self, resp, req, environ, request_time) -> dict:
        atoms = super().atoms(resp, req, environ, request_time)
        for key, value in atoms.items():
            if not isinstance(value, str):
                continue
            name = _header_name(key)
            if name in SECRET_HEADERS:
                atoms[key] = REDACTED
            elif name is not None or key in TEXT_ATOMS:
                atoms[key] = redact(value)
        return atoms


class RedactingFilter(logging.Filter):
    """Redact each record's message, and the request it carries (Django's request log)."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            return True  # a broken record is logging's to report
        record.msg, record.args = redact(message), ()
        request = getattr(record, "request", None)
        if request is not None and not isinstance(request, str):
            record.request = redact(repr(request))
        return True
