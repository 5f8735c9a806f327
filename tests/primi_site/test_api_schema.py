"""schemathesis over the live OpenAPI document: every operation, every check.

The document is read from the running application (WSGI), as a client would. Runs
are reproducible: a fixed seed, derandomised, a bounded number of examples.
"""

import uuid

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, seed, settings
from schemathesis.config import SchemathesisConfig

from primi_site.services import tokens
from tests.factories import EventFactory, MissionFactory, PersonFactory

MAX_EXAMPLES = 15
# Schema-violating data must be refused; a body over the size the API reads is refused
# with 413 (documented on every operation with a body), which the check must count.
CONFIG = SchemathesisConfig.from_dict(
    {
        "checks": {
            "negative_data_rejection": {
                "expected-statuses": [
                    "400",
                    "401",
                    "403",
                    "404",
                    "405",
                    "406",
                    "409",
                    "413",
                    "415",
                    "422",
                    "428",
                    "429",
                    "5xx",
                ]
            }
        }
    }
)


def no_real_solve(instance, run, previous, progress) -> dict:
    """The scheduler's solver, replaced: a fuzzed run must never search for minutes."""
    return {
        "format": "primi-b2b-solution/1",
        "status": "unknown",
        "breaks": None,
        "bound": None,
        "seconds": 0,
        "assignments": [],
        "unscheduled": [],
    }


@pytest.fixture
def api_schema(db, settings, monkeypatch):
    settings.API_THROTTLE_WRITES = "100000/min"
    settings.API_THROTTLE_AUTH_FAILURES = "100000/min"
    settings.B2B_BOOKING_RATE = "100000/min"
    settings.B2B_REQUEST_RATE = "100000/min"
    # Runs are solved after the commit, which the test's transaction never reaches, and no
    # B2B session exists here; should either change, the solve still returns at once.
    from bookings.b2b.services import schedule

    monkeypatch.setattr(schedule, "_solve", no_real_solve)
    mission = MissionFactory(slug="toronto-2027")
    EventFactory(slug="showcase", mission=mission)
    # As Django's test client does: the WSGI handler must not close the test's
    # connection (and its transaction) at the end of each request.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi(
            "/api/v1/openapi.json", get_wsgi_application(), config=CONFIG
        )
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


schema = schemathesis.pytest.from_fixture("api_schema")


@pytest.fixture
def staff_token(db) -> str:
    return tokens.create_token(PersonFactory(role="staff").user, name="fuzz", scope="write")[1]


@schema.parametrize()
@seed(20270601)
@settings(
    max_examples=MAX_EXAMPLES,
    derandomize=True,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    database=None,
)
def test_the_api_honours_its_openapi_document(case, staff_token):
    headers = {"Authorization": f"Bearer {staff_token}"}
    if case.headers and "Idempotency-Key" in case.headers:
        # One key per creation, as the document asks: generated keys repeat across cases
        # with different bodies, which the API rightly refuses (test_api_idempotency.py).
        headers["Idempotency-Key"] = f"fuzz-{uuid.uuid4()}"
    case.call_and_validate(headers=headers)
