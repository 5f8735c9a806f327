"""Why a meeting could not be placed: a plain-English reason and a stable code.

`presolve_reasons` finds the meetings that no schedule can place on their own (before any
search); `explain` gives a reason for each meeting a solve left out.
"""

from __future__ import annotations

from collections import defaultdict

from .instance import Id, Instance, Meeting

NO_COMMON_SLOT = "no_common_slot"
PARTICIPANT_FULL = "participant_full"
NO_TABLE = "no_table"
PRECEDENCE_CYCLE = "precedence_cycle"
FIXED_FORBIDDEN = "fixed_forbidden"
FIXED_CLASH = "fixed_clash"
FIXED_OUTSIDE_SESSION = "fixed_outside_session"
UNPLACEABLE = "unplaceable"
MEETING_LIMIT = "meeting_limit"  # set by limits.py, before the search


def _ids(values) -> str:
    return ", ".join(str(v) for v in values)


def precedence_cycles(instance: Instance) -> list[list[Id]]:
    """Cycles of the `after` relation (strongly connected components, Tarjan)."""
    succ: dict[Id, list[Id]] = defaultdict(list)
    for m in instance.meetings:
        for before in m.after:
            succ[before].append(m.id)
    index: dict[Id, int] = {}
    low: dict[Id, int] = {}
    stack: list[Id] = []
    on_stack: set[Id] = set()
    cycles: list[list[Id]] = []
    counter = 0
    for root in (m.id for m in instance.meetings):
        if root in index:
            continue
        work = [(root, iter(succ[root]))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(succ[child])))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    top = stack.pop()
                    on_stack.discard(top)
                    component.append(top)
                    if top == node:
                        break
                if len(component) > 1 or node in succ[node]:
                    cycles.append(_cycle_order(component, succ))
    return cycles


def _cycle_order(component: list[Id], succ: dict[Id, list[Id]]) -> list[Id]:
    """An actual cycle through the component, starting anywhere, as a list of ids."""
    members = set(component)
    start = component[-1]
    path = [start]
    seen = {start}
    node = start
    while True:
        nxt = next((c for c in succ[node] if c in members and c not in seen), None)
        if nxt is None:
            return path
        path.append(nxt)
        seen.add(nxt)
        node = nxt


def presolve_reasons(instance: Instance) -> dict[Id, tuple[str, str]]:
    """Meetings that cannot be placed whatever the others do: id -> (code, reason)."""
    out: dict[Id, tuple[str, str]] = {}
    fixed_at: dict[tuple[Id, int], Meeting] = {}
    fixed_in_slot: dict[int, int] = defaultdict(int)
    for m in instance.meetings:
        a, b = m.participants
        if m.fixed is not None:
            t = m.fixed
            if t not in instance.session_slots(m):
                out[m.id] = (
                    FIXED_OUTSIDE_SESSION,
                    f"meeting {m.id} is fixed at slot {t}, outside its session {m.session}",
                )
                continue
            who = [p for p in (a, b) if t in instance.forbidden[p]]
            if who:
                out[m.id] = (
                    FIXED_FORBIDDEN,
                    f"meeting {m.id} is fixed at slot {t}, which participant {who[0]} "
                    "marked unavailable",
                )
                continue
            clash = fixed_at.get((a, t)) or fixed_at.get((b, t))
            if clash is not None:
                out[m.id] = (
                    FIXED_CLASH,
                    f"meeting {m.id} is fixed at slot {t}, like meeting {clash.id} "
                    "with a common participant",
                )
                continue
            if not m.online and fixed_in_slot[t] >= instance.tables:
                out[m.id] = (
                    FIXED_CLASH,
                    f"meeting {m.id} is fixed at slot {t}, where fixed meetings already "
                    f"take all {instance.tables} tables",
                )
                continue
            fixed_at[a, t] = fixed_at[b, t] = m
            if not m.online:
                fixed_in_slot[t] += 1
        if not instance.allowed_slots(m):
            where = f" in session {m.session}" if m.session else ""
            out[m.id] = (
                NO_COMMON_SLOT,
                f"participants {a} and {b} have no common free slot{where}",
            )
    for cycle in precedence_cycles(instance):
        text = " → ".join(str(i) for i in [*cycle, cycle[0]])
        for mid in cycle:
            out.setdefault(
                mid,
                (
                    PRECEDENCE_CYCLE,
                    f"meetings {text} must each take place after the previous one: "
                    "a cycle no schedule can satisfy",
                ),
            )
    return out


def explain(
    instance: Instance,
    left_out: list[Id],
    placed: set[Id],
    proven: bool = True,
    known: dict[Id, tuple[str, str]] | None = None,
) -> dict[Id, tuple[str, str]]:
    """A reason for each meeting of `left_out` that the solve could not place; with
    `proven` false (time ran out) the fallback says so rather than claiming impossibility.
    `known`: reasons found before the search (such as `meeting_limit`), kept as they are.
    The counts behind the reasons are made once, so that a large event with many meetings
    left out still gets its reasons within the time kept for them."""
    pre = {**presolve_reasons(instance), **(known or {})}
    out: dict[Id, tuple[str, str]] = {}
    by_id = {m.id: m for m in instance.meetings}
    candidates = [m for m in instance.meetings if m.id not in pre]
    full = _full_participants(instance, candidates)
    table_shortage = _no_table(instance, candidates)
    for mid in left_out:
        if mid in pre:
            out[mid] = pre[mid]
            continue
        m = by_id[mid]
        crowded = next((full[p] for p in m.participants if p in full), None)
        out[mid] = (
            crowded
            or (None if m.online else table_shortage)
            or (
                UNPLACEABLE,
                f"no schedule places meeting {mid} together with the others"
                if proven
                else f"no schedule placing meeting {mid} together with the others was "
                "found within the time limit",
            )
        )
    return out


def _full_participants(instance: Instance, candidates: list[Meeting]) -> dict[Id, tuple[str, str]]:
    """Participants with more meetings than usable slots, with the reason."""
    theirs: dict[Id, int] = defaultdict(int)
    usable: dict[Id, set[int]] = defaultdict(set)
    for c in candidates:
        slots = instance.allowed_slots(c)
        for p in c.participants:
            theirs[p] += 1
            usable[p].update(slots)
    return {
        p: (
            PARTICIPANT_FULL,
            f"participant {p} has {count} meetings but only {len(usable[p])} usable slots",
        )
        for p, count in theirs.items()
        if count > len(usable[p])
    }


def _no_table(instance: Instance, candidates: list[Meeting]) -> tuple[str, str] | None:
    in_person = [c for c in candidates if not c.online]
    usable = set()
    for c in in_person:
        usable.update(instance.allowed_slots(c))
    capacity = instance.tables * len(usable)
    if len(in_person) > capacity:
        return (
            NO_TABLE,
            f"{len(in_person)} in-person meetings for {instance.tables} tables over "
            f"{len(usable)} slots: not enough tables",
        )
    return None


__all__ = [
    "FIXED_CLASH",
    "FIXED_FORBIDDEN",
    "FIXED_OUTSIDE_SESSION",
    "MEETING_LIMIT",
    "NO_COMMON_SLOT",
    "NO_TABLE",
    "PARTICIPANT_FULL",
    "PRECEDENCE_CYCLE",
    "UNPLACEABLE",
    "explain",
    "presolve_reasons",
]
