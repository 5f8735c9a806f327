"""The staff grid of a day drawn as an SVG picture: tables down, slots across.

Geometry only; the template writes the SVG (no script, no external resource) and a
table beside it with the same content for screen readers.
"""

from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from bookings.b2b.queries.sessions import GridDay
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

    def cells_svg(self) -> SafeString:
        """The cells as SVG elements, written in one pass (thousands on a big day)."""
        w, h = self.cell_w, self.cell_h
        parts = []
        for cell in self.cells:
            fill = "#1f6f8b" if cell.filled else "#eef3f5"
            label = (
                f'<text x="{cell.x + 4}" y="{cell.y + 16}" fill="#fff">{escape(cell.text)}</text>'
                if cell.filled
                else ""
            )
            parts.append(
                f"<g><title>{escape(cell.title)}</title>"
                f'<rect x="{cell.x}" y="{cell.y}" width="{w}" height="{h}" rx="3" '
                f'fill="{fill}" stroke="#c6d3d8"/>{label}</g>'
            )
        return mark_safe("".join(parts))  # every text above is escaped


def _initials(name: str) -> str:
    """Up to three initials, and a number kept whole ("Studio 12" → "S12")."""
    words = name.split()
    letters = "".join(w[0] for w in words if not w.isdigit())[:3].upper()
    numbers = [w.lstrip("0") or "0" for w in words if w.isdigit()]
    return letters + (numbers[-1] if numbers else "")


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


def grid_rows_html(day: GridDay, free_label: str) -> SafeString:
    """The body rows of the table that repeats the picture for screen readers."""
    free = f'<span class="muted">{escape(free_label)}</span>'
    rows = []
    for row in day.rows:
        cells = "".join(
            f"<td>{escape(cell.participant_a.organisation_name)} × "
            f"{escape(cell.participant_b.organisation_name)}</td>"
            if cell
            else f"<td>{free}</td>"
            for cell in row.cells
        )
        rows.append(f'<tr><th scope="row">{escape(row.label)}</th>{cells}</tr>')
    return mark_safe("".join(rows))  # every text above is escaped
