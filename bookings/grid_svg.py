"""The staff grid of a day drawn as an SVG picture: tables down, slots across.

Geometry only; the template writes the SVG (no script, no external resource) and a
table beside it with the same content for screen readers.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from bookings.queries_b2b import GridDay
from primi_site.formatting import format_clock

CELL_W, CELL_H, LABEL_W, HEADER_H, GAP = 64, 26, 84, 40, 2


@dataclass(frozen=True)
class Cell:
    x: int
    y: int
    filled: bool
    text: str
    title: str


@dataclass(frozen=True)
class Picture:
    width: int
    height: int
    columns: list[tuple[int, str]]
    rows: list[tuple[int, str]]
    cells: list[Cell]
    cell_w: int = CELL_W - GAP
    cell_h: int = CELL_H - GAP


def _initials(name: str) -> str:
    return "".join(word[0] for word in name.split()[:3]).upper()


def picture(day: GridDay, zone_name: str, language: str) -> Picture:
    columns = [
        (LABEL_W + i * CELL_W + CELL_W // 2, format_clock(slot.starts_at, zone_name, language))
        for i, slot in enumerate(day.slots)
    ]
    rows, cells = [], []
    lines = [(_("Table %(number)s") % {"number": row.label}, row.cells) for row in day.rows]
    if any(day.online):
        lines.append((_("Online"), [meetings[0] if meetings else None for meetings in day.online]))
    for r, (label, line) in enumerate(lines):
        y = HEADER_H + r * CELL_H
        rows.append((y + CELL_H // 2 + 4, label))
        for c, meeting in enumerate(line):
            x = LABEL_W + c * CELL_W
            clock = columns[c][1]
            if meeting is None:
                cells.append(
                    Cell(
                        x,
                        y,
                        False,
                        "",
                        _("%(row)s, %(time)s: free") % {"row": label, "time": clock},
                    )
                )
                continue
            a, b = meeting.participant_a.organisation_name, meeting.participant_b.organisation_name
            extra = len(day.online[c]) - 1 if label == _("Online") else 0
            text = f"{_initials(a)}·{_initials(b)}" + (f" +{extra}" if extra > 0 else "")
            title = _("%(row)s, %(time)s: %(a)s and %(b)s") % {
                "row": label,
                "time": clock,
                "a": a,
                "b": b,
            }
            cells.append(Cell(x, y, True, text, title))
    width = LABEL_W + len(day.slots) * CELL_W + GAP
    height = HEADER_H + len(lines) * CELL_H + GAP
    return Picture(width, height, columns, rows, cells)
