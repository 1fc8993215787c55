"""The annual wheel as geometry: pure Python, no database.

:func:`draw` turns a period, the rings shown (inner to outer) and the placed occurrences into a
:class:`Drawing` whose every number is already a string (``f"{x:.1f}"``), so templates never
localise a coordinate ("1 240,5") and render it without arithmetic.

The period maps to the full circle, starting at twelve o'clock and running clockwise. The
whole planning year shows its twelve months; a quarter (``?zoom=q1``…``q4``) shows three
months with week ticks; a month (``?zoom=m1``…``m12``, months of the planning year) shows its
ISO weeks with day ticks.

Inside each ring, occurrences are put in lanes (concentric sub-bands) greedily by overlap, so
nothing hides behind something else. Each takes the room of its shape and of its name, drawn
as text along the lane (see docs/yearwheel.md, "Labels on the wheel"), so names never
overlap. In the year and a quarter a recurring event with :data:`SERIES_MIN` dates or more is
one arc with a notch at each date. Beyond the year's :data:`MAX_LANES` (a quarter's
:data:`MAX_QUARTER_LANES`, both shared out by ``lane_cap``) the rest is not drawn: a "+N"
badge per month, in the ring's last lane, links to that month, which has no cap and names
everything. So the number of shapes is bounded however many occurrences there are; the
agenda lists every one of them.

Type sizes are fixed in pixels where the page shows the wheel (:func:`label_size`,
:func:`ring_name_size`): ring names are not written in the rings, each ring carries its
number at twelve o'clock and the legend names it, so the rings' radial room goes to lanes.

This module lays out. The zoom (yearwheel/zoom.py), the proportions and the polar geometry
(yearwheel/wheel_geometry.py), and the texts and the SVG markup (yearwheel/wheel_text.py) are
modules of their own; none of them imports this one (but for a type).
"""

from __future__ import annotations

import math
from bisect import bisect_left, insort
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import pairwise
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
    LABEL_GAP,
    LABEL_GROWTH,
    LABEL_PX,
    LABEL_ROOM,
    LABEL_SIZE,
    LANE,
    LANE_BUDGETS,
    LANE_CAPS,
    LANE_PER_LABEL,
    MARGIN,
    MARK,
    MARK_GAP,
    MIN_LANES,
    MIN_RING_AREA,
    RENDERED_WIDTH,
    RING_GAP,
    RING_NAME_PX,
    RING_NAME_SIZE,
    SCALE_FILLS,
    SCALE_GAP,
    SERIES_MIN,
    SERIES_TINT,
    TAU,
    TICK_STRIP,
    ArcText,
    _n,
    _Polar,
    lane_cap,
    lane_text,
    range_width,
    shape_path,
    shorten,
    text_width,
)
from yearwheel.wheel_text import LegendKind, Writer, band_markup, legend_kinds, time_span
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
    number: RingNumber  # the ring's number at twelve o'clock (the legend names it)
    cells: list[Cell] = field(default_factory=list)
    shapes: list[Shape] = field(default_factory=list)
    badges: list[Badge] = field(default_factory=list)
    markup: str = ""  # the shapes' links and labels, ready for the template (see wheel_text)


@dataclass
class RingNumber:
    """A ring's number on a white pill at twelve o'clock, in its first lane: the legend
    beside the wheel gives each number its ring's name."""

    text: str
    size: float  # of the text, in user units
    x: str  # the text's centre
    y: str
    rect_x: str
    rect_y: str
    width: str
    height: str


@dataclass
class Shape:
    """One occurrence (an arc for a range, a mark for a single day), or a whole series drawn
    as one arc with a tick on each of its dates."""

    occurrence: Occurrence  # of a series: its first in the period
    ring: Ring
    dom_id: str
    is_range: bool
    d: str  # the arc (stroked) or the mark (filled)
    glyph: str  # for a range: the kind's shape in white at its start ('' if too short)
    lane: int
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
    text: ArcText | None = None  # the visible name ("" shortened with "…"), if drawn
    text_inside: bool = False  # on the arc (white on the ring's colour), not beside it
    series: tuple[Occurrence, ...] = ()  # every date of a series drawn as one arc
    rhythm: str = ""  # "every Tuesday"
    ticks: str = ""  # a series' dates, one path
    dash: str = ""  # the dash pattern when ``ticks`` is an arc dashed at each date


@dataclass
class Badge:
    """How many occurrences a crowded month of a ring holds beyond its lanes (year view);
    a link to that month, where every name is shown."""

    x: str
    y: str
    width: str
    rect_x: str
    rect_y: str
    height: str
    text: str
    title: str
    count: int
    href: str


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
    count: int  # occurrences in the view (those in series and badges included)
    placed: list[Placed] = field(default_factory=list)  # those occurrences, in date order
    ring_name_size: str = _n(RING_NAME_SIZE)  # of the rings' numbers
    label_size: str = _n(LABEL_SIZE)

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


TEXT_SLACK = 1.12  # room for a name: its estimated width and this much more


@dataclass(eq=False)
class _Item:
    placed: Placed
    body_lo: float  # day offsets in the period, clipped: where the shape is
    body_hi: float
    clipped_start: bool
    clipped_end: bool
    series: tuple[Occurrence, ...] = ()
    rhythm: str = ""
    text: str = ""  # the label, shortened; "" when there is no room for it
    label_lo: float = 0.0  # where the label is, in day offsets
    label_hi: float = 0.0
    inside: bool = False  # the label is on the arc
    lo: float = 0.0  # what the item takes in its lane: shape and label
    hi: float = 0.0
    lane: int = -1

    @property
    def count(self) -> int:
        return len(self.series) or 1


def _series_key(o: Occurrence) -> tuple[object, ...]:
    # As the agenda: derived series of different measures may share a title.
    return (o.source, o.event_id, o.measure_id, o.title, o.start_time, o.end_time)


def _items(
    placed: list[Placed], start: date, days: int, collapse: bool, writer: Writer
) -> list[_Item]:
    """The ring's items: one per occurrence, but one per series of :data:`SERIES_MIN` or
    more dates when ``collapse`` (the year and the quarter)."""
    groups: dict[tuple[object, ...], list[Placed]] = {}
    if collapse:
        for p in placed:
            if p.occurrence.recurring:
                groups.setdefault(_series_key(p.occurrence), []).append(p)
        groups = {key: group for key, group in groups.items() if len(group) >= SERIES_MIN}
    items = []
    done: set[tuple[object, ...]] = set()
    for p in placed:
        o = p.occurrence
        if collapse and o.recurring:
            key = _series_key(o)
            group = groups.get(key)
            if group is not None:
                if key in done:
                    continue
                done.add(key)
                series = tuple(g.occurrence for g in group)
                lo = float((series[0].start - start).days)
                hi = float((max(s.end for s in series) - start).days + 1)
                items.append(
                    _Item(
                        p,
                        max(lo, 0.0),
                        min(hi, float(days)),
                        lo < 0,
                        hi > days,
                        series=series,
                        rhythm=writer.rhythm(series),
                    )
                )
                continue
        lo = float((o.start - start).days)
        hi = float((o.end - start).days + 1)
        items.append(_Item(p, max(lo, 0.0), min(hi, float(days)), lo < 0, hi > days))
    return items


def _measure(
    item: _Item, per_day: float, mark_days: float, room: float, days: int, size: float
) -> None:
    """Where the item's shape and label (of ``size`` user units) go along its lane, in day
    offsets. A label goes on a long enough arc, else after the shape (before it at the end of
    the period)."""
    o = item.placed.occurrence
    # Widths are estimated from character classes; browsers' sans-serif (often DejaVu Sans on
    # Linux) runs wider, and a name longer than its arc loses its last letters on the page.
    size *= TEXT_SLACK
    if not item.series and not o.is_range:
        centre = (item.body_lo + item.body_hi) / 2
        item.body_lo, item.body_hi = centre - mark_days / 2, centre + mark_days / 2
    title = f"{o.title} · {item.rhythm}" if item.series else o.title
    gap_days = LABEL_GAP / per_day
    item.lo, item.hi = item.body_lo, item.body_hi
    item.text, item.inside = "", False
    if item.series or o.is_range:
        # On the arc, a name may be as long as the arc.
        glyph_days = (2 * GLYPH + 6) / per_day
        on_arc = (item.body_hi - item.body_lo - glyph_days - gap_days) * per_day
        text = shorten(title, size, max(room, on_arc))
        text_days = text_width(text, size) / per_day
        if item.body_hi - item.body_lo >= glyph_days + text_days + gap_days:
            item.text, item.inside = text, True
            item.label_lo = item.body_lo + glyph_days
            item.label_hi = item.label_lo + text_days
            return
    text = shorten(title, size, room)
    text_days = text_width(text, size) / per_day
    if item.body_hi + gap_days + text_days <= days:
        item.label_lo = item.body_hi + gap_days
        item.label_hi = item.label_lo + text_days
        item.hi = item.label_hi
    elif item.body_lo - gap_days - text_days >= 0:
        item.label_hi = item.body_lo - gap_days
        item.label_lo = item.label_hi - text_days
        item.lo = item.label_lo
    else:
        # No room for the whole name on either side (a long name on an inner ring of a
        # month): as much of it as the longer side holds, if that is a few words.
        after = (days - item.body_hi - gap_days) * per_day
        before = (item.body_lo - gap_days) * per_day
        text = shorten(title, size, max(after, before))
        if len(text) < 12:
            return  # the link still names it
        text_days = text_width(text, size) / per_day
        if after >= before:
            item.label_lo = item.body_hi + gap_days
            item.label_hi = item.label_lo + text_days
            item.hi = item.label_hi
        else:
            item.label_hi = item.body_lo - gap_days
            item.label_lo = item.label_hi - text_days
            item.lo = item.label_lo
    item.text = text


def _free(lane: list[tuple[float, float]], lo: float, hi: float, gap: float) -> bool:
    """Whether ``lo``–``hi`` fits in a lane of disjoint spans sorted by start."""
    k = bisect_left(lane, (hi + gap, -math.inf))
    return k == 0 or lane[k - 1][1] + gap <= lo


def _lanes(
    items: list[_Item],
    gap: float,
    cap: int | None,
    reserved: dict[int, list[tuple[float, float]]] | None = None,
    every: Sequence[tuple[float, float]] = (),
) -> tuple[list[list[tuple[float, float]]], list[_Item]]:
    """Puts each item in the first lane where it overlaps nothing: single dates and ranges
    first, by start, then the series (long arcs), in the gaps left. ``reserved`` holds spans
    already taken in some lanes (count badges), ``every`` those taken in every lane (the
    ring's number). Returns the lanes (their
    taken spans) and the items beyond ``cap`` lanes (``None``: no cap)."""
    reserved = reserved or {}
    count = max(reserved, default=-1) + 1
    lanes: list[list[tuple[float, float]]] = [
        sorted([*every, *reserved.get(n, [])]) for n in range(count)
    ]
    overflow = []
    order = sorted(items, key=lambda i: (bool(i.series), i.lo, -(i.hi - i.lo)))
    for item in order:
        item.lane = -1
        for number, lane in enumerate(lanes):
            if _free(lane, item.lo, item.hi, gap):
                item.lane = number
                insort(lane, (item.lo, item.hi))
                break
        else:
            if cap is None or len(lanes) < cap:
                item.lane = len(lanes)
                # (An item under the ring's number would find no lane: it takes the spot.)
                free = [
                    span for span in every if span[1] + gap <= item.lo or item.hi + gap <= span[0]
                ]
                lanes.append(sorted([*free, (item.lo, item.hi)]))
            else:
                overflow.append(item)
    return lanes, overflow


@dataclass
class _Plan:
    ring: Ring
    items: list[_Item]
    overflow: list[_Item]
    lanes: int
    badge_lane: int  # where the count badges go (the last lane under the cap)
    badge_at: dict[int, float]  # sector index: where its badge's centre is, in day offsets


@dataclass
class _Sizes:
    """The type and lane sizes of one layout, in user units."""

    label: float  # event names
    number: float  # the rings' numbers
    lane: float

    @property
    def band_extra(self) -> float:
        return 2 * BAND_PADDING + RING_GAP


def _sector_index(item: _Item, start: date, sectors: list[tuple[date, date, str]]) -> int:
    """The sector (month) where an item starts: where its count goes when it is not drawn."""
    day = start + timedelta(days=int(item.body_lo + 1e-9))
    return next(
        (n for n, (first, last, _l) in enumerate(sectors) if first <= day <= last),
        len(sectors) - 1,
    )


def _badge_width(text: str, size: float) -> float:
    return 8.0 + text_width(text, size) * 1.05  # bold: a little wider than the estimate


def _number_radius(size: float) -> float:
    """Half the width of the pill a ring's number sits on (room for two digits)."""
    return text_width("12", size) / 2 + 3.0


def _plan_ring(
    ring: Ring,
    placed: list[Placed],
    inner: float,
    start: date,
    days: int,
    zoom: Zoom,
    writer: Writer,
    sizes: _Sizes,
    cap: int | None,
    sectors: list[tuple[date, date, str]],
) -> _Plan:
    """A ring's items in lanes, with its band's inner edge at ``inner`` (the least radius: no
    stretching, so neither a mark's nor a label's angular width is underestimated)."""
    lane_radius = inner + BAND_PADDING + sizes.lane / 2
    # Units of length per day where text is narrowest: the inner baseline of lane 0.
    per_day = TAU * (lane_radius - 0.35 * sizes.label) / days
    gap = MARK_GAP / per_day
    # A mark is as wide as it looks, and never narrower than its day (less the gap, so
    # marks on two days in a row share a lane when there is room for both).
    mark_days = max((2 * MARK + MARK_GAP) / per_day, 1.0 - gap)
    room = LABEL_ROOM[zoom.kind] * sizes.label * TEXT_SLACK
    items = _items(placed, start, days, zoom.kind != "month", writer)
    for item in items:
        _measure(item, per_day, mark_days, room, days, sizes.label)
    # The ring's number takes twelve o'clock across the band, where the period starts and
    # ends: names never run under it.
    half = (_number_radius(sizes.number) + MARK_GAP) / per_day
    number = [(-half, half), (days - half, days + half)]
    for item in items:
        if item.lo >= half and item.hi <= days - half:
            continue
        o = item.placed.occurrence
        if item.series or o.is_range:
            # An arc across the period's start or end starts or ends beside the number.
            lo, hi = max(item.body_lo, half + gap), min(item.body_hi, days - half - gap)
            if lo < hi:
                item.body_lo, item.body_hi = lo, hi
                _measure(item, per_day, mark_days, room, days, sizes.label)
        elif cap is None:
            # A month names every date: a mark on its first or last day moves out from under
            # the number, by a day at most (the number is about a day wide in a month's rings).
            edge = half + gap
            shift = max(0.0, edge - item.body_lo) - max(0.0, item.body_hi - (days - edge))
            item.body_lo, item.body_hi = item.body_lo + shift, item.body_hi + shift
            _measure(item, per_day, mark_days, room, days, sizes.label)
    reserved: dict[int, list[tuple[float, float]]] = {}
    badge_lane = (cap or 1) - 1
    badge_at: dict[int, float] = {}
    lanes, overflow = _lanes(items, gap, cap, reserved, number)
    # A crowded month's count badge goes in the last lane, in a free spot of the month nearest
    # its middle, else in the middle: what it displaces is counted too, which may crowd
    # another month, so a few rounds settle it.
    # Measured where the badge lane's text is narrowest (the ring not stretched).
    badge_radius = inner + BAND_PADDING + (badge_lane + 0.5) * sizes.lane - 0.35 * sizes.label
    badge_days = (_badge_width("+99", sizes.label) / 2 + MARK_GAP) / (TAU * badge_radius / days)
    for _round in range(4):
        crowded = {_sector_index(item, start, sectors) for item in overflow} - set(badge_at)
        if not crowded:
            break
        for index in sorted(crowded):
            first, last, _label = sectors[index]
            lo, hi = (first - start).days, (last - start).days + 1
            middle = (lo + hi) / 2
            spans = lanes[badge_lane] if badge_lane < len(lanes) else []
            steps = range(int((hi - lo) / 2 / 0.25) + 1)
            spot = next(
                (
                    centre
                    for step in steps
                    for centre in (middle - step * 0.25, middle + step * 0.25)
                    if lo + badge_days <= centre <= hi - badge_days
                    and _free(spans, centre - badge_days, centre + badge_days, gap)
                ),
                middle,
            )
            badge_at[index] = spot
            reserved.setdefault(badge_lane, []).append((spot - badge_days, spot + badge_days))
        lanes, overflow = _lanes(items, gap, cap, reserved, number)
    used = len(lanes)
    return _Plan(ring, items, overflow, max(used, MIN_LANES), badge_lane, badge_at)


def _scale_inner(plans: list[_Plan], sizes: _Sizes) -> tuple[float, float]:
    """The scale's inner radius, and how much each ring is stretched so that few rings
    never look shrunken."""
    if not plans:
        return CENTRE_RADIUS + MIN_RING_AREA, 0.0
    radius = CENTRE_RADIUS + RING_GAP
    radius += sum(sizes.band_extra + plan.lanes * sizes.lane for plan in plans)
    stretch = max(0.0, MIN_RING_AREA - (radius - CENTRE_RADIUS)) / len(plans)
    return radius + stretch * len(plans) + SCALE_GAP, stretch


def _wanted_sizes(plans: list[_Plan], stretch: float) -> _Sizes:
    """The sizes at which names are :data:`LABEL_PX` px on screen for these rings' lanes.

    The wheel's width is twice the fixed radii (centre, ring padding, scale) plus the lanes,
    and a lane is ``LANE_PER_LABEL`` label sizes high; so with ``k`` = LABEL_PX /
    RENDERED_WIDTH, ``label = k · 2 (fixed + lanes · LANE_PER_LABEL · label)``, solved."""
    k = LABEL_PX / RENDERED_WIDTH
    lanes = sum(plan.lanes for plan in plans)
    fixed = CENTRE_RADIUS + RING_GAP + SCALE_GAP + TICK_STRIP + LABEL_BAND + MARGIN
    fixed += len(plans) * (2 * BAND_PADDING + RING_GAP)
    room = 1 - 2 * k * LANE_PER_LABEL * lanes
    label = LABEL_GROWTH * LABEL_SIZE if room <= 0 else 2 * k * fixed / room
    label = min(max(label, LABEL_SIZE), LABEL_GROWTH * LABEL_SIZE)
    lane = max(LANE, LANE_PER_LABEL * label)
    width = 2 * (fixed + lanes * lane)
    return _Sizes(label, ring_name_size(width), lane)


def rendered_size(px: float, least: float, width: float) -> float:
    """A type size in user units for a wheel ``width`` units wide: ``px`` pixels where the
    wheel is shown :data:`RENDERED_WIDTH` px wide, and never less than ``least``."""
    return max(least, px * width / RENDERED_WIDTH)


def ring_name_size(size: float) -> float:
    """The rings' numbers' size in user units for a wheel ``size`` units wide: at least
    :data:`RING_NAME_PX` px when the wheel is :data:`RENDERED_WIDTH` px wide."""
    return rendered_size(RING_NAME_PX, RING_NAME_SIZE, size)


def label_size(size: float) -> float:
    """The event names' size in user units for a wheel ``size`` units wide: at least
    :data:`LABEL_PX` px when the wheel is :data:`RENDERED_WIDTH` px wide, up to
    :data:`LABEL_GROWTH` times :data:`LABEL_SIZE`."""
    return min(rendered_size(LABEL_PX, LABEL_SIZE, size), LABEL_GROWTH * LABEL_SIZE)


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
    zoom_url: Callable[[str], str] | None = None,
    text_on_path: bool = False,
    lang: str = "",  # the language of the names when not the page's (band_markup)
) -> Drawing:
    """The wheel of ``start``–``end`` (inclusive) with ``rings`` from the centre outwards.

    ``text_on_path`` lays the event names along their arcs with ``textPath`` (for browsers;
    a fifth of the bytes) instead of glyph by glyph (which the PDF needs).

    ``add_url`` (the event form), when given, makes every own ring × sector a link to add
    an event there; ``next_url`` is where the form returns to. ``zoom_url`` gives the URL of
    a zoom (``"m3"``): the year view's count badges link to their month.
    """
    days = (end - start).days + 1
    writer = Writer()
    by_ring: dict[int, list[Placed]] = {ring.pk: [] for ring in rings}
    placed = []
    for p in items:
        if p.ring.pk in by_ring and p.occurrence.overlaps(start, end):
            by_ring[p.ring.pk].append(p)
            placed.append(p)
    cap = lane_cap(zoom.kind, len(rings))
    sector_spans = _sectors(start, end, zoom, writer)

    # Type sizes are fixed in pixels on the page, so they grow with the wheel's width in user
    # units, which grows with the lanes, which grow with the type. Lay out at the least sizes;
    # a year within its lane budget is then narrow enough. A crowded quarter or month is laid
    # out again at the sizes its width wants (solved for its lanes, up to LABEL_GROWTH),
    # unless that leaves a name without room (an inner ring's month is short in user units).
    sizes = _Sizes(LABEL_SIZE, RING_NAME_SIZE, LANE)

    def plan_all(sizes: _Sizes) -> tuple[list[_Plan], float, float, int]:
        plans = []
        inners = []
        radius = CENTRE_RADIUS + RING_GAP
        for ring in rings:
            inners.append(radius)
            plan = _plan_ring(
                ring, by_ring[ring.pk], radius, start, days, zoom, writer, sizes, cap, sector_spans
            )
            plans.append(plan)
            radius += sizes.band_extra + plan.lanes * sizes.lane
        # Lanes of the budget that quiet rings leave go, one by one, to the ring with the most
        # counted away. (Rings further out move outwards, which only gives them more room.)
        budget = LANE_BUDGETS.get(zoom.kind)
        most = LANE_CAPS[zoom.kind]
        if cap is not None and budget is not None and most is not None:
            caps = [cap] * len(plans)
            spare = budget - sum(plan.lanes for plan in plans)
            while spare > 0:
                crowded = [n for n, plan in enumerate(plans) if plan.overflow and caps[n] < most]
                if not crowded:
                    break
                n = max(crowded, key=lambda n: sum(item.count for item in plans[n].overflow))
                caps[n] += 1
                again = _plan_ring(
                    rings[n],
                    by_ring[rings[n].pk],
                    inners[n],
                    start,
                    days,
                    zoom,
                    writer,
                    sizes,
                    caps[n],
                    sector_spans,
                )
                spare -= again.lanes - plans[n].lanes
                plans[n] = again
        scale_inner, stretch = _scale_inner(plans, sizes)
        unnamed = sum(1 for plan in plans for item in plan.items if not item.text)
        return plans, scale_inner, stretch, unnamed

    plans, scale_inner, stretch, unnamed = plan_all(sizes)
    for _round in range(3):
        width = 2 * (scale_inner + TICK_STRIP + LABEL_BAND + MARGIN)
        if label_size(width) <= sizes.label + 0.05 and ring_name_size(width) <= sizes.number + 0.05:
            break
        wanted = _wanted_sizes(plans, stretch)
        if wanted.label <= sizes.label + 0.05:
            break
        again = plan_all(wanted)
        if again[3] > unnamed:
            break  # bigger names would leave some without room: keep these
        sizes = wanted
        plans, scale_inner, stretch, unnamed = again
    scale_outer = scale_inner + TICK_STRIP + LABEL_BAND
    half = scale_outer + MARGIN
    polar = _Polar(half, days)
    lane = sizes.lane
    arc_width = range_width(lane)

    bands: list[Band] = []
    inner = CENTRE_RADIUS + RING_GAP
    for number, plan in enumerate(plans, start=1):
        ring, lanes = plan.ring, plan.lanes
        outer = inner + 2 * BAND_PADDING + lanes * lane + stretch
        # Lanes sit inside the band, centred in whatever room stretching added.
        lanes_base = inner + BAND_PADDING + stretch / 2
        # Centred across the band; never taller than the band (a few user units more than
        # wanted in a wheel too crowded for it to be 11 px).
        number_size = min(sizes.number, outer - inner - 4)
        nx, ny = polar.xy((inner + outer) / 2, 0.0)
        pill = 2 * _number_radius(number_size)
        pill_height = min(outer - inner - 2, number_size + 6)
        band = Band(
            ring=ring,
            d=polar.annulus(inner, outer),
            fill=tint(ring.colour, BAND_TINT),
            inner=inner,
            outer=outer,
            lanes=lanes,
            number=RingNumber(
                str(number),
                number_size,
                _n(nx),
                _n(ny),
                _n(nx - pill / 2),
                _n(ny - pill_height / 2),
                _n(pill),
                _n(pill_height),
            ),
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
        if plan.overflow:
            badge_radius = lanes_base + (plan.badge_lane + 0.5) * lane
            band.badges = _badges(
                polar,
                badge_radius,
                start,
                sector_spans,
                plan.overflow,
                zoom,
                zoom_url,
                sizes,
                plan.badge_at,
            )
        overflowed = {id(item) for item in plan.overflow}
        for item in plan.items:  # in date order: the order of the links
            if id(item) in overflowed:
                continue
            lane_radius = lanes_base + (item.lane + 0.5) * lane
            band.shapes.append(
                _shape(polar, item, lane_radius, writer, start, text_on_path, sizes.label, lane)
            )
        band.markup = mark_safe(  # noqa: S308 - every text in it is escaped by band_markup
            band_markup(
                band.shapes,
                ring.colour,
                tint(ring.colour, SERIES_TINT),
                sizes.label,
                arc_width,
                lang,
            )
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
        count=len(placed),
        placed=placed,
        ring_name_size=_n(sizes.number),
        label_size=_n(sizes.label),
    )


def _shape(
    polar: _Polar,
    item: _Item,
    radius: float,
    writer: Writer,
    start: date,
    on_path: bool,
    size: float,
    lane: float,
) -> Shape:
    o = item.placed.occurrence
    ring = item.placed.ring
    ticks = dash = ""
    glyph = ""
    if item.series or o.is_range:
        # The arc runs over the days it lasts, clipped to the period.
        a0 = polar.angle(item.body_lo)
        a1 = polar.angle(item.body_hi)
        d = polar.arc(radius, a0, a1)
        if (a1 - a0) * radius >= 2 * GLYPH + 6:
            gx, gy = polar.xy(radius, a0 + (GLYPH + 2.5) / radius)
            glyph = shape_path(o.kind, gx, gy, GLYPH)
        if item.series:
            ticks, dash = _rhythm_marks(polar, item, radius, start, range_width(lane))
    else:
        a0 = a1 = polar.angle((item.body_lo + item.body_hi) / 2)
        x, y = polar.xy(radius, a0)
        d = shape_path(o.kind, x, y, MARK)
    if item.series:
        dates = writer.span(o.start, max(s.end for s in item.series))
        label = writer.series_name(o, ring.name, item.rhythm, dates, len(item.series))
        dom_id = f"wheel-series-{o.key}"
    else:
        dates = writer.span(o.start, o.end)
        label = writer.accessible_name(o, ring.name, dates)
        dom_id = f"wheel-{o.key}"
    text = None
    if item.text:
        text = lane_text(
            polar,
            radius,
            polar.angle(item.label_lo),
            polar.angle(item.label_hi),
            item.text,
            size,
            on_path=on_path,
        )
    return Shape(
        occurrence=o,
        ring=ring,
        dom_id=dom_id,
        is_range=bool(item.series) or o.is_range,
        d=d,
        glyph=glyph,
        lane=item.lane,
        label=label,
        kind_label=writer.kinds.get(o.kind, o.kind),
        dates=dates,
        times=time_span(o.start_time, o.end_time),
        clipped_start=item.clipped_start,
        clipped_end=item.clipped_end,
        start_degrees=math.degrees(a0),
        end_degrees=math.degrees(a1),
        radius=radius,
        text=text,
        text_inside=item.inside,
        series=item.series,
        rhythm=item.rhythm,
        ticks=ticks,
        dash=dash,
    )


def _rhythm_marks(
    polar: _Polar, item: _Item, radius: float, start: date, arc_width: float
) -> tuple[str, str]:
    """A notch at each date of a series, on the inner edge of its arc: as a dashed arc when
    the dates are evenly spaced (a weekly series costs a few bytes, not a path per date),
    else one path of notches. Returns the path and its dash pattern ("" for notches)."""
    inner = radius - arc_width / 2 + 1.25
    offsets = [max(0.0, min((s.start - start).days + 0.5, polar.days)) for s in item.series]
    gaps = {round(b - a, 6) for a, b in pairwise(offsets)}
    if len(gaps) == 1:
        day = TAU * inner / polar.days  # length of a day along the notched edge
        step = gaps.pop() * day
        first = polar.angle(offsets[0])
        end = polar.angle(min(offsets[-1] + 0.5, polar.days))
        # The arc starts on the first date, so the first dash is centred on it.
        return polar.arc(inner, first - 0.75 / inner, end), f"1.5 {_n(step - 1.5)}"
    notches = [polar.spoke(inner - 1.25, inner + 1.25, polar.angle(offset)) for offset in offsets]
    return "".join(notches), ""


def _badges(
    polar: _Polar,
    radius: float,
    start: date,
    sectors: list[tuple[date, date, str]],
    overflow: list[_Item],
    zoom: Zoom,
    zoom_url: Callable[[str], str] | None,
    sizes: _Sizes,
    badge_at: dict[int, float],
) -> list[Badge]:
    """One count per sector (month) holding items beyond the lanes, at the sector's middle;
    in the year view it links to that month, where every name is shown."""
    by_sector: dict[int, list[_Item]] = {}
    for item in overflow:
        by_sector.setdefault(_sector_index(item, start, sectors), []).append(item)
    badges = []
    for index, group in sorted(by_sector.items()):
        first, last, _label = sectors[index]
        middle = ((first - start).days + (last - start).days + 1) / 2
        x, y = polar.xy(radius, polar.angle(badge_at.get(index, middle)))
        count = sum(item.count for item in group)
        text = f"+{count}"
        width = _badge_width(text, sizes.label)
        height = sizes.lane - 1
        titles = [item.placed.occurrence.title for item in group[:8]]
        if len(group) > 8:
            titles.append("…")
        title = ngettext(
            "%(count)d more here: %(titles)s", "%(count)d more here: %(titles)s", count
        ) % {"count": count, "titles": "; ".join(titles)}
        href = ""
        if zoom_url is not None:
            # Sectors are months in the year and a quarter: the month of the planning year.
            month = index + 1 if zoom.kind == "year" else 3 * zoom.index + index + 1
            href = zoom_url(f"m{month}")
        badges.append(
            Badge(
                x=_n(x),
                y=_n(y),
                width=_n(width),
                rect_x=_n(x - width / 2),
                rect_y=_n(y - height / 2),
                height=_n(height),
                text=text,
                title=title,
                count=count,
                href=href,
            )
        )
    return badges


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
