"""Automatic B2B meeting scheduling (no Django here: plain Python, PySAT and OR-Tools).

    from bookings.scheduling import parse_instance, solve
    solution = solve(parse_instance(data), time_limit=60)
    solution.to_json()  # a `primi-b2b-solution/1` document

Meetings are placed as many as possible first, then breaks are minimised (with the
instance's fairness bound when every meeting is placed), then, when rescheduling with
moves allowed, the number of moved meetings. The stages are in `pipeline.py`: complete
schedules come from core-guided MaxSAT (`maxsat.py`), which proves the optimum; CP-SAT
(`model.py`) handles moves and partial placement, and large events are improved by
neighbourhoods (`lns.py`).
"""

from __future__ import annotations

from .instance import FORMAT, Instance, InstanceError, Meeting, parse_instance
from .solution import Assignment, Solution, Unscheduled

__all__ = [
    "FORMAT",
    "Assignment",
    "Instance",
    "InstanceError",
    "Meeting",
    "Solution",
    "Unscheduled",
    "parse_instance",
    "solve",
]


def __getattr__(name: str):
    # `solve` loads OR-Tools (a second or more); the MaxSAT worker process and the
    # format checks do without it.
    if name == "solve":
        from .pipeline import solve

        return solve
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
