"""Production settings, security headers, sign-in lockout and the database-down page."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db.utils import OperationalError
from django.test import Client

from tests.factories import PersonFactory

ROOT = Path(__file__).resolve().parents[2]
STRONG = "Jq7-vN2xLm9pR4sT8wY1zB6cD3fG0hK5aE_uIoPlMkNjHbGvC2xZq"


def production_env(**extra) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "DEBUG"}}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "primi_site.settings",
            "PRIMI_ENV": "production",
            "SECRET_KEY": STRONG,
            "ALLOWED_HOSTS": "international.primi.example",
            **extra,
        }
    )
    return env


def test_check_deploy_reports_no_warning_in_production():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "DEBUG"],
        cwd=ROOT,
        env=production_env(),
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_check_deploy_does_warn_when_https_settings_are_off():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=production_env(SECURE_SSL_REDIRECT="false", SECURE_HSTS_SECONDS="0"),
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "security.W008" in result.stderr and "security.W004" in result.stderr


def test_production_logs_are_json_lines():
    probe = "import logging, django; django.setup(); logging.getLogger('primi').warning('hello')"
    result = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=ROOT,
        env=production_env(),
        capture_output=True,
        text=True,
    )
    import json

    line = json.loads(result.stderr.strip().splitlines()[-1])
    assert (line["level"], line["logger"], line["message"]) == ("WARNING", "primi", "hello")


@pytest.mark.django_db
def test_pages_carry_a_strict_content_security_policy(client):
    policy = client.get("/en/")["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    assert client.get("/en/")["X-Frame-Options"] == "DENY"
    assert client.get("/en/")["Referrer-Policy"] == "same-origin"


@pytest.mark.django_db
def test_sign_in_is_locked_after_repeated_failures_then_released(client, settings):
    person = PersonFactory()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = client.post(
            "/en/account/login/", {"username": person.user.username, "password": "wrong"}
        )
        assert response.status_code == 200
    locked = client.post("/en/account/login/", {"username": person.user.username, "password": "x"})
    assert locked.status_code == 429
    assert "Sign-in is paused for this account" in locked.content.decode()
    assert int(locked["Retry-After"]) == 15 * 60
    # Even the right password is refused during the lockout…
    right = {"username": person.user.username, "password": "correct horse battery"}
    assert client.post("/en/account/login/", right).status_code == 429
    # …and accepted once staff reset it.
    from axes.utils import reset

    reset(username=person.user.username)
    client_two = Client()
    assert client_two.post("/en/account/login/", right).status_code == 302


@pytest.mark.django_db
def test_lockout_page_speaks_the_page_language(client, settings):
    settings.AXES_FAILURE_LIMIT = 1
    person = PersonFactory()
    response = client.post(
        "/fr/account/login/", {"username": person.user.username, "password": "x"}
    )
    assert response.status_code == 429
    assert "Trop de tentatives" in response.content.decode()


@pytest.mark.django_db
def test_pages_answer_503_with_a_friendly_message_when_the_database_is_down(monkeypatch):
    def broken(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr("django.db.backends.utils.CursorWrapper.execute", broken)
    client = Client(raise_request_exception=False)
    response = client.get("/fr/calendar/")
    assert response.status_code == 503
    body = response.content.decode()
    assert "Traceback" not in body
    assert "ne parvient pas à joindre sa base de données" in body
    assert response["Retry-After"] == "30"


@pytest.mark.django_db
def test_an_ordinary_crash_is_a_500_page_without_traceback(monkeypatch):
    def crash(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr("events.views.queries.upcoming_events", crash)
    client = Client(raise_request_exception=False)
    response = client.get("/en/calendar/")
    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()
    assert "boom" not in response.content.decode()


@pytest.mark.django_db
def test_readiness_checks_database_and_broker(client, monkeypatch):
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json() == {"status": "ok", "database": "ok", "broker": "ok"}
    monkeypatch.setattr("django_q.brokers.orm.ORM.ping", lambda self: False)
    down = client.get("/readyz")
    assert down.status_code == 503
    assert down.json()["broker"] == "down"


def test_gunicorn_configuration_loads_and_reads_the_environment(monkeypatch):
    import runpy

    monkeypatch.setenv("GUNICORN_WORKERS", "3")
    monkeypatch.setenv("GUNICORN_BIND", "0.0.0.0:9000")
    config = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert (config["workers"], config["bind"], config["worker_class"]) == (
        3,
        "0.0.0.0:9000",
        "gthread",
    )
    assert config["timeout"] < 60
