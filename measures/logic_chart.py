"""The chain of a measure's logic model, put together in Python, and the layout of its SVG
overview. Plain helpers for the logic model views (measures/views/logic.py).

The chain loads in a fixed number of queries: elements and arrows are fetched once each and put
together in Python.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, field

from measures.models import LogicColumn, LogicElement, LogicLink, Measure

CHAIN_COLUMNS = [column for column in LogicColumn if column != LogicColumn.ASSUMPTIONS]

# --- the chain, put together in Python ---------------------------------------------------------


@dataclass
class ChainItem:
    element: LogicElement
    leads_to: list[LogicElement] = field(default_factory=list)
    first: bool = False
    last: bool = False


@dataclass
class ChainColumn:
    value: int
    label: str
    number: int
    items: list[ChainItem]


@dataclass
class Arrow:
    pk: int
    source: LogicElement
    target: LogicElement


@dataclass
class Chain:
    columns: list[ChainColumn]
    assumptions: list[ChainItem]
    arrows: list[Arrow]

    @property
    def is_empty(self) -> bool:
        return not self.assumptions and not any(column.items for column in self.columns)

    @property
    def element_count(self) -> int:
        return len(self.assumptions) + sum(len(column.items) for column in self.columns)


def load_chain(measure: Measure) -> Chain:
    """The measure's logic model in two queries, whatever its size."""
    elements = list(LogicElement.objects.filter(measure=measure).order_by("position", "pk"))
    by_pk = {element.pk: element for element in elements}
    arrows = [
        Arrow(link.pk, by_pk[link.source_id], by_pk[link.target_id])
        for link in LogicLink.objects.filter(measure=measure)
        if link.source_id in by_pk and link.target_id in by_pk
    ]
    arrows.sort(
        key=lambda a: (a.source.column, a.source.position, a.target.column, a.target.position)
    )
    items = {element.pk: ChainItem(element) for element in elements}
    for arrow in arrows:
        items[arrow.source.pk].leads_to.append(arrow.target)

    def column_items(column: int) -> list[ChainItem]:
        found = [items[element.pk] for element in elements if element.column == column]
        if found:
            found[0].first = found[-1].last = True
        return found

    return Chain(
        columns=[
            ChainColumn(column.value, str(column.label), number, column_items(column))
            for number, column in enumerate(CHAIN_COLUMNS, start=1)
        ],
        assumptions=column_items(LogicColumn.ASSUMPTIONS),
        arrows=arrows,
    )


# --- the SVG overview --------------------------------------------------------------------------

BOX_WIDTH = 190
COLUMN_GAP = 50
ASSUMPTIONS_GAP = 40
HEADER_HEIGHT = 40
LINE_HEIGHT = 16
BOX_PADDING = 9
BOX_GAP = 14
WRAP_AT = 25
MAX_LINES = 5
LANE_GAP = 8


@dataclass
class ChartBox:
    pk: int
    x: int
    y: int
    height: int
    lines: list[str]
    assumption: bool


@dataclass
class Chart:
    width: int
    height: int
    headers: list[tuple[int, str]]
    boxes: list[ChartBox]
    paths: list[str]
    separator_x: int
    box_width: int = BOX_WIDTH
    line_height: int = LINE_HEIGHT
    padding: int = BOX_PADDING


def wrap_text(text: str) -> list[str]:
    lines = textwrap.wrap(text, WRAP_AT, break_long_words=True) or [""]
    if len(lines) > MAX_LINES:
        lines = [*lines[: MAX_LINES - 1], textwrap.shorten(lines[MAX_LINES - 1], WRAP_AT - 1)]
        lines[-1] = f"{lines[-1].rstrip(' .[]')}…"
    return lines


def chart_layout(chain: Chain) -> Chart:
    """Positions for a drawing of the chain: a column per step, assumptions at the right."""
    boxes: dict[int, ChartBox] = {}
    headers: list[tuple[int, str]] = []
    columns: list[tuple[str, list[ChainItem], bool]] = [
        (f"{column.number}. {column.label}", column.items, False) for column in chain.columns
    ]
    columns.append((str(LogicColumn.ASSUMPTIONS.label), chain.assumptions, True))
    bottom = HEADER_HEIGHT
    for index, (label, items, assumption) in enumerate(columns):
        x = index * (BOX_WIDTH + COLUMN_GAP) + (ASSUMPTIONS_GAP if assumption else 0)
        headers.append((x, label))
        y = HEADER_HEIGHT
        for item in items:
            lines = wrap_text(item.element.text)
            height = len(lines) * LINE_HEIGHT + 2 * BOX_PADDING
            boxes[item.element.pk] = ChartBox(item.element.pk, x, y, height, lines, assumption)
            y += height + BOX_GAP
        bottom = max(bottom, y)
    paths = []
    lanes = 0
    for arrow in chain.arrows:
        start, end = boxes[arrow.source.pk], boxes[arrow.target.pk]
        x1, y1 = start.x + BOX_WIDTH, start.y + start.height // 2
        x2, y2 = end.x - 2, end.y + end.height // 2
        if arrow.target.column - arrow.source.column == 1:
            bend = (x2 - x1) // 2
            paths.append(f"M{x1},{y1} C{x1 + bend},{y1} {x2 - bend},{y2} {x2},{y2}")
        else:
            # Arrows that skip a column run in a lane of their own below the boxes, through
            # the gaps between columns, so they never pass behind another element.
            lane_y = bottom + lanes * LANE_GAP
            offset = (lanes % 4) * 5 - 8
            down, up = x1 + COLUMN_GAP // 2 + offset, x2 - COLUMN_GAP // 2 - offset
            paths.append(f"M{x1},{y1} H{down} V{lane_y} H{up} V{y2} H{x2}")
            lanes += 1
    bottom += lanes * LANE_GAP
    separator_x = len(CHAIN_COLUMNS) * (BOX_WIDTH + COLUMN_GAP) - COLUMN_GAP // 2
    width = len(columns) * (BOX_WIDTH + COLUMN_GAP) - COLUMN_GAP + ASSUMPTIONS_GAP
    return Chart(width, bottom, headers, list(boxes.values()), paths, separator_x)
