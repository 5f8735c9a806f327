"""Table numbers, given after solving: a participant with back-to-back meetings keeps
their table when it is free (greedy, slot by slot)."""

from __future__ import annotations

from collections import defaultdict

from .instance import Id, Instance


def assign_tables(
    instance: Instance,
    slots: dict[Id, int],
    previous_tables: dict[Id, tuple[int, int | None]] | None = None,
) -> dict[Id, int | None]:
    """Meeting id -> table (None for online meetings). `slots` must respect the capacity.

    `previous_tables` (meeting id -> (slot, table)) keeps a published table when the
    meeting stays in its slot."""
    previous_tables = previous_tables or {}
    by_id = {m.id: m for m in instance.meetings}
    by_slot: dict[int, list[Id]] = defaultdict(list)
    for mid, t in slots.items():
        if not by_id[mid].online:
            by_slot[t].append(mid)
    tables: dict[Id, int | None] = dict.fromkeys(slots)
    table_of: dict[tuple[Id, int], int] = {}  # (participant, slot) -> table
    for t in sorted(by_slot):
        free = set(range(1, instance.tables + 1))
        pending = []
        # Published tables first, then the table a participant sat at the slot before.
        for mid in by_slot[t]:
            old = previous_tables.get(mid)
            if old and old[0] == t and old[1] in free:
                tables[mid] = old[1]
                free.discard(old[1])
            else:
                pending.append(mid)
        later = []
        for mid in pending:
            wanted = [table_of[p, t - 1] for p in by_id[mid].participants if (p, t - 1) in table_of]
            choice = next((w for w in wanted if w in free), None)
            if choice is None:
                later.append(mid)
                continue
            tables[mid] = choice
            free.discard(choice)
        for mid in later:
            choice = min(free)
            tables[mid] = choice
            free.discard(choice)
        for mid in by_slot[t]:
            for p in by_id[mid].participants:
                table_of[p, t] = tables[mid]
    return tables
