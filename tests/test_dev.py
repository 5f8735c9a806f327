"""`dev.py start`: the links the site writes point to the server it starts."""

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

ROOT = Path(__file__).resolve().parents[1]
PROBE = (
    "import json, django; from django.conf import settings; django.setup(); "
    "from django.urls import reverse; from django.utils import translation; "
    "translation.activate('en'); "
    "print(json.dumps({'site_url': settings.SITE_URL, "
    "'event_link': settings.SITE_URL + reverse('event_detail', kwargs={'slug': 'demo'})}))"
)


@pytest.fixture(scope="module")
def dev():
    spec = importlib.util.spec_from_file_location("primi_dev", ROOT / "dev.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def start_with(dev, monkeypatch, argv: list[str], environ: dict) -> list[dict]:
    """Run `dev.py start ARGV` with nothing installed or started; the environments used."""
    seen: list[dict] = []

    class Worker:
        def __init__(self, args, cwd, env):
            seen.append(env)

        def send_signal(self, sig):
            pass

        def wait(self, timeout=None):
            return 0

    def run(*args, env=None, check=True):
        seen.append(env)
        return 0

    monkeypatch.setattr(dev, "ensure_venv", lambda requirements: None)
    monkeypatch.setattr(dev, "run", run)
    monkeypatch.setattr(dev, "subprocess", SimpleNamespace(Popen=Worker))
    monkeypatch.setattr(dev, "os", SimpleNamespace(environ=environ))
    monkeypatch.setattr(sys, "argv", ["dev.py", "start", *argv])
    dev.main()
    return seen


def settings_in(env: dict) -> dict:
    result = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_start_on_another_port_gives_links_on_that_port(dev, monkeypatch, capsys):
    environ = {k: v for k, v in os.environ.items() if k != "SITE_URL"}
    envs = start_with(dev, monkeypatch, ["--port", "8080"], environ)
    # Migrations, demo data, the worker and the web server all see the same address.
    assert {env["SITE_URL"] for env in envs} == {"http://127.0.0.1:8080"}
    assert settings_in(envs[-1]) == {
        "site_url": "http://127.0.0.1:8080",
        "event_link": "http://127.0.0.1:8080/en/events/demo/",
    }
    assert "SITE_URL=http://127.0.0.1:8080" in capsys.readouterr().out


def test_start_on_every_interface_links_to_localhost(dev, monkeypatch):
    environ = {k: v for k, v in os.environ.items() if k != "SITE_URL"}
    envs = start_with(dev, monkeypatch, ["--host", "0.0.0.0", "--port", "9000"], environ)
    assert envs[-1]["SITE_URL"] == "http://localhost:9000"


def test_a_site_url_set_in_the_environment_is_kept(dev, monkeypatch):
    environ = {**os.environ, "SITE_URL": "https://primi.example"}
    envs = start_with(dev, monkeypatch, ["--port", "8080"], environ)
    assert {env["SITE_URL"] for env in envs} == {"https://primi.example"}
    assert settings_in(envs[-1])["site_url"] == "https://primi.example"


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("127.0.0.1", "http://127.0.0.1:8000"),
        ("::", "http://localhost:8000"),
        ("::1", "http://[::1]:8000"),
    ],
)
def test_site_url_of_an_address(dev, host, expected):
    assert dev.site_url(host, "8000") == expected


def test_settings_refuse_a_site_url_without_its_scheme():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "primi_site.settings",
        "SITE_URL": "localhost:8080",
    }
    result = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode != 0
    assert "SITE_URL must be the site's address with http:// or https://" in result.stderr


def test_dev_test_says_which_tests_it_skipped_why_and_how_to_run_them(dev, tmp_path):
    results = tmp_path / "results.json"
    env = {k: v for k, v in os.environ.items() if k not in {"CI", "DATABASE_URL", "PRIMI_DB_PASS"}}
    env.update(
        PRIMI_RESULTS_FILE=str(results),
        REDIS_TEST_URL="redis://127.0.0.1:1/15",  # nothing answers there
        PRIMI_B2B_SHARED=str(tmp_path / "absent"),
    )
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "--nomigrations",  # the tables only, quicker: nothing here reads a row
            "tests/primi_site/test_api_redis.py::test_throttle_counters_in_redis_are_seen_by_another_process",
            "tests/bookings/b2b/test_withdrawal_race.py::test_a_booking_waiting_on_a_withdrawal_is_refused",
            "tests/bookings/scheduling/test_shared_instances.py",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout[-2000:]
    counts = json.loads(results.read_text())
    assert (counts["passed"], counts["skipped"]) == (0, 4)
    assert sorted(skip["needs"] for skip in counts["skips"]) == [
        "other",
        "other",
        "postgres",
        "redis",
    ]
    lines = dev.skip_summary({"SQLite": counts}, None)
    text = "\n".join(lines)
    assert lines[0] == "Skipped, and how to run them:"
    assert "- 1 test skipped: it needs PostgreSQL." in lines
    assert "- 1 test skipped: it needs Redis." in lines
    assert "- 2 tests skipped: they need something else." in lines
    assert "Redis does not answer at redis://127.0.0.1:1/15" in text
    assert "To run it: start it on 127.0.0.1:6379 (redis-server" in text
    assert "POSTGRES_TEST_URL" in text
    assert "shared B2B instances not found" in text


def test_the_summary_names_a_missing_browser_and_a_postgresql_pass_not_run(dev):
    browser = {"test": "tests/e2e/test_journeys.py::test_apply", "needs": "browser"}
    passes = {
        "SQLite": {"skips": []},
        "PostgreSQL": {
            "skips": [
                {**browser, "reason": "needs Debian's chromium at /usr/bin/chromium"},
                {
                    **browser,
                    "test": "tests/e2e/test_journeys.py::test_waitlist",
                    "reason": "needs Debian's chromium at /usr/bin/chromium",
                },
            ]
        },
    }
    lines = dev.skip_summary(passes, "connection refused")
    assert lines[1].startswith("- the PostgreSQL pass did not run (nothing answers at ")
    assert "- 2 tests skipped: they need a browser (Chromium, driven by Playwright)." in lines
    assert (
        "    2 tests: needs Debian's chromium at /usr/bin/chromium "
        "(e.g. tests/e2e/test_journeys.py::test_apply (PostgreSQL))"
    ) in lines
    assert any(line.startswith("  To run them: apt-get install chromium") for line in lines)
    assert dev.skip_summary({"SQLite": {"skips": []}}, None) == []
