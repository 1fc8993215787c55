"""The annual wheel as geometry: pure Python, no database.

:func:`draw` turns a period, the rings shown (inner to outer) and the placed occurrences into a
:class:`Drawing` whose every number is already a string (``f"{x:.1f}"``), so templates never
localise a coordinate ("1 240,5") and render it without arithmetic.

The period maps to the full circle, starting at twelve o'clock and running clockwise. The
whole planning year shows its twelve months; a quarter (``?zoom=q1``…``q4``) shows three
months with week ticks; a month (``?zoom=m1``…``m12``, months of the planning year) shows its
ISO weeks with day ticks.

Inside each ring, occurrences are put in lanes (concentric sub-bands) greedily by overlap, so
nothing hides behind something else. A single day takes the angular width of its mark, so
marks on nearby days also get lanes of their own. Beyond :data:`MAX_LANES` a "+N" badge says
how many more there are at that spot; those occurrences are still links (drawn at the badge,
shown when focused), so every occurrence stays reachable from the keyboard.

This module lays out. The zoom (yearwheel/zoom.py), the proportions and the polar geometry
(yearwheel/wheel_geometry.py), and the texts and the SVG markup (yearwheel/wheel_text.py) are
modules of their own; none of them imports this one (but for a type).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from html import escape
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from dateutil.relativedelta import relativedelta
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from yearwheel.colours import tint
from yearwheel.occurrences import Occurrence
from yearwheel.wheel_geometry import (
    BAND_PADDING,
    BAND_TINT,
    CENTRE_RADIUS,
    GLYPH,
    LABEL_BAND,
    LABEL_STRIP,
    LANE,
    MARGIN,
    MARK,
    MARK_GAP,
    MAX_LANES,
    MIN_LANES,
    MIN_RING_AREA,
    RING_GAP,
    RING_NAME_SIZE,
    SCALE_FILLS,
    SCALE_GAP,
    TAU,
    TICK_STRIP,
    ArcText,
    _n,
    _Polar,
    arc_text,
    shape_path,
)
from yearwheel.wheel_text import LegendKind, Writer, legend_kinds, shape_markup, time_span
from yearwheel.zoom import YEAR, Zoom

if TYPE_CHECKING:
    from yearwheel.models import Ring
    from yearwheel.views.base import Placed


# --- the drawing -----------------------------------------------------------------------------


@dataclass
class Sector:
    """A month (or, zoomed to a month, an ISO week) on the scale band."""

    first: date
    last: date
    d: str  # the sector of the scale band
    label: str
    x: str
    y: str
    shade: int  # 0 or 1: alternate fills
    fill: str
    rotate: str  # degrees: the label follows the circle, upright


@dataclass
class Cell:
    """Where a mouse click adds an event: one ring × one sector."""

    ring_id: int
    first: date
    last: date
    d: str
    href: str


@dataclass
class Band:
    ring: Ring
    d: str  # the annulus, filled with the tint
    fill: str
    inner: float
    outer: float
    lanes: int
    name: ArcText  # the ring's name, along the inner edge of the band
    cells: list[Cell] = field(default_factory=list)
    shapes: list[Shape] = field(default_factory=list)
    badges: list[Badge] = field(default_factory=list)
    markup: str = ""  # the shapes' links, ready for the template (see shape_markup)


@dataclass
class Shape:
    """One occurrence: an arc for a range, a mark for a single day."""

    occurrence: Occurrence
    ring: Ring
    dom_id: str
    is_range: bool
    d: str  # the arc (stroked) or the mark (filled)
    glyph: str  # for a range: the kind's shape in white at its start ('' if too short)
    lane: int
    overflowed: bool  # beyond the lanes: drawn at the badge, visible when focused
    label: str  # the accessible name
    kind_label: str
    dates: str
    times: str
    clipped_start: bool
    clipped_end: bool
    # Where it is drawn, in degrees clockwise from twelve o'clock, and at which radius: the
    # centre of a mark (start = end), or the ends of an arc.
    start_degrees: float
    end_degrees: float
    radius: float


@dataclass
class Badge:
    x: str
    y: str
    width: str
    rect_x: str
    rect_y: str
    height: str
    text: str
    title: str
    count: int


@dataclass
class Today:
    d: str
    x: str
    y: str
    label: str
    day: date


@dataclass
class Drawing:
    start: date
    end: date  # inclusive
    days: int
    zoom: Zoom
    size: str
    centre: str
    centre_radius: str
    centre_label: str
    centre_sublabel: str
    scale_inner: float
    scale_outer: float
    sectors: list[Sector]
    grid: str  # sector boundaries across the rings, one path
    ticks: str  # week or day ticks, one path
    tick_labels: list[tuple[str, str, str]]  # (x, y, text)
    bands: list[Band]
    today: Today | None
    legend_kinds: list[LegendKind]
    count: int  # occurrences drawn (the badges' ones included)
    ring_name_size: str = _n(RING_NAME_SIZE)

    @property
    def shapes(self) -> list[Shape]:
        return [shape for band in self.bands for shape in band.shapes]

    @property
    def viewbox(self) -> str:
        return f"0 0 {self.size} {self.size}"

    def degrees(self, day: date, fraction: float = 0.5) -> float:
        """The angle of a moment of ``day`` (its middle by default), clockwise from twelve."""
        return ((day - self.start).days + fraction) / self.days * 360


def _sectors(start: date, end: date, zoom: Zoom, writer: Writer) -> list[tuple[date, date, str]]:
    """(first, last, label) of the scale's sectors: months, or ISO weeks in a month."""
    found = []
    if zoom.kind == "month":
        day = start
        while day <= end:
            last = min(end, day + timedelta(days=6 - day.weekday()))
            week = day.isocalendar().week
            found.append((day, last, _("week %(number)d") % {"number": week}))
            day = last + timedelta(days=1)
        return found
    month = start
    while month <= end:
        last = min(end, month + relativedelta(months=1, days=-1))
        found.append((month, last, writer.months[month.month]))
        month = last + timedelta(days=1)
    return found


@dataclass(eq=False)
class _Item:
    placed: Placed
    lo: float  # day offsets in the period, clipped
    hi: float
    centre: float
    clipped_start: bool
    clipped_end: bool
    lane: int = -1


def _lanes(items: list[_Item], gap: float) -> tuple[int, list[_Item]]:
    """Puts items in the first lane where they overlap nothing (interval partitioning).
    Returns the number of lanes used and the items beyond :data:`MAX_LANES`."""
    ends: list[float] = []
    overflow = []
    for item in sorted(items, key=lambda i: (i.lo, -(i.hi - i.lo))):
        for lane, lane_end in enumerate(ends):
            if item.lo >= lane_end + gap:
                item.lane = lane
                ends[lane] = item.hi
                break
        else:
            if len(ends) < MAX_LANES:
                item.lane = len(ends)
                ends.append(item.hi)
            else:
                overflow.append(item)
    return len(ends), overflow


def _clusters(items: list[_Item], width: float) -> list[list[_Item]]:
    """Overflowing items grouped by spot: each group gets one badge."""
    groups: list[list[_Item]] = []
    reach = -math.inf
    for item in sorted(items, key=lambda i: (i.lo, i.hi)):
        spot = item.lo + min(item.hi - item.lo, width) / 2
        if groups and spot <= reach:
            groups[-1].append(item)
        else:
            groups.append([item])
            reach = spot + width
    return groups


def draw(
    start: date,
    end: date,
    rings: Sequence[Ring],
    items: Iterable[Placed],
    *,
    today: date | None = None,
    zoom: Zoom = YEAR,
    centre_label: str = "",
    centre_sublabel: str = "",
    add_url: str = "",
    next_url: str = "",
) -> Drawing:
    """The wheel of ``start``–``end`` (inclusive) with ``rings`` from the centre outwards.

    ``add_url`` (the event form), when given, makes every own ring × sector a link to add
    an event there; ``next_url`` is where the form returns to.
    """
    days = (end - start).days + 1
    placed = [p for p in items if p.occurrence.overlaps(start, end)]
    by_ring: dict[int, list[_Item]] = {ring.pk: [] for ring in rings}
    for p in placed:
        if p.ring.pk not in by_ring:
            continue
        o = p.occurrence
        lo = float((o.start - start).days)
        hi = float((o.end - start).days + 1)
        by_ring[p.ring.pk].append(
            _Item(p, max(lo, 0.0), min(hi, float(days)), 0.0, lo < 0, hi > days)
        )

    # First pass: lanes per ring, with each ring's narrowest radius (no stretching yet), so a
    # mark's angular width is never underestimated.
    radius = CENTRE_RADIUS + RING_GAP
    plans = []
    for ring in rings:
        lane_radius = radius + LABEL_STRIP + BAND_PADDING + LANE / 2
        per_day = TAU * lane_radius / days  # units of length per day at the innermost lane
        gap = MARK_GAP / per_day
        # A mark is as wide as it looks, and never narrower than its day (less the gap, so
        # marks on two days in a row share a lane when there is room for both).
        mark_days = max((2 * MARK + MARK_GAP) / per_day, 1.0 - gap)
        ring_items = by_ring[ring.pk]
        for item in ring_items:
            if not item.placed.occurrence.is_range:
                centre = (item.lo + item.hi) / 2
                item.centre = centre
                item.lo, item.hi = centre - mark_days / 2, centre + mark_days / 2
            else:
                item.centre = item.lo
        used, overflow = _lanes(ring_items, gap)
        lanes = max(used, MIN_LANES) + (1 if overflow else 0)
        thickness = LABEL_STRIP + 2 * BAND_PADDING + lanes * LANE
        plans.append((ring, ring_items, overflow, lanes, thickness, mark_days))
        radius += thickness + RING_GAP
    area = radius - CENTRE_RADIUS
    stretch = max(0.0, MIN_RING_AREA - area) / len(rings) if rings else 0.0
    if not rings:
        radius = CENTRE_RADIUS + MIN_RING_AREA

    scale_inner = (radius + stretch * len(rings)) + SCALE_GAP if rings else radius
    scale_outer = scale_inner + TICK_STRIP + LABEL_BAND
    half = scale_outer + MARGIN
    polar = _Polar(half, days)
    writer = Writer()

    bands: list[Band] = []
    inner = CENTRE_RADIUS + RING_GAP
    sector_spans = _sectors(start, end, zoom, writer)
    for ring, ring_items, overflow, lanes, thickness, mark_days in plans:
        outer = inner + thickness + stretch
        # Lanes sit just above the name strip, centred in whatever room stretching added.
        lanes_base = inner + LABEL_STRIP + BAND_PADDING + stretch / 2
        band = Band(
            ring=ring,
            d=polar.annulus(inner, outer),
            fill=tint(ring.colour, BAND_TINT),
            inner=inner,
            outer=outer,
            lanes=lanes,
            name=arc_text(polar, inner + 4.0, 0.006 * TAU, ring.name, RING_NAME_SIZE, math.pi),
        )
        if add_url and not ring.source:
            for first, last, _label in sector_spans:
                query = urlencode(
                    {
                        "ring": ring.pk,
                        "date": first.isoformat(),
                        "kind": ring.default_kind,
                        "next": next_url,
                    }
                )
                band.cells.append(
                    Cell(
                        ring.pk,
                        first,
                        last,
                        polar.sector(
                            inner,
                            outer,
                            polar.angle((first - start).days),
                            polar.angle((last - start).days + 1),
                        ),
                        f"{add_url}?{query}",
                    )
                )
        badge_radius = lanes_base + (lanes - 0.5) * LANE
        for group in _clusters(overflow, mark_days):
            first_item = group[0]
            spot = first_item.lo + min(first_item.hi - first_item.lo, mark_days) / 2
            band.badges.append(_badge(polar, badge_radius, spot, group))
            for item in group:
                item.lane = lanes - 1
        overflowed = {id(item) for item in overflow}
        for item in ring_items:  # in date order: the order of the links
            hidden = id(item) in overflowed
            lane_radius = badge_radius if hidden else lanes_base + (item.lane + 0.5) * LANE
            band.shapes.append(_shape(polar, item, lane_radius, writer, hidden))
        colour = escape(ring.colour)
        band.markup = mark_safe(  # noqa: S308 - every text in it is escaped by shape_markup
            "\n".join(shape_markup(shape, colour) for shape in band.shapes)
        )
        bands.append(band)
        inner = outer + RING_GAP

    # The scale: sectors with their names, and ticks.
    label_radius = scale_inner + TICK_STRIP + LABEL_BAND / 2
    sectors = []
    grid = []
    ring_area_outer = scale_inner - SCALE_GAP
    for index, (first, last, label) in enumerate(sector_spans):
        a0 = polar.angle((first - start).days)
        a1 = polar.angle((last - start).days + 1)
        middle = (a0 + a1) / 2
        x, y = polar.xy(label_radius, middle)
        turn = math.degrees(middle)
        if 90 < turn < 270:
            turn -= 180  # the lower half reads upright too
        sectors.append(
            Sector(
                first,
                last,
                polar.sector(scale_inner, scale_outer, a0, a1),
                label,
                _n(x),
                _n(y),
                index % 2,
                SCALE_FILLS[index % 2],
                _n(turn),
            )
        )
        grid.append(polar.spoke(CENTRE_RADIUS, ring_area_outer, a0))
    ticks, tick_labels = _ticks(polar, start, end, zoom, scale_inner)

    shown_today = None
    if today is not None and start <= today <= end:
        # From the centre across the rings and the ticks; the month names stay legible, and
        # the word "Today" stands outside the scale in line with the needle.
        angle = polar.angle((today - start).days + 0.5)
        x, y = polar.xy(scale_outer + 13, angle)
        needle = polar.spoke(CENTRE_RADIUS, scale_inner + TICK_STRIP, angle)
        shown_today = Today(needle, _n(x), _n(y), _("Today"), today)

    return Drawing(
        start=start,
        end=end,
        days=days,
        zoom=zoom,
        size=_n(2 * half),
        centre=_n(half),
        centre_radius=_n(CENTRE_RADIUS),
        centre_label=centre_label,
        centre_sublabel=centre_sublabel,
        scale_inner=scale_inner,
        scale_outer=scale_outer,
        sectors=sectors,
        grid="".join(grid),
        ticks=ticks,
        tick_labels=tick_labels,
        bands=bands,
        today=shown_today,
        legend_kinds=legend_kinds(),
        count=sum(len(band.shapes) for band in bands),
    )


def _shape(polar: _Polar, item: _Item, radius: float, writer: Writer, overflowed: bool) -> Shape:
    o = item.placed.occurrence
    ring = item.placed.ring
    if o.is_range:
        # The arc runs over the days it lasts, clipped to the period.
        a0 = polar.angle(item.lo)
        a1 = polar.angle(item.hi)
        d = polar.arc(radius, a0, a1)
        glyph = ""
        if (a1 - a0) * radius >= 2 * GLYPH + 6:
            gx, gy = polar.xy(radius, a0 + (GLYPH + 2.5) / radius)
            glyph = shape_path(o.kind, gx, gy, GLYPH)
    else:
        a0 = a1 = polar.angle(item.centre)
        x, y = polar.xy(radius, a0)
        d = shape_path(o.kind, x, y, MARK)
        glyph = ""
    dates = writer.span(o.start, o.end)
    return Shape(
        occurrence=o,
        ring=ring,
        dom_id=f"wheel-{o.key}",
        is_range=o.is_range,
        d=d,
        glyph=glyph,
        lane=item.lane,
        overflowed=overflowed,
        label=writer.accessible_name(o, ring.name, dates),
        kind_label=writer.kinds.get(o.kind, o.kind),
        dates=dates,
        times=time_span(o.start_time, o.end_time),
        clipped_start=item.clipped_start,
        clipped_end=item.clipped_end,
        start_degrees=math.degrees(a0),
        end_degrees=math.degrees(a1),
        radius=radius,
    )


def _badge(polar: _Polar, radius: float, spot: float, group: list[_Item]) -> Badge:
    x, y = polar.xy(radius, polar.angle(spot))
    text = f"+{len(group)}"
    width = 6.0 + 5.6 * len(text)
    height = LANE - 1
    titles = [item.placed.occurrence.title for item in group[:8]]
    if len(group) > 8:
        titles.append("…")
    title = ngettext(
        "%(count)d more here: %(titles)s", "%(count)d more here: %(titles)s", len(group)
    ) % {"count": len(group), "titles": "; ".join(titles)}
    return Badge(
        x=_n(x),
        y=_n(y),
        width=_n(width),
        rect_x=_n(x - width / 2),
        rect_y=_n(y - height / 2),
        height=_n(height),
        text=text,
        title=title,
        count=len(group),
    )


def _ticks(
    polar: _Polar, start: date, end: date, zoom: Zoom, scale_inner: float
) -> tuple[str, list[tuple[str, str, str]]]:
    """Week ticks (Mondays) for the year and a quarter, day ticks for a month; numbers for
    the weeks of a quarter and the days of a month."""
    path = []
    labels = []
    number_radius = scale_inner + TICK_STRIP / 2 + 1
    if zoom.kind == "month":
        for offset in range(polar.days):
            day = start + timedelta(days=offset)
            length = 6.0 if day.weekday() == 0 else 3.5
            path.append(polar.spoke(scale_inner, scale_inner + length, polar.angle(offset)))
            x, y = polar.xy(number_radius + 2, polar.angle(offset + 0.5))
            labels.append((_n(x), _n(y), str(day.day)))
        return "".join(path), labels
    monday = start + timedelta(days=(7 - start.weekday()) % 7)
    while monday <= end:
        offset = (monday - start).days
        path.append(polar.spoke(scale_inner, scale_inner + 5.0, polar.angle(offset)))
        if zoom.kind == "quarter":
            middle = min(offset + 3.5, polar.days - 0.5)
            x, y = polar.xy(number_radius + 2, polar.angle(middle))
            labels.append((_n(x), _n(y), str(monday.isocalendar().week)))
        monday += timedelta(days=7)
    return "".join(path), labels
