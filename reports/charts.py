"""Geometry of the status charts, drawn by the templates in templates/reports/includes/charts/.

Plain SVG made on the server (rect, line and text with inline attributes): it prints, it works
without JavaScript and WeasyPrint draws it as vectors in the PDF. Every chart comes with its
figures in text (the attainment bar) or in a table (the distributions), so nothing is told by
the drawing alone. Coordinates are strings, so the template never localises them (a decimal
comma inside an SVG attribute breaks the drawing).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from measures.models import Phase, TrafficLight

# The traffic light's colours (as in static/css/app.css); every bar also has a dark outline,
# so the light yellow keeps a visible edge against white (WCAG 1.4.11).
FILLS = {"green": "#1e7b34", "yellow": "#f2c200", "red": "#b3261e"}
PHASE_FILL = "#1f5f8b"
OUTLINE = "#212529"
TRACK = "#e9ecef"


def _icon(shape: str) -> str:
    return (
        '<svg class="status-icon" xmlns="http://www.w3.org/2000/svg" width="14" height="14" '
        f'viewBox="0 0 14 14" aria-hidden="true" focusable="false">{shape}</svg>'
    )


# The traffic light as a shape besides its colour (and its words, always written next to it):
# a circle for green, a triangle for yellow, a square for red.
STATUS_ICONS = {
    "green": _icon(f'<circle cx="7" cy="7" r="6" fill="{FILLS["green"]}" stroke="{OUTLINE}"/>'),
    "yellow": _icon(
        f'<polygon points="7,1 13,13 1,13" fill="{FILLS["yellow"]}" stroke="{OUTLINE}"/>'
    ),
    "red": _icon(
        f'<rect x="1.5" y="1.5" width="11" height="11" fill="{FILLS["red"]}" stroke="{OUTLINE}"/>'
    ),
}


def _number(value: float) -> str:
    return f"{value:.1f}"


# --- one indicator's attainment ----------------------------------------------------------------


@dataclass(frozen=True)
class AttainmentBar:
    """How far an indicator has come from its baseline to its target, 0 to 100 %."""

    percent: int
    width: int
    height: int
    filled: str  # width of the filled part


def attainment_bar(percent: int | None, *, width: int = 160, height: int = 12) -> AttainmentBar:
    """The bar for ``percent`` (clamped to 0–100); an indicator without measurements has no
    bar (the template says so in words)."""
    share = min(100, max(0, percent or 0))
    return AttainmentBar(
        percent=share, width=width, height=height, filled=_number(width * share / 100)
    )


def attainment_svg(bar: AttainmentBar) -> str:
    """The bar as inline SVG: a track with an outline and the filled share. Decoration only
    (``aria-hidden``): the figure is written beside it in words."""
    w, h = bar.width, bar.height
    return (
        f'<svg class="attainment-bar" xmlns="http://www.w3.org/2000/svg" width="{w}" '
        f'height="{h}" viewBox="0 0 {w} {h}" aria-hidden="true" focusable="false">'
        f'<rect x="0.5" y="0.5" width="{w - 1}" height="{h - 1}" fill="{TRACK}" '
        f'stroke="{OUTLINE}" stroke-width="1"/>'
        f'<rect x="0" y="0" width="{bar.filled}" height="{h}" fill="{PHASE_FILL}"/></svg>'
    )


# --- how many measures per phase and per traffic light -------------------------------------


@dataclass(frozen=True)
class Bar:
    key: str
    label: str
    count: int
    fill: str
    label_y: str  # baseline of the label above the bar
    y: str  # top of the bar
    width: str
    count_x: str  # where the number after the bar starts
    count_y: str


@dataclass(frozen=True)
class BarChart:
    width: int
    height: int
    bar_height: int
    total: int
    bars: list[Bar]


ROW = 34  # label line (14) + bar (14) + gap (6)
LABEL_LINE = 14
BAR_HEIGHT = 14
COUNT_ROOM = 40  # room after the longest bar for its number


def bar_chart(rows: Sequence[tuple[str, str, int, str]], *, width: int = 320) -> BarChart:
    """Horizontal bars, one per (key, label, count, fill), scaled to the largest count."""
    largest = max((count for _key, _label, count, _fill in rows), default=0)
    room = width - COUNT_ROOM
    bars = []
    for index, (key, label, count, fill) in enumerate(rows):
        top = index * ROW + LABEL_LINE + 2
        length = room * count / largest if largest else 0.0
        bars.append(
            Bar(
                key=key,
                label=label,
                count=count,
                fill=fill,
                label_y=_number(index * ROW + LABEL_LINE - 2),
                y=_number(top),
                width=_number(length),
                count_x=_number(length + 6),
                count_y=_number(top + BAR_HEIGHT - 2),
            )
        )
    return BarChart(
        width=width,
        height=len(rows) * ROW,
        bar_height=BAR_HEIGHT,
        total=sum(count for _key, _label, count, _fill in rows),
        bars=bars,
    )


def phase_chart(by_phase: Mapping[str, int]) -> BarChart:
    """Measures per phase; labels in the active language."""
    return bar_chart(
        [
            (str(phase.value), str(phase.label), int(by_phase.get(str(phase.value), 0)), PHASE_FILL)
            for phase in Phase
        ]
    )


def status_chart(by_status: Mapping[str, int]) -> BarChart:
    """Measures per traffic light, red first: what needs attention comes first."""
    order = [TrafficLight.RED, TrafficLight.YELLOW, TrafficLight.GREEN]
    return bar_chart(
        [
            (light.value, str(light.label), int(by_status.get(light.value, 0)), FILLS[light.value])
            for light in order
        ]
    )
