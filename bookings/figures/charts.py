"""Bar charts as server-rendered SVG: geometry here, markup in
`bookings/staff/includes/bar_chart.html` (one `<title>` per bar, a table beside it).
"""

from dataclasses import dataclass

WIDTH = 560
BAR_HEIGHT = 22
GAP = 8
LABEL_WIDTH = 190
VALUE_WIDTH = 48


@dataclass
class Bar:
    label: str
    value: int
    y: int
    width: int

    @property
    def text_y(self) -> int:
        return self.y + BAR_HEIGHT - 6

    @property
    def value_x(self) -> int:
        return LABEL_WIDTH + self.width + 6


@dataclass
class BarChart:
    bars: list[Bar]
    width: int = WIDTH
    bar_height: int = BAR_HEIGHT
    label_width: int = LABEL_WIDTH

    @property
    def height(self) -> int:
        return max(1, len(self.bars)) * (BAR_HEIGHT + GAP) + GAP


def bar_chart(points: list[tuple[str, int]]) -> BarChart:
    """Horizontal bars scaled to the largest value (labels on the left, values on the right)."""
    largest = max((value for _label, value in points), default=0)
    room = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    bars = [
        Bar(
            label=label,
            value=value,
            y=GAP + index * (BAR_HEIGHT + GAP),
            width=round(room * value / largest) if largest else 0,
        )
        for index, (label, value) in enumerate(points)
    ]
    return BarChart(bars)
