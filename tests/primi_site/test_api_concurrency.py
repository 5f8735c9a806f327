"""Concurrent retries with one Idempotency-Key create once: real requests, real PostgreSQL.

A gunicorn server (2 processes × 4 threads) on 127.0.0.1 serves the tests' small creation
API against the test database; eight clients send the same creation at the same moment.
The negative control sends the same burst to an endpoint that only looks for a finished
answer before working (no claim first) and shows that the harness catches duplicates.
"""

import http.client
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.db import connection

from missions.models import Sector
from primi_site.services import tokens
from tests.factories import PersonFactory
from tests.primi_site.webhook_receiver import free_port

pytestmark = [pytest.mark.postgres, pytest.mark.concurrency]

ROOT = Path(__file__).resolve().parents[2]
CLIENTS = 8


def database_url() -> str:
    settings = connection.settings_dict
    user = settings["USER"] or "postgres"
    password = f":{settings['PASSWORD']}" if settings["PASSWORD"] else ""
    host = settings["HOST"] or "127.0.0.1"
    port = settings["PORT"] or "5432"
    return f"postgres://{user}{password}@{host}:{port}/{settings['NAME']}"


@pytest.fixture
def live_server_url(transactional_db):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (run with DATABASE_URL=postgres://…)")
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.primi_site.live_settings",
        "DATABASE_URL": database_url(),
        "DATABASE_CONN_MAX_AGE": "0",
        "LOG_LEVEL": "WARNING",
    }
    server = subprocess.Popen(
        [
            sys.executable, "-m", "gunicorn", "tests.primi_site.live_wsgi:application",
            "--workers", "2", "--threads", "4", "--worker-class", "gthread",
            "--bind", f"127.0.0.1:{port}", "--access-logfile", "/dev/null",
            "--log-level", "warning",
        ],
        cwd=ROOT,
        env=env,
    )  # fmt: skip
    deadline = time.monotonic() + 120  # a guard: polled until it answers
    while True:
        probe = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        try:
            probe.request("GET", "/healthz")
            response = probe.getresponse()
            response.read()
            if response.status == 200:
                break
        except OSError:
            pass
        finally:
            probe.close()
        if server.poll() is not None or time.monotonic() > deadline:
            server.kill()
            pytest.fail("the live server did not start")
        time.sleep(0.2)
    yield port
    server.terminate()
    server.wait(timeout=15)


def burst(port: int, path: str, token: str, key: str | None, body: dict) -> list[tuple[int, dict]]:
    """CLIENTS identical requests released at the same instant (without a key if None)."""
    gate = threading.Barrier(CLIENTS)
    answers: list[tuple[int, dict]] = []
    lock = threading.Lock()

    def send() -> None:
        client = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        payload = json.dumps(body)
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        if key is not None:
            headers["Idempotency-Key"] = key
        gate.wait()
        client.request("POST", path, body=payload, headers=headers)
        response = client.getresponse()
        answer = (response.status, json.loads(response.read() or b"{}"))
        client.close()
        with lock:
            answers.append(answer)

    threads = [threading.Thread(target=send) for _ in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


def test_concurrent_retries_with_one_key_create_once(live_server_url, settings):
    token = tokens.create_token(PersonFactory().user, name="burst", scope="write")[1]
    body = {"slug": "burst", "name": "Burst", "unique_suffix": True, "delay_ms": 300}
    answers = burst(live_server_url, "/test-api/sectors", token, "same-key", body)
    created = Sector.objects.filter(slug__startswith="burst-")
    assert created.count() == 1
    statuses = sorted(status for status, _ in answers)
    assert set(statuses) <= {201, 409}, answers
    assert statuses.count(201) >= 1
    ids = {answer["id"] for status, answer in answers if status == 201}
    assert ids == {created.get().pk}  # every 201 is the one creation
    assert all(a["code"] == "idempotency_key_in_use" for s, a in answers if s == 409)


def test_negative_control_without_the_claim_the_harness_sees_duplicates(live_server_url):
    token = tokens.create_token(PersonFactory().user, name="burst", scope="write")[1]
    body = {"slug": "naive", "name": "Naive", "unique_suffix": True, "delay_ms": 300}
    burst(live_server_url, "/test-api/sectors-naive", token, "same-key", body)
    assert Sector.objects.filter(slug__startswith="naive-").count() > 1


# B2B: the domain already refuses a second meeting or request between two participants;
# the key is what turns every retry into the first answer instead of a conflict.


def b2b_pair():
    from tests.factories import B2BParticipantFactory, PartnerFactory, b2b_session

    session = b2b_session(direct_booking=True)
    asker = B2BParticipantFactory(session=session)
    other = B2BParticipantFactory(
        session=session,
        person=PersonFactory(role="delegate", organisation=PartnerFactory()),
        side="delegate",
        department="",
        country="CA",
    )
    token = tokens.create_token(asker.person.user, name="burst", scope="write")[1]
    return session, asker, other, token


def retries_all_got_the_first_answer(answers: list[tuple[int, dict]]) -> bool:
    """Every answer is the one creation (201, one id) or "still in progress" (409)."""
    created = {answer["id"] for status, answer in answers if status == 201}
    others = [answer.get("code") for status, answer in answers if status != 201]
    return len(created) == 1 and set(others) <= {"idempotency_key_in_use"}


@pytest.mark.parametrize(
    ("resource", "body"),
    [("meetings", {"slot": 2}), ("requests", {"message": "Co-production?"})],
)
def test_concurrent_retries_of_a_b2b_creation_create_once(live_server_url, resource, body):
    from bookings.models import Meeting, MeetingRequest

    session, _asker, other, token = b2b_pair()
    key = "participant" if resource == "meetings" else "recipient"
    path = f"/api/v1/b2b/sessions/{session.event.slug}/{resource}"
    answers = burst(live_server_url, path, token, f"{resource}-key", {key: other.pk, **body})
    model = Meeting if resource == "meetings" else MeetingRequest
    assert model.objects.filter(session=session).count() == 1
    assert retries_all_got_the_first_answer(answers), answers
    assert {a["id"] for s, a in answers if s == 201} == {model.objects.get(session=session).pk}


@pytest.mark.parametrize(
    ("resource", "body"),
    [("meetings", {"slot": 2}), ("requests", {"message": "Co-production?"})],
)
def test_negative_control_without_the_key_retries_are_refused_as_conflicts(
    live_server_url, resource, body
):
    from bookings.models import Meeting, MeetingRequest

    session, _asker, other, token = b2b_pair()
    key = "participant" if resource == "meetings" else "recipient"
    path = f"/api/v1/b2b/sessions/{session.event.slug}/{resource}"
    answers = burst(live_server_url, path, token, None, {key: other.pk, **body})
    model = Meeting if resource == "meetings" else MeetingRequest
    assert model.objects.filter(session=session).count() == 1  # the locks hold
    assert not retries_all_got_the_first_answer(answers)  # the harness sees the difference
    codes = {a["code"] for s, a in answers if s == 409}
    assert codes and codes <= {"already_meeting", "slot_taken", "request_exists"}, answers
