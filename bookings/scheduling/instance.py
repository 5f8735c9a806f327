"""The `primi-b2b/1` instance format: parsing and validation.

Ids may be integers or strings; they are kept exactly as received so that a solution
writes them back unchanged. Three optional fields extend the format (files without them
stay valid, see docs/scheduler-format.md): `max_meetings` per participant, the most of
their meetings of the instance that may be placed (fixed ones included), and `priority`
per meeting, a non-negative integer (default 0): when meetings must be left out, one of
priority p weighs as 1 + p meetings; `seed`, a non-negative integer (default 0), of the
randomised searches.
"""

from __future__ import annotations

from dataclasses import dataclass, field

FORMAT = "primi-b2b/1"

Id = int | str


class InstanceError(ValueError):
    """The instance is malformed; the message names the offending field."""


@dataclass(frozen=True)
class Meeting:
    id: Id
    participants: tuple[Id, Id]
    session: str | None = None
    fixed: int | None = None
    after: tuple[Id, ...] = ()
    online: bool = False
    priority: int = 0


@dataclass
class Instance:
    name: str
    slots: int
    tables: int
    sessions: dict[str, tuple[int, int]] = field(default_factory=dict)
    fairness: int | None = None
    forbidden: dict[Id, frozenset[int]] = field(default_factory=dict)
    meetings: list[Meeting] = field(default_factory=list)
    max_meetings: dict[Id, int] = field(default_factory=dict)  # only the limited participants
    seed: int = 0  # of the randomised searches (optional `seed` in the file)

    def __post_init__(self) -> None:
        self.index = {m.id: i for i, m in enumerate(self.meetings)}

    @property
    def participants(self) -> list[Id]:
        return list(self.forbidden)

    def session_slots(self, meeting: Meeting) -> range:
        if meeting.session is None:
            return range(1, self.slots + 1)
        lo, hi = self.sessions[meeting.session]
        return range(lo, hi + 1)

    def allowed_slots(self, meeting: Meeting) -> list[int]:
        """Slots where the meeting may go: its session, its fixed slot, nobody's forbidden."""
        a, b = meeting.participants
        banned = self.forbidden[a] | self.forbidden[b]
        slots = [t for t in self.session_slots(meeting) if t not in banned]
        if meeting.fixed is not None:
            slots = [t for t in slots if t == meeting.fixed]
        return slots


def _is_id(value: object) -> bool:
    return (isinstance(value, int) and not isinstance(value, bool)) or (
        isinstance(value, str) and value != ""
    )


def _positive_int(value: object, where: str, zero_ok: bool = False) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < (0 if zero_ok else 1):
        kind = "a non-negative" if zero_ok else "a positive"
        raise InstanceError(f"{where}: must be {kind} integer")
    return value


def _slot(value: object, where: str, slots: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InstanceError(f"{where}: must be a slot number")
    if not 1 <= value <= slots:
        raise InstanceError(f"{where}: slot {value} outside 1..{slots}")
    return value


def _list(value: object, where: str) -> list:
    if not isinstance(value, list):
        raise InstanceError(f"{where}: must be a list")
    return value


def _sessions(raw_sessions: object, slots: int) -> dict[str, tuple[int, int]]:
    raw_sessions = raw_sessions or {}
    if not isinstance(raw_sessions, dict):
        raise InstanceError("sessions: must be an object")
    sessions: dict[str, tuple[int, int]] = {}
    for key, span in raw_sessions.items():
        ok = (
            isinstance(span, list)
            and len(span) == 2
            and all(isinstance(v, int) and not isinstance(v, bool) for v in span)
        )
        if not ok:
            raise InstanceError(f"sessions.{key}: must be [first, last]")
        lo, hi = span
        if not (1 <= lo <= hi <= slots):
            raise InstanceError(f"sessions.{key}: range outside 1..{slots}")
        sessions[key] = (lo, hi)
    return sessions


def _participants(raw: object, slots: int) -> tuple[dict[Id, frozenset[int]], dict[Id, int]]:
    """Participant -> forbidden slots, and participant -> `max_meetings` where given."""
    forbidden: dict[Id, frozenset[int]] = {}
    max_meetings: dict[Id, int] = {}
    for i, row in enumerate(_list(raw, "participants")):
        where = f"participants[{i}]"
        if not isinstance(row, dict):
            raise InstanceError(f"{where}: must be an object")
        pid = row.get("id")
        if not _is_id(pid):
            raise InstanceError(f"{where}.id: must be an integer or a string")
        if pid in forbidden:
            raise InstanceError(f"{where}.id: duplicate participant {pid}")
        slots_off = _list(row.get("forbidden", []), f"{where}.forbidden")
        forbidden[pid] = frozenset(
            _slot(t, f"{where}.forbidden[{j}]", slots) for j, t in enumerate(slots_off)
        )
        limit = row.get("max_meetings")
        if limit is not None:
            max_meetings[pid] = _positive_int(limit, f"{where}.max_meetings", zero_ok=True)
    return forbidden, max_meetings


def _meeting_ids(raw_meetings: list) -> set:
    ids: set = set()
    for i, raw in enumerate(raw_meetings):
        if not isinstance(raw, dict):
            raise InstanceError(f"meetings[{i}]: must be an object")
        mid = raw.get("id")
        if not _is_id(mid):
            raise InstanceError(f"meetings[{i}].id: must be an integer or a string")
        if mid in ids:
            raise InstanceError(f"meetings[{i}].id: duplicate meeting {mid}")
        ids.add(mid)
    return ids


def _meeting(raw: dict, where: str, context: dict) -> Meeting:
    """One meeting; `context`: slots, sessions, forbidden (the participants), ids."""
    pair = _list(raw.get("participants"), f"{where}.participants")
    if len(pair) != 2:
        raise InstanceError(f"{where}.participants: must name exactly two participants")
    for j, pid in enumerate(pair):
        if not _is_id(pid) or pid not in context["forbidden"]:
            raise InstanceError(f"{where}.participants[{j}]: unknown participant {pid}")
    if pair[0] == pair[1]:
        raise InstanceError(f"{where}.participants: a participant cannot meet themselves")
    session = raw.get("session")
    if session is not None and session not in context["sessions"]:
        raise InstanceError(f'{where}.session: unknown session "{session}"')
    fixed = raw.get("fixed")
    if fixed is not None:
        fixed = _slot(fixed, f"{where}.fixed", context["slots"])
    after = _list(raw.get("after") or [], f"{where}.after")
    for j, other in enumerate(after):
        if not _is_id(other) or other not in context["ids"]:
            raise InstanceError(f"{where}.after[{j}]: unknown meeting {other}")
    online = raw.get("online", False)
    if not isinstance(online, bool):
        raise InstanceError(f"{where}.online: must be true or false")
    priority = raw.get("priority")
    priority = 0 if priority is None else _positive_int(priority, f"{where}.priority", True)
    return Meeting(
        id=raw["id"],
        participants=(pair[0], pair[1]),
        session=session,
        fixed=fixed,
        after=tuple(after),
        online=online,
        priority=priority,
    )


def parse_instance(data: object) -> Instance:
    """Check a decoded `primi-b2b/1` document and build an `Instance`."""
    if not isinstance(data, dict):
        raise InstanceError("instance: must be a JSON object")
    if data.get("format") != FORMAT:
        raise InstanceError(f'format: expected "{FORMAT}", got {data.get("format")!r}')
    name = data.get("name", "")
    if not isinstance(name, str):
        raise InstanceError("name: must be a string")
    slots = _positive_int(data.get("slots"), "slots")
    tables = _positive_int(data.get("tables"), "tables", zero_ok=True)
    fairness = data.get("fairness")
    if fairness is not None:
        fairness = _positive_int(fairness, "fairness", zero_ok=True)
    seed = data.get("seed")
    seed = 0 if seed is None else _positive_int(seed, "seed", zero_ok=True)
    sessions = _sessions(data.get("sessions"), slots)
    forbidden, max_meetings = _participants(data.get("participants"), slots)
    raw_meetings = _list(data.get("meetings"), "meetings")
    context = {
        "slots": slots,
        "sessions": sessions,
        "forbidden": forbidden,
        "ids": _meeting_ids(raw_meetings),
    }
    meetings = [_meeting(raw, f"meetings[{i}]", context) for i, raw in enumerate(raw_meetings)]
    return Instance(
        name=name,
        slots=slots,
        tables=tables,
        sessions=sessions,
        fairness=fairness,
        forbidden=forbidden,
        meetings=meetings,
        max_meetings=max_meetings,
        seed=seed,
    )
