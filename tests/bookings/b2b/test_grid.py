"""Slot generation: blocks in local time, slots in UTC, correct on the days clocks change."""

import itertools
from datetime import UTC, date, datetime, time, timedelta

import pytest

from bookings.b2b.services import generate_slots, plan_slots
from bookings.b2b.services.grid import BlockSpec
from bookings.exceptions import Conflict, Invalid
from bookings.models import Slot, Table
from primi_site.timezones import zone
from tests.factories import B2BParticipantFactory, b2b_session

# Days on which clocks change in 2027 (forward in spring, back in autumn).
CHANGES = {
    "Europe/Paris": (date(2027, 3, 28), date(2027, 10, 31)),
    "America/Toronto": (date(2027, 3, 14), date(2027, 11, 7)),
    "America/Vancouver": (date(2027, 3, 14), date(2027, 11, 7)),
}


def local_labels(planned, zone_name):
    return [s.starts_at.astimezone(zone(zone_name)).strftime("%H:%M") for s in planned]


@pytest.mark.parametrize("zone_name", sorted(CHANGES))
@pytest.mark.parametrize("season", [0, 1], ids=["spring", "autumn"])
def test_a_day_block_on_a_change_day_keeps_its_local_times(zone_name, season):
    day = CHANGES[zone_name][season]
    blocks = [BlockSpec(day, time(9), time(12, 30)), BlockSpec(day, time(14), time(17, 30))]
    planned = plan_slots(blocks, zone_name, 20, 5)
    labels = local_labels(planned, zone_name)
    assert labels[:3] == ["09:00", "09:25", "09:50"]
    assert labels[7:9] == ["11:55", "14:00"]  # the lunch pause is not a slot
    assert [s.index for s in planned] == list(range(1, len(planned) + 1))
    assert len(planned) == 16  # 8 slots of 20 min + 5 min pause in each 3h30 block
    offset = planned[0].starts_at.astimezone(zone(zone_name)).utcoffset()
    assert planned[0].starts_at == datetime.combine(day, time(9), tzinfo=UTC) - offset
    assert all(s.ends_at - s.starts_at == timedelta(minutes=20) for s in planned)


@pytest.mark.parametrize("zone_name", sorted(CHANGES))
def test_a_block_across_the_spring_change_loses_an_hour_and_shows_the_jump(zone_name):
    day = CHANGES[zone_name][0]
    # 01:00–04:00 local is only two real hours on that night.
    planned = plan_slots([BlockSpec(day, time(1), time(4))], zone_name, 20, 5)
    assert planned[-1].ends_at - planned[0].starts_at <= timedelta(hours=2)
    assert len(planned) == 5  # 5 × 25 min fit in 2 h, not 7 as on an ordinary night
    labels = local_labels(planned, zone_name)
    assert labels[:3] == ["01:00", "01:25", "01:50"]
    assert labels[3] == "03:15"  # the jump: 02:15 never shows on a clock
    assert all(s.ends_at - s.starts_at == timedelta(minutes=20) for s in planned)


@pytest.mark.parametrize("zone_name", sorted(CHANGES))
def test_a_block_across_the_autumn_change_gains_an_hour(zone_name):
    day = CHANGES[zone_name][1]
    # 00:30–03:30 local is four real hours: one hour is lived twice.
    planned = plan_slots([BlockSpec(day, time(0, 30), time(3, 30))], zone_name, 20, 5)
    assert len(planned) == 9
    labels = local_labels(planned, zone_name)
    assert any(later < earlier for earlier, later in itertools.pairwise(labels))
    starts = [s.starts_at for s in planned]
    assert starts == sorted(starts)
    assert all(b - a == timedelta(minutes=25) for a, b in itertools.pairwise(starts))


@pytest.mark.parametrize(
    ("zone_name", "clock", "code"),
    [
        ("Europe/Paris", time(2, 30), "nonexistent_time"),
        ("America/Toronto", time(2, 0), "nonexistent_time"),
        ("America/Vancouver", time(2, 15), "nonexistent_time"),
    ],
)
def test_a_block_starting_in_the_spring_gap_is_refused(zone_name, clock, code):
    day = CHANGES[zone_name][0]
    with pytest.raises(Invalid) as caught:
        plan_slots([BlockSpec(day, clock, time(6))], zone_name, 20, 5)
    assert caught.value.code == code
    assert zone_name in caught.value.message


@pytest.mark.parametrize(
    ("zone_name", "clock"),
    [
        ("Europe/Paris", time(2, 30)),
        ("America/Toronto", time(1, 30)),
        ("America/Vancouver", time(1, 0)),
    ],
)
def test_a_block_ending_in_the_repeated_hour_is_refused(zone_name, clock):
    day = CHANGES[zone_name][1]
    with pytest.raises(Invalid) as caught:
        plan_slots([BlockSpec(day, time(0), clock)], zone_name, 20, 5)
    assert caught.value.code == "ambiguous_time"


def test_slots_are_numbered_in_time_order_across_days_and_blocks():
    first, second = date(2027, 5, 4), date(2027, 5, 5)
    blocks = [
        BlockSpec(second, time(9), time(10)),
        BlockSpec(first, time(14), time(15)),
        BlockSpec(first, time(9), time(10)),
    ]
    planned = plan_slots(blocks, "Europe/Paris", 25, 5)
    assert [s.index for s in planned] == [1, 2, 3, 4, 5, 6]
    assert [s.block for s in planned] == [None] * 6
    labels = [s.starts_at.astimezone(zone("Europe/Paris")).strftime("%d %H:%M") for s in planned]
    assert labels == ["04 09:00", "04 09:30", "04 14:00", "04 14:30", "05 09:00", "05 09:30"]


def test_overlapping_blocks_are_refused():
    day = date(2027, 5, 4)
    with pytest.raises(Invalid) as caught:
        plan_slots(
            [BlockSpec(day, time(9), time(12)), BlockSpec(day, time(11), time(13))],
            "Europe/Paris",
            20,
            5,
        )
    assert caught.value.code == "blocks_overlap"


@pytest.mark.django_db
def test_generate_slots_writes_slots_and_tables():
    session = b2b_session(blocks=(("09:00", "10:15"), ("14:00", "15:15")), tables=4)
    assert list(Slot.objects.filter(session=session).values_list("index", flat=True)) == [
        1,
        2,
        3,
        4,
        5,
        6,
    ]
    assert list(Table.objects.filter(session=session).values_list("number", flat=True)) == [
        1,
        2,
        3,
        4,
    ]


@pytest.mark.django_db
def test_generate_slots_is_refused_once_slots_are_used():
    from bookings.b2b.services import set_unavailable

    session = b2b_session()
    participant = B2BParticipantFactory(session=session)
    set_unavailable(participant, {1}, participant.person)
    with pytest.raises(Conflict) as caught:
        generate_slots(session)
    assert caught.value.code == "slots_in_use"
    assert Slot.objects.filter(session=session).count() == 3


# The grid's picture: its colours meet WCAG 2.1 AA ----------------------------------------


def contrast(one: str, two: str) -> float:
    """WCAG 2.1 contrast ratio of two #rrggbb colours."""

    def luminance(colour: str) -> float:
        channels = [int(colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    light, dark = sorted((luminance(one), luminance(two)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_the_grid_picture_texts_have_aa_contrast():
    """axe cannot measure text inside an SVG picture (the browser journeys let it
    through for `<svg role="img">`), so the colours are measured here."""
    import re
    from pathlib import Path

    from bookings.b2b.render import Cell, Picture

    def expand(colour: str) -> str:
        return "#" + "".join(c * 2 for c in colour[1:]) if len(colour) == 4 else colour

    svg = Picture(100, 60, [], [], [Cell(0, 0, True, "DS·DT", "Demo")]).cells_svg()
    rect_fill = re.search(r'<rect [^>]*fill="(#[0-9a-f]+)"', svg).group(1)
    text_fill = re.search(r'<text [^>]*fill="(#[0-9a-f]+)"', svg).group(1)
    assert contrast(expand(text_fill), expand(rect_fill)) >= 4.5
    for name in ("staff_grid.html", "staff_run.html"):
        template = (
            Path(__file__).parents[3].joinpath("bookings/templates/bookings/b2b", name).read_text()
        )
        labels = set(re.findall(r'<text [^>]*fill="(#[0-9a-f]+)"', template))
        assert labels, name
        assert all(contrast(expand(colour), "#ffffff") >= 4.5 for colour in labels), labels


def test_the_dashboard_chart_texts_sit_on_the_page_beside_the_bars():
    """The dashboard's bar charts: labels left of the bars and values right of them, on
    the page's white in its ink, never over a bar (axe cannot measure SVG text)."""
    import re
    from pathlib import Path

    from bookings.figures.charts import BAR_HEIGHT, LABEL_WIDTH, WIDTH, bar_chart

    chart = bar_chart([("Demo label", 7), ("Another", 120), ("None", 0)])
    root = Path(__file__).parents[3]
    template = root.joinpath("bookings/templates/bookings/staff/dashboard.html").read_text()
    # The label ends (text-anchor end) before the bar starts at the label width.
    assert re.search(
        r"<text x=\"\{\{ chart.label_width\|add:'-\d+' \}\}\" [^>]*text-anchor=\"end\"", template
    )
    for bar in chart.bars:
        assert bar.value_x >= LABEL_WIDTH + bar.width  # the value starts after it ends
        assert bar.value_x + len(str(bar.value)) * 9 <= WIDTH  # and stays in the picture
        assert bar.text_y < bar.y + BAR_HEIGHT
    css = root.joinpath("primi_site/static/primi/site.css").read_text()
    variables = dict(re.findall(r"--([a-z-]+):\s*(#[0-9a-f]{6})", css))
    text_fill = re.search(r"\.chart text \{ fill: var\(--([a-z-]+)\)", css).group(1)
    assert contrast(variables[text_fill], variables["paper"]) >= 4.5
