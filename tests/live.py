"""A live server for real concurrent HTTP tests: gunicorn (threads) on the test database.

pytest-django's `live_server` serves one request at a time; races need a real
server. `live_gunicorn` starts gunicorn in a subprocess on a free local port,
pointed at the PostgreSQL test database of the running test (use it from tests
marked `django_db(transaction=True)`, whose data is committed and visible to
the server), waits until it answers, and stops it afterwards.

`signed_in(user)` gives the cookies and headers of a signed-in session with a
CSRF token, so concurrent API calls look like a browser's. `fire(calls)` sends
the calls at once from as many threads, released together by a barrier.
"""

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client

ROOT = Path(__file__).resolve().parent.parent
PORTS = range(
    int(os.environ.get("LIVE_PORT_FIRST", 8250)), int(os.environ.get("LIVE_PORT_LAST", 8299)) + 1
)


def require_postgres() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (set DATABASE_URL to a PostgreSQL database)")


def free_port() -> int:
    for port in PORTS:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port in {PORTS.start}–{PORTS.stop - 1}")


def database_url() -> str:
    db = connection.settings_dict
    user = db.get("USER") or "postgres"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    host = db.get("HOST") or "127.0.0.1"
    port = db.get("PORT") or 5432
    return f"postgres://{user}{password}@{host}:{port}/{db['NAME']}"


@contextmanager
def live_gunicorn(*, threads: int = 25, workers: int = 2, env: dict | None = None) -> Iterator[str]:
    """The base URL of a gunicorn serving the test database; stopped on exit."""
    require_postgres()
    port = free_port()
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "primi_site.test_settings",
        "DATABASE_URL": database_url(),
        "DATABASE_CONN_MAX_AGE": "0",
        "LOGIN_THROTTLING": "false",
        "LOG_LEVEL": "WARNING",
        **(env or {}),
    }
    command = [
        sys.executable, "-m", "gunicorn", "primi_site.wsgi",
        "--config", str(ROOT / "tests" / "live_gunicorn.conf.py"),
        "--bind", f"127.0.0.1:{port}",
        "--workers", str(workers),
        "--threads", str(threads),
        "--worker-class", "gthread",
    ]  # fmt: skip
    process = subprocess.Popen(
        command, cwd=ROOT, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"gunicorn stopped: {process.stderr.read().decode()[-2000:]}")
            try:
                with urllib.request.urlopen(f"{base}/healthz", timeout=2) as answer:
                    if answer.status == 200:
                        break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("gunicorn did not answer within 30 s")
            time.sleep(0.2)
        yield base
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stderr:
            process.stderr.close()


@dataclass(frozen=True)
class Session:
    cookie: str
    csrf: str


def signed_in(user) -> Session:
    """A committed session for `user`, with a CSRF token for unsafe methods."""
    client = Client()
    client.force_login(user)
    csrf = secrets.token_hex(16)  # a 32-character secret, as Django's cookie holds
    session_id = client.cookies[settings.SESSION_COOKIE_NAME].value
    cookie = f"{settings.SESSION_COOKIE_NAME}={session_id}; {settings.CSRF_COOKIE_NAME}={csrf}"
    return Session(cookie=cookie, csrf=csrf)


@dataclass(frozen=True)
class Answer:
    status: int
    body: dict


def call(base: str, session: Session, method: str, path: str, payload: dict | None) -> Answer:
    request = urllib.request.Request(
        base + path,
        data=json.dumps(payload).encode() if payload is not None else None,
        method=method,
        headers={
            "Cookie": session.cookie,
            "X-CSRFToken": session.csrf,
            "Content-Type": "application/json",
            "Accept-Language": "en",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as answer:
            return Answer(answer.status, json.loads(answer.read() or b"{}"))
    except urllib.error.HTTPError as error:
        raw = error.read()
        try:
            body = json.loads(raw)
        except ValueError:
            body = {"raw": raw.decode(errors="replace")[:500]}
        return Answer(error.code, body)


def fire(base: str, calls: list[tuple[Session, str, str, dict | None]]) -> list[Answer]:
    """Send every call at the same moment, one thread each; answers in call order."""
    barrier = threading.Barrier(len(calls))
    answers: list[Answer | None] = [None] * len(calls)

    def run(position: int, session: Session, method: str, path: str, payload) -> None:
        barrier.wait()
        answers[position] = call(base, session, method, path, payload)

    threads = [
        threading.Thread(target=run, args=(i, *spec), daemon=True) for i, spec in enumerate(calls)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return [a if a is not None else Answer(0, {"error": "no answer"}) for a in answers]
