"""The wheel's proportions and the plane geometry to draw it: pure Python, no database.

The sizes of rings, lanes, marks and the scale; polar coordinates (twelve o'clock, clockwise)
as SVG path data; the mark of each kind; text laid along an arc. Shared by the layout
(yearwheel/drawing.py) and the markup (yearwheel/wheel_text.py), so neither imports the other
for them. Path data and coordinates come out as strings with one decimal (:func:`_n`), never
localised.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache

from yearwheel.models import Kind

TAU = 2 * math.pi

# Sizes in SVG user units (the SVG scales to its box; these are the proportions). The wheel
# page shows the SVG about RENDERED_WIDTH px wide (at a 1280 px page), and the layout keeps
# the viewBox near that width in the year view, so a user unit is about a pixel there and
# sizes below read as pixels (see docs/yearwheel.md, "Labels on the wheel").
CENTRE_RADIUS = 66.0
RING_GAP = 2.0  # white between two ring bands
BAND_PADDING = 2.0
LANE = 13.0  # one lane of marks or arcs and their names, at the least label size
LANE_PER_LABEL = 1.3  # a lane's height for a label size (lanes grow with the labels)
MARK = 4.4  # half the size of a single-day mark
MARK_GAP = 2.0  # the least space between two marks in one lane
MIN_LANES = 1  # a band is never thinner than this (one lane is some 17 px: room to click)
MAX_LANES = 5  # in the year view; beyond this, a "+N" badge linking to the month
MAX_QUARTER_LANES = 12  # the same in a quarter; a month has no cap and names everything
LANE_CAPS: dict[str, int | None] = {"year": MAX_LANES, "quarter": MAX_QUARTER_LANES, "month": None}
# The lanes of every ring of a view together: with many rings each gets fewer (never fewer
# than MIN_LANES). Each lane more makes the wheel wider in user units, and so every name
# smaller where it is shown (the page shows the wheel about 800 px wide): 16 lanes of 13 units
# and the rings' padding fill the 250 units of ring room between the centre and the scale,
# so the year's names keep their size in pixels with up to 16 rings. What does not fit is
# counted, and the count links to the closer view.
LANE_BUDGETS: dict[str, int] = {"year": 16, "quarter": 24}
YEAR_LANE_BUDGET = LANE_BUDGETS["year"]


def lane_cap(zoom_kind: str, ring_count: int) -> int | None:
    """The most lanes a ring gets in a view of this kind (None: no cap, every name)."""
    cap = LANE_CAPS[zoom_kind]
    budget = LANE_BUDGETS.get(zoom_kind)
    if cap is not None and budget is not None and ring_count:
        return max(MIN_LANES, min(cap, budget // ring_count))
    return cap


MIN_RING_AREA = 250.0  # few rings are stretched, so the wheel never looks shrunken
SCALE_GAP = 4.0
TICK_STRIP = 15.0  # week or day ticks and their numbers
LABEL_BAND = 34.0  # month or week names
MARGIN = 28.0  # room for the today label outside the scale
GLYPH = 2.9  # the kind's shape drawn in white at the start of an arc


def range_width(lane: float) -> float:
    """The stroke width of an arc in a lane ``lane`` units high."""
    return lane - 3.0


RANGE_WIDTH = range_width(LANE)

# Type sizes are set in rendered pixels where the page is 1280 px wide: the wheel's column is
# then about 820 px wide (wheel.css: three quarters of the container beside the details), so a
# size in user units is the wanted pixels times the viewBox width over RENDERED_WIDTH (see
# drawing.rendered_size). At A3 the wheel is 258 mm wide (wheel-print.css): a viewBox of 800
# units makes 10 units some 9 pt.
RENDERED_WIDTH = 800.0  # px: the wheel's width at a 1280 px wide page, rounded down
# Ring names are not written in the rings (a name strip a ring took two fifths of the radius
# from the lanes): each ring carries its number at twelve o'clock, and the legend beside the
# wheel gives the number's name.
RING_NAME_SIZE = 12.0  # the ring's number, the least, in user units
RING_NAME_PX = 11.5  # wanted on screen, a little above the 11 px floor
# Event names along their lane (see docs/yearwheel.md, "Labels on the wheel").
LABEL_SIZE = 10.0  # the least, in user units
LABEL_PX = 9.5  # wanted on screen
LABEL_GROWTH = 2.0  # a month crowded past this many times LABEL_SIZE draws smaller names
LABEL_ROOM = {"year": 8.0, "quarter": 15.0, "month": 31.0}  # longest label, in ems
LABEL_GAP = 2.0  # between a mark and its label
SERIES_MIN = 3  # a recurring event with this many dates in a year or quarter is one arc
SERIES_TINT = 0.3  # a series' arc: light, so its notches and dark name read on it
SCALE_FILLS = ("#eef1f4", "#e1e6eb")
BAND_TINT = 0.12  # share of the ring's colour in its band


# --- geometry helpers ------------------------------------------------------------------------


def _n(value: float) -> str:
    """A coordinate as SVG wants it: one decimal, a point, never a thousands separator."""
    return f"{value:.1f}"


class _Polar:
    """Angles from twelve o'clock, clockwise, for day offsets into the period."""

    def __init__(self, centre: float, days: int) -> None:
        self.c = centre
        self.days = days

    def angle(self, offset: float) -> float:
        return offset / self.days * TAU

    def xy(self, radius: float, angle: float) -> tuple[float, float]:
        return self.c + radius * math.sin(angle), self.c - radius * math.cos(angle)

    def point(self, radius: float, angle: float) -> str:
        x, y = self.xy(radius, angle)
        return f"{_n(x)},{_n(y)}"

    def arc(self, radius: float, a0: float, a1: float) -> str:
        """An open arc clockwise from ``a0`` to ``a1`` (for stroking)."""
        r = _n(radius)
        if a1 - a0 >= TAU - 1e-6:
            mid = a0 + math.pi
            return (
                f"M{self.point(radius, a0)}A{r},{r} 0 0,1 {self.point(radius, mid)}"
                f"A{r},{r} 0 0,1 {self.point(radius, a0 + TAU - 1e-4)}"
            )
        large = 1 if a1 - a0 > math.pi else 0
        return f"M{self.point(radius, a0)}A{r},{r} 0 {large},1 {self.point(radius, a1)}"

    def annulus(self, r0: float, r1: float) -> str:
        """A full ring between two radii (fill-rule evenodd)."""
        parts = []
        for radius in (r1, r0):
            r = _n(radius)
            parts.append(
                f"M{self.point(radius, 0)}A{r},{r} 0 1,1 {self.point(radius, math.pi)}"
                f"A{r},{r} 0 1,1 {self.point(radius, 0)}Z"
            )
        return "".join(parts)

    def sector(self, r0: float, r1: float, a0: float, a1: float) -> str:
        """A closed annular sector between two radii and two angles."""
        if a1 - a0 >= TAU - 1e-6:
            return self.annulus(r0, r1)
        large = 1 if a1 - a0 > math.pi else 0
        o, i = _n(r1), _n(r0)
        return (
            f"M{self.point(r1, a0)}A{o},{o} 0 {large},1 {self.point(r1, a1)}"
            f"L{self.point(r0, a1)}A{i},{i} 0 {large},0 {self.point(r0, a0)}Z"
        )

    def spoke(self, r0: float, r1: float, angle: float) -> str:
        return f"M{self.point(r0, angle)}L{self.point(r1, angle)}"


def shape_path(kind: str, x: float, y: float, size: float) -> str:
    """The mark of a kind, centred on (x, y): checkpoint circle, meeting place square,
    activity diamond, deadline triangle. Shapes, not only colours, tell kinds apart."""
    if kind == Kind.MEETING:
        h = size * 0.9
        return f"M{_n(x - h)},{_n(y - h)}h{_n(2 * h)}v{_n(2 * h)}h{_n(-2 * h)}Z"
    if kind == Kind.ACTIVITY:
        s = size * 1.25
        return f"M{_n(x)},{_n(y - s)}L{_n(x + s)},{_n(y)}L{_n(x)},{_n(y + s)}L{_n(x - s)},{_n(y)}Z"
    if kind == Kind.DEADLINE:
        top, base, half = y - size * 1.2, y + size * 0.85, size * 1.15
        return f"M{_n(x)},{_n(top)}L{_n(x + half)},{_n(base)}L{_n(x - half)},{_n(base)}Z"
    r, across = _n(size), _n(2 * size)
    return f"M{_n(x - size)},{_n(y)}a{r},{r} 0 1,0 {across},0a{r},{r} 0 1,0 -{across},0Z"


_NARROW = set("iljtfrIJ.,:;'!|()[] ")
_WIDE = set("mwMWæÆœŒ@%…")


@cache  # called for every character of every name: a dictionary lookup after the first
def _advance(char: str) -> float:
    """A rough advance width in ems of a sans-serif glyph (for laying a name along an arc)."""
    if char in _NARROW:
        return 0.32
    if char in _WIDE:
        return 0.86
    if char.isupper() or char.isdigit():
        return 0.66
    return 0.56


def text_width(text: str, font_size: float) -> float:
    """The estimated width of ``text`` (deterministic: from character classes, not a font)."""
    return sum(_advance(char) for char in text) * font_size


def shorten(text: str, font_size: float, room: float) -> str:
    """``text`` with runs of spaces collapsed, cut with "…" to fit ``room`` user units."""
    text = " ".join(text.split())  # SVG collapses runs of spaces; positions must match
    if text_width(text, font_size) <= room:
        return text
    room -= _advance("…") * font_size
    width = 0.0
    for end, char in enumerate(text):
        width += _advance(char) * font_size
        if width > room:
            return text[:end].rstrip() + "…"
    return text  # pragma: no cover - the loop returns before the end


@dataclass
class ArcText:
    """Text along an arc, glyph by glyph: SVG ``x``, ``y`` and ``rotate`` lists (WeasyPrint,
    which makes the PDF, does not lay text along a path); or, for the page, the arc itself
    (``path``, for a ``textPath``), which browsers lay out and which is a fifth of the bytes."""

    text: str
    x: str
    y: str
    rotate: str
    path: str = ""


def arc_text(
    polar: _Polar, radius: float, start: float, text: str, font_size: float, room: float
) -> ArcText:
    """``text`` on the arc of ``radius`` from angle ``start`` clockwise, shortened with "…"
    to fit ``room`` (an angle)."""
    text = " ".join(text.split())  # SVG collapses runs of spaces; positions must match
    widths = [_advance(char) * font_size for char in text]
    if sum(widths) / radius > room:
        ellipsis = _advance("…") * font_size
        while text and (sum(widths) + ellipsis) / radius > room:
            text, widths = text[:-1], widths[:-1]
        text, widths = text.rstrip() + "…", [*widths[: len(text.rstrip())], ellipsis]
    xs, ys, turns = [], [], []
    angle = start
    for width in widths:
        x, y = polar.xy(radius, angle)
        xs.append(_n(x))
        ys.append(_n(y))
        turns.append(_n(math.degrees(angle + width / radius / 2)))
        angle += width / radius
    return ArcText(text, " ".join(xs), " ".join(ys), " ".join(turns))


def lane_text(
    polar: _Polar,
    radius: float,
    a0: float,
    a1: float,
    text: str,
    font_size: float,
    *,
    on_path: bool = False,
) -> ArcText:
    """``text`` (already short enough) between angles ``a0`` and ``a1``, centred on the lane
    of ``radius`` and upright: clockwise in the upper half, counter-clockwise (turned half
    round) in the lower half, so no name is read upside down. Placed glyph by glyph, as
    :func:`arc_text`, so the PDF shows it too (rotations in whole degrees keep it small); or,
    with ``on_path``, as the arc the browser lays the text along (the same baseline)."""
    middle = (a0 + a1) / 2
    if on_path:
        large = "1" if a1 - a0 > math.pi else "0"
        if math.pi / 2 < middle < 3 * math.pi / 2:
            r = radius + 0.35 * font_size
            rr = _n(r)
            path = f"M{polar.point(r, a1)}A{rr},{rr} 0 {large},0 {polar.point(r, a0)}"
        else:
            r = radius - 0.35 * font_size
            rr = _n(r)
            path = f"M{polar.point(r, a0)}A{rr},{rr} 0 {large},1 {polar.point(r, a1)}"
        return ArcText(text, "", "", "", path)
    widths = [_advance(char) * font_size for char in text]
    xs, ys, turns = [], [], []
    if math.pi / 2 < middle < 3 * math.pi / 2:
        # The baseline on the outer side: the glyphs hang towards the centre.
        r = radius + 0.35 * font_size
        angle = a1
        for width in widths:
            x, y = polar.xy(r, angle)
            xs.append(_n(x))
            ys.append(_n(y))
            turns.append(f"{math.degrees(angle - width / r / 2) + 180:.0f}")
            angle -= width / r
    else:
        r = radius - 0.35 * font_size
        angle = a0
        for width in widths:
            x, y = polar.xy(r, angle)
            xs.append(_n(x))
            ys.append(_n(y))
            turns.append(f"{math.degrees(angle + width / r / 2):.0f}")
            angle += width / r
    return ArcText(text, " ".join(xs), " ".join(ys), " ".join(turns))
