"""Helpers to write small B2B instances in code."""

from __future__ import annotations

# Seconds. The small instances of these tests are proven optimal (or infeasible) by a
# search that stops on its proof in a fraction of a second; the limit is only a guard,
# far from anything a loaded machine needs, so that no result depends on its speed.
GENEROUS = 120.0


def make_instance(
    slots: int,
    meetings: list,
    *,
    tables: int = 10,
    participants=None,
    forbidden: dict | None = None,
    sessions: dict | None = None,
    fairness: int | None = None,
    name: str = "test",
) -> dict:
    """`meetings`: (id, a, b) tuples or full dicts; participants are found from them."""
    forbidden = forbidden or {}
    rows = []
    for m in meetings:
        if isinstance(m, dict):
            row = {"session": None, "fixed": None, "after": [], "online": False, **m}
        else:
            mid, a, b = m
            row = {
                "id": mid,
                "participants": [a, b],
                "session": None,
                "fixed": None,
                "after": [],
                "online": False,
            }
        rows.append(row)
    if participants is None:
        participants = []
        for row in rows:
            for p in row["participants"]:
                if p not in participants:
                    participants.append(p)
    return {
        "format": "primi-b2b/1",
        "name": name,
        "slots": slots,
        "sessions": sessions or {},
        "tables": tables,
        "fairness": fairness,
        "participants": [{"id": p, "forbidden": forbidden.get(p, [])} for p in participants],
        "meetings": rows,
    }
