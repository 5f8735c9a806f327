"""Suite-wide rules.

- In the PostgreSQL pass (PRIMI_DB_PASS=postgres) only the tests that touch the
  database run; in the SQLite pass of `dev.py test` (PRIMI_DB_PASS=sqlite) the tests
  marked `postgres` are left to the PostgreSQL pass.
- With CI=true, a test that needs PostgreSQL, Redis, real concurrency or a browser
  may not be skipped: its skip is turned into a failure.
- PRIMI_RESULTS_FILE receives the pass's counts and why each skipped test was skipped
  (what it needs: browser, postgres, redis), for the summary of `dev.py test`.
"""

import json
import os

import pytest

IN_CI = os.environ.get("CI", "").lower() == "true"
SERVICE_MARKERS = ("postgres", "redis", "browser", "concurrency")


def touches_database(item: pytest.Item) -> bool:
    return item.get_closest_marker("django_db") is not None or any(
        name in getattr(item, "fixturenames", ())
        for name in ("db", "transactional_db", "django_db_setup")
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    db_pass = os.environ.get("PRIMI_DB_PASS")
    if db_pass == "sqlite":
        kept = [item for item in items if item.get_closest_marker("postgres") is None]
    elif db_pass == "postgres":
        kept = [item for item in items if touches_database(item)]
    else:
        return
    config.hook.pytest_deselected(items=[item for item in items if item not in kept])
    items[:] = kept


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call):
    outcome = yield
    report = outcome.get_result()
    if IN_CI and report.skipped and any(item.get_closest_marker(m) for m in SERVICE_MARKERS):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        report.outcome = "failed"
        report.longrepr = f"CI=true forbids skipping this test: {reason}"


def skip_reason(report) -> str:
    text = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
    return text.removeprefix("Skipped: ")


def skip_need(report) -> str:
    """What a skipped test needs: browser, postgres, redis or other (its reason says)."""
    reason = skip_reason(report).lower()
    for need, words in (
        ("browser", ("chromium", "playwright", "browser")),
        ("redis", ("redis",)),
        ("postgres", ("postgresql", "pg_dump", "postgres")),
    ):
        if any(word in reason for word in words):
            return need
    keywords = getattr(report, "keywords", {}) or {}
    for need, markers in (("browser", ("browser",)), ("redis", ("redis",))):
        if any(marker in keywords for marker in markers):
            return need
    if "postgres" in keywords or "concurrency" in keywords:
        return "postgres"
    return "other"


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:
    target = os.environ.get("PRIMI_RESULTS_FILE")
    if not target:
        return
    stats = terminalreporter.stats
    skipped = [r for r in stats.get("skipped", []) if getattr(r, "longrepr", None) is not None]
    counts = {
        "passed": len(stats.get("passed", [])),
        "failed": len(stats.get("failed", [])),
        "skipped": len(stats.get("skipped", [])),
        "errors": len(stats.get("error", [])),
        # Why each was skipped, for the plain summary of `dev.py test`.
        "skips": [
            {"test": r.nodeid, "needs": skip_need(r), "reason": skip_reason(r)} for r in skipped
        ],
    }
    with open(target, "w", encoding="utf-8") as handle:
        json.dump(counts, handle)


@pytest.fixture(autouse=True)
def _reset_language():
    """Tests may activate a language; each starts from the default."""
    from django.utils import translation

    yield
    translation.activate("fr")


@pytest.fixture(autouse=True)
def _clear_cache():
    """Cached API lists and throttle counters must not leak from one test to the next."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


# A second into a day (2027-01-15 00:00:01 UTC): every fixed window (s, min, h, day) of the
# rate limits holds a whole test, however slowly it runs.
THROTTLE_NOW = 1_799_971_201.0


@pytest.fixture(autouse=True)
def _throttle_clock(monkeypatch):
    """The rate limits count in fixed windows of the wall clock: a test whose requests
    straddled two windows would find a fresh bucket. Their clock stands still."""
    from types import SimpleNamespace

    from primi_site import api_throttle

    monkeypatch.setattr(api_throttle, "time", SimpleNamespace(time=lambda: THROTTLE_NOW))


@pytest.fixture
def two_people(db):
    """Two members, each with a read-write API token (tests/api_support.py)."""
    from tests.api_support import ApiClient, TwoPeople
    from tests.factories import PersonFactory

    return TwoPeople(owner=ApiClient(PersonFactory().user), other=ApiClient(PersonFactory().user))


@pytest.fixture
def live_server_factory(request):
    """Start gunicorn (threads) on the test PostgreSQL database; see tests/live.py.

    Skips with a message where the database is not PostgreSQL. The test must be
    `django_db(transaction=True)`, so that its writes are committed for the server.
    """
    from django.db import connection

    from tests.live import database_url, start_gunicorn

    if connection.vendor != "postgresql":
        pytest.skip(
            "needs PostgreSQL and real concurrency: run with "
            "DATABASE_URL=postgres://… (dev.py test does so in its PostgreSQL pass)"
        )
    request.getfixturevalue("transactional_db")
    servers = []

    def start(**options):
        server = start_gunicorn(database_url(connection.settings_dict), **options)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()
