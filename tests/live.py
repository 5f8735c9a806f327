"""A live gunicorn server on the test database, and clients that fire at the same instant.

Reusable by any concurrency test (registrations, B2B bookings):

    @pytest.mark.postgres
    @pytest.mark.concurrency
    def test_rush(live_server_factory):
        server = live_server_factory(threads=8)
        clients = signed_in_clients(people)
        responses = fire_at_once(clients, lambda c: c.post(server, "/en/…/"))

`live_server_factory` (a fixture of tests/conftest.py) starts
`gunicorn primi_site.wsgi` with the gthread worker against the database that
pytest-django created (`transaction=True` tests, so what the test writes is
committed and the server sees it), waits for `/healthz`, and stops it afterwards.
Clients carry a real session cookie and CSRF token, so requests run through the
same middleware, views and services as a person's browser.
"""

import http.client
import json
import os
import secrets
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from typing import TypeVar
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent


def ports() -> range:
    """The ports a live server may take: PRIMI_LIVE_PORTS="first-last" (default 8101-8149)."""
    first, _, last = os.environ.get("PRIMI_LIVE_PORTS", "8101-8149").partition("-")
    return range(int(first), int(last or first) + 1)


def free_port() -> int:
    candidates = ports()
    for port in candidates:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port in {candidates.start}–{candidates.stop - 1}")


def database_url(settings_dict: dict) -> str:
    user = settings_dict.get("USER") or "postgres"
    password = settings_dict.get("PASSWORD") or ""
    credentials = f"{user}:{password}" if password else user
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = settings_dict.get("PORT") or 5432
    return f"postgres://{credentials}@{host}:{port}/{settings_dict['NAME']}"


@dataclass
class LiveServer:
    host: str
    port: int
    process: subprocess.Popen
    log_path: Path

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


def start_gunicorn(
    database: str,
    *,
    workers: int = 2,
    threads: int = 8,
    settings_module: str = "primi_site.test_settings",
    env: dict[str, str] | None = None,
    log_dir: Path | None = None,
    timeout: float = 120,  # a guard: the server is polled until it answers
) -> LiveServer:
    """Start gunicorn on a free port against `database` (a URL); wait until it answers."""
    port = free_port()
    log_path = (log_dir or Path("/tmp")) / f"primi-gunicorn-{port}.log"
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": settings_module,
        "DATABASE_URL": database,
        "DATABASE_CONN_MAX_AGE": "60",
        # Jobs go to the ORM queue; a test runs the job functions it needs itself.
        "Q_SYNC": "false",
        "REDIS_URL": "",
        **(env or {}),
    }
    command = [
        sys.executable, "-m", "gunicorn", "primi_site.wsgi",
        "--bind", f"127.0.0.1:{port}",
        "--worker-class", "gthread",
        "--workers", str(workers),
        "--threads", str(threads),
        "--backlog", "2048",
        "--timeout", "120",
        "--graceful-timeout", "5",
        "--log-level", "warning",
    ]  # fmt: skip
    log = log_path.open("w")
    process = subprocess.Popen(
        command, cwd=ROOT, env=environment, stdout=log, stderr=subprocess.STDOUT
    )
    log.close()  # the child keeps its own descriptor
    server = LiveServer("127.0.0.1", port, process, log_path)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {process.returncode}:\n{server.log()}")
        connection = http.client.HTTPConnection(server.host, port, timeout=2)
        try:
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return server
        except OSError:
            pass
        finally:
            connection.close()
        time.sleep(0.1)
    server.stop()
    raise RuntimeError(f"gunicorn did not answer /healthz within {timeout} s:\n{server.log()}")


@dataclass
class Response:
    status: int
    headers: list[tuple[str, str]]
    body: bytes
    elapsed: float
    cookies: SimpleCookie = field(default_factory=SimpleCookie)

    def header(self, name: str) -> str | None:
        for key, value in self.headers:
            if key.lower() == name.lower():
                return value
        return None

    def json(self) -> dict:
        return json.loads(self.body or b"{}")

    def messages(self) -> list[str]:
        """The flash messages the response set (Django's signed `messages` cookie)."""
        from django.contrib.messages.storage.cookie import CookieStorage
        from django.http import HttpRequest

        morsel = self.cookies.get("messages")
        if morsel is None or not morsel.value:
            return []
        decoded = CookieStorage(HttpRequest())._decode(morsel.value) or []
        return [str(message) for message in decoded]


@dataclass
class Client:
    """One signed-in person: a session cookie and a CSRF token."""

    session_key: str
    csrf_token: str = field(default_factory=lambda: secrets.token_hex(16))
    label: str = ""

    def request(
        self,
        server: LiveServer,
        method: str,
        path: str,
        data: dict | None = None,
        *,
        json_body: dict | None = None,
    ) -> Response:
        """A form POST (`data`), or a JSON body for the API (`json_body`)."""
        body = urlencode(data or {}, doseq=True).encode() if method == "POST" else None
        headers = {
            "Cookie": f"sessionid={self.session_key}; csrftoken={self.csrf_token}",
            "X-CSRFToken": self.csrf_token,
            "Accept-Language": "en",
        }
        if json_body is not None:
            body = json.dumps(json_body).encode()
            headers["Content-Type"] = "application/json"
        elif body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        started = time.perf_counter()
        connection = http.client.HTTPConnection(server.host, server.port, timeout=120)
        try:
            connection.request(method, path, body=body, headers=headers)
            raw = connection.getresponse()
            content = raw.read()
            response_headers = raw.getheaders()
        finally:
            connection.close()
        cookies = SimpleCookie()
        for key, value in response_headers:
            if key.lower() == "set-cookie":
                cookies.load(value)
        return Response(
            raw.status, response_headers, content, time.perf_counter() - started, cookies
        )

    def post(self, server: LiveServer, path: str, data: dict | None = None) -> Response:
        return self.request(server, "POST", path, data)

    def get(self, server: LiveServer, path: str) -> Response:
        return self.request(server, "GET", path)

    def post_json(self, server: LiveServer, path: str, payload: dict) -> Response:
        return self.request(server, "POST", path, json_body=payload)


def sessions_for(users: Iterable) -> list[Client]:
    """A signed-in client per user: sessions written straight to the database, in bulk."""
    from datetime import timedelta

    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    rows, clients = [], []
    expiry = timezone.now() + timedelta(days=1)
    for user in users:
        store = SessionStore()
        key = store._get_new_session_key()
        data = store.encode(
            {
                SESSION_KEY: str(user.pk),
                BACKEND_SESSION_KEY: "primi_site.auth_backends.PersonModelBackend",
                HASH_SESSION_KEY: user.get_session_auth_hash(),
            }
        )
        rows.append(Session(session_key=key, session_data=data, expire_date=expiry))
        clients.append(Client(key, label=user.get_username()))
    Session.objects.bulk_create(rows)
    return clients


T = TypeVar("T")


def fire_at_once(actions: list[Callable[[], T]], *, timeout: float = 120) -> list:
    """Run every action in its own thread, all released by one barrier; results in order.

    An action that raises gives its exception in its place, so a test sees every outcome.
    """
    barrier = threading.Barrier(len(actions))
    results: list[T | BaseException | None] = [None] * len(actions)

    def run(index: int, action: Callable[[], T]) -> None:
        try:
            barrier.wait(timeout=timeout)
            results[index] = action()
        except BaseException as error:
            results[index] = error
        finally:
            from django.db import connections

            connections.close_all()

    threads = [
        threading.Thread(target=run, args=(index, action), daemon=True)
        for index, action in enumerate(actions)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    return results


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]
