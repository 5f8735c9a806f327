"""The access log never writes a capability token or an API token."""

import datetime
import logging
import runpy
from pathlib import Path
from types import SimpleNamespace

import pytest
from gunicorn.config import Config

from primi_site.log_redaction import REDACTED, RedactingFilter, RedactingLogger, redact

ROOT = Path(__file__).resolve().parents[2]
FEED_TOKEN = "Zk3v9bQ2xT8mN4pL7rW1sY6uA0cE5gH"
API_TOKEN = "primi_Xq3v9bQ2xT8mN4pL7rW1sY6uA0cE5gHjKlMnOpQ"


class Captured(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


def access_line(path: str, query: str = "", headers=(), access_log_format: str | None = None):
    """What gunicorn, configured by gunicorn.conf.py, writes for one request."""
    config = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert config["logger_class"] == "primi_site.log_redaction.RedactingLogger"
    cfg = Config()
    cfg.set("accesslog", "-")
    cfg.set("access_log_format", access_log_format or config["access_log_format"])
    logger = RedactingLogger(cfg)
    captured = Captured()
    logger.access_log.handlers = [captured]
    raw_uri = f"{path}?{query}" if query else path
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": raw_uri,
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "203.0.113.9",
        "HTTP_USER_AGENT": "Calendar/1.0",
        "HTTP_REFERER": f"https://international.primi.example{raw_uri}",
        **{f"HTTP_{name.upper().replace('-', '_')}": value for name, value in headers},
    }
    request = SimpleNamespace(headers=[(name.upper(), value) for name, value in headers])
    response = SimpleNamespace(status="200 OK", sent=1234, headers=[("Content-Type", "text/x")])
    logger.access(response, request, environ, datetime.timedelta(milliseconds=12))
    [line] = captured.lines
    return line


@pytest.mark.parametrize(
    "path",
    [
        f"/feeds/me/{FEED_TOKEN}.ics",
        f"/fr/invitations/{FEED_TOKEN}/",
        f"/en/account/password-reset/MQ/{FEED_TOKEN}/",
    ],
)
def test_capability_tokens_in_paths_are_redacted(path):
    line = access_line(path)
    assert FEED_TOKEN not in line
    assert REDACTED in line
    assert '"status": 200' in line and '"duration_ms": 12' in line  # the rest is kept


def test_every_atom_that_may_hold_a_secret_is_redacted_whatever_the_format():
    everything = (
        "%(r)s | %(U)s | %(q)s | %(f)s | %({authorization}i)s | %({cookie}i)s | "
        "%({http_authorization}e)s | %({raw_uri}e)s | %({x-forwarded-for}i)s"
    )
    line = access_line(
        f"/feeds/me/{FEED_TOKEN}.ics",
        query=f"lang=en&token={FEED_TOKEN}&api_key={API_TOKEN}",
        headers=[
            ("Authorization", f"Bearer {API_TOKEN}"),
            ("Cookie", "sessionid=abcdef0123456789"),
            ("X-Forwarded-For", "198.51.100.4"),
        ],
        access_log_format=everything,
    )
    assert FEED_TOKEN not in line and API_TOKEN not in line
    assert "abcdef0123456789" not in line
    assert "lang=en" in line and "198.51.100.4" in line  # harmless values stay


def test_ordinary_paths_are_left_alone():
    assert redact("/fr/events/sound-workshop/?kind=festival") == (
        "/fr/events/sound-workshop/?kind=festival"
    )
    assert redact("/api/v1/registrations/12") == "/api/v1/registrations/12"
    line = access_line("/fr/b2b/demo-b2b-broadcasters-marseille/directory/")
    assert "/fr/b2b/demo-b2b-broadcasters-marseille/directory/" in line
    assert REDACTED not in line


def test_the_applications_log_redacts_a_private_feeds_address(client, db):
    import io

    from django.conf import settings

    assert settings.LOGGING["handlers"]["console"]["filters"] == ["redact"]
    [console] = [
        handler
        for handler in logging.getLogger().handlers
        if any(isinstance(f, RedactingFilter) for f in handler.filters)
    ]
    written = io.StringIO()
    previous = console.setStream(written)
    try:
        response = client.get(f"/feeds/me/{FEED_TOKEN}.ics")
    finally:
        console.setStream(previous)
    assert response.status_code == 404
    log = written.getvalue()
    assert f"Not Found: /feeds/me/{REDACTED}.ics" in log
    assert FEED_TOKEN not in log
