"""Suite-wide rules.

- In the PostgreSQL pass (PRIMI_DB_PASS=postgres) only the tests that touch the
  database run; in the SQLite pass of `dev.py test` (PRIMI_DB_PASS=sqlite) the tests
  marked `postgres` are left to the PostgreSQL pass.
- With CI=true, a test that needs PostgreSQL, Redis, real concurrency or a browser
  may not be skipped: its skip is turned into a failure.
- PRIMI_RESULTS_FILE receives the pass's counts, for the summary of `dev.py test`.
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


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:
    target = os.environ.get("PRIMI_RESULTS_FILE")
    if not target:
        return
    stats = terminalreporter.stats
    counts = {
        "passed": len(stats.get("passed", [])),
        "failed": len(stats.get("failed", [])),
        "skipped": len(stats.get("skipped", [])),
        "errors": len(stats.get("error", [])),
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
