"""Two instances of the shared academic benchmark (Bofill et al., JAIR 2022), read from
settings.PRIMI_B2B_SHARED — never copied into the repository."""

import json

import pytest
from django.conf import settings

from bookings.scheduling import parse_instance, solve

from .validator import validate


@pytest.mark.parametrize("name", ["tic-12.original", "tic-13.original"])
def test_shared_instance_gets_a_valid_complete_schedule(name):
    path = settings.PRIMI_B2B_SHARED / "instances" / f"{name}.json"
    if not path.exists():
        pytest.skip(f"shared B2B instances not found at {path} (set PRIMI_B2B_SHARED)")
    data = json.loads(path.read_text(encoding="utf-8"))
    solution = solve(parse_instance(data), time_limit=120, workers=2).to_json()
    assert validate(data, solution) == []
    assert solution["unscheduled"] == []
    assert solution["status"] in ("optimal", "feasible")
    assert solution["bound"] is not None
