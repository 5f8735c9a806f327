"""An independent checker of `primi-b2b-solution/1` documents against `primi-b2b/1`
instances, on raw dicts. It deliberately imports nothing from the scheduler."""

from __future__ import annotations

from collections import defaultdict


def breaks_of(slots) -> int:
    """Idle runs between meetings: slots 3, 4, 7, 9 give 2."""
    ordered = sorted(slots)
    return sum(1 for i in range(1, len(ordered)) if ordered[i] > ordered[i - 1] + 1)


def validate(instance: dict, solution: dict) -> list[str]:
    """Every rule the solution breaks, as messages (empty: valid)."""
    errors: list[str] = []
    slots_n = instance["slots"]
    tables_n = instance["tables"]
    forbidden = {p["id"]: set(p.get("forbidden", [])) for p in instance["participants"]}
    meetings = {m["id"]: m for m in instance["meetings"]}
    if solution.get("format") != "primi-b2b-solution/1":
        errors.append("format is not primi-b2b-solution/1")
    if solution.get("status") not in ("optimal", "feasible", "infeasible", "unknown"):
        errors.append(f"unknown status {solution.get('status')!r}")

    where: dict = {}
    for a in solution["assignments"]:
        mid, t, table = a["meeting"], a["slot"], a["table"]
        if mid not in meetings:
            errors.append(f"meeting {mid!r} is not in the instance")
            continue
        if mid in where:
            errors.append(f"meeting {mid!r} assigned twice")
            continue
        where[mid] = (t, table)
        m = meetings[mid]
        if not (isinstance(t, int) and 1 <= t <= slots_n):
            errors.append(f"meeting {mid!r}: slot {t} outside 1..{slots_n}")
        if m.get("online", False):
            if table is not None:
                errors.append(f"meeting {mid!r} is online but has table {table}")
        elif not (isinstance(table, int) and 1 <= table <= tables_n):
            errors.append(f"meeting {mid!r}: table {table} outside 1..{tables_n}")
        for p in m["participants"]:
            if t in forbidden[p]:
                errors.append(f"meeting {mid!r}: slot {t} forbidden to participant {p!r}")
        if m.get("session") is not None:
            lo, hi = instance["sessions"][m["session"]]
            if not lo <= t <= hi:
                errors.append(f"meeting {mid!r}: slot {t} outside session {m['session']}")
        if m.get("fixed") is not None and t != m["fixed"]:
            errors.append(f"meeting {mid!r}: fixed at {m['fixed']}, placed at {t}")

    busy: dict = defaultdict(list)
    table_use: dict = {}
    for mid, (t, table) in where.items():
        for p in meetings[mid]["participants"]:
            if t in busy[p]:
                errors.append(f"participant {p!r} double-booked at slot {t}")
            busy[p].append(t)
        if table is not None:
            if (t, table) in table_use:
                errors.append(f"table {table} holds two meetings at slot {t}")
            table_use[t, table] = mid

    for mid, (t, _) in where.items():
        for before in meetings[mid].get("after") or []:
            if before in where and not where[before][0] < t:
                errors.append(f"meeting {mid!r} at {t} is not after meeting {before!r}")
            if before not in where:
                errors.append(f"meeting {mid!r} placed without its predecessor {before!r}")

    for p in instance["participants"]:
        limit = p.get("max_meetings")
        if limit is not None and len(busy[p["id"]]) > limit:
            errors.append(
                f"participant {p['id']!r} has {len(busy[p['id']])} meetings, over {limit}"
            )

    listed = {u["meeting"] for u in solution["unscheduled"]}
    for u in solution["unscheduled"]:
        if not u.get("reason") or not u.get("code"):
            errors.append(f"meeting {u['meeting']!r} left out without reason or code")
    missing = set(meetings) - set(where) - listed
    if missing:
        errors.append(f"meetings neither placed nor listed: {sorted(map(str, missing))}")
    if listed & set(where):
        errors.append("a meeting is both placed and unscheduled")

    per_participant = {p: breaks_of(ts) for p, ts in busy.items()}
    total = sum(per_participant.values())
    if solution["breaks"] != total:
        errors.append(f"reported {solution['breaks']} breaks, recounted {total}")
    complete = len(where) == len(meetings)
    if solution["status"] in ("optimal", "feasible") and not complete:
        errors.append(f"status {solution['status']} but not every meeting is placed")
    d = instance.get("fairness")
    if complete and d is not None and per_participant:
        spread = max(per_participant.values()) - min(per_participant.values())
        if spread > d:
            errors.append(f"fairness: breaks differ by {spread} > {d}")
    bound = solution.get("bound")
    if bound is not None and bound > solution["breaks"]:
        errors.append(f"bound {bound} above breaks {solution['breaks']}")
    if solution["status"] == "optimal" and bound is not None and bound != solution["breaks"]:
        errors.append("status optimal but bound differs from breaks")
    return errors
