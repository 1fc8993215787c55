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
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from html import escape
from typing import TYPE_CHECKING, Literal
from urllib.parse import urlencode

from dateutil.relativedelta import relativedelta
from django.utils.dates import MONTHS
from django.utils.formats import date_format
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from yearwheel.colours import tint
from yearwheel.models import Kind
from yearwheel.occurrences import Occurrence

if TYPE_CHECKING:
    from yearwheel.models import Ring
    from yearwheel.views.base import Placed

TAU = 2 * math.pi

# Sizes in SVG user units (the SVG scales to its box; these are the proportions).
CENTRE_RADIUS = 66.0
RING_GAP = 2.0  # white between two ring bands
LABEL_STRIP = 13.0  # at the inner edge of each band: the ring's name
BAND_PADDING = 2.0
LANE = 11.0  # one lane of marks or arcs
MARK = 4.4  # half the size of a single-day mark
MARK_GAP = 2.0  # the least space between two marks in one lane
MIN_LANES = 2  # a band is never thinner than this (room to click to add)
MAX_LANES = 6  # beyond this, a "+N" badge
MIN_RING_AREA = 250.0  # few rings are stretched, so the wheel never looks shrunken
SCALE_GAP = 4.0
TICK_STRIP = 15.0  # week or day ticks and their numbers
LABEL_BAND = 34.0  # month or week names
MARGIN = 28.0  # room for the today label outside the scale
RANGE_WIDTH = LANE - 3.0  # stroke width of an arc
GLYPH = 2.9  # the kind's shape drawn in white at the start of an arc

RING_NAME_SIZE = 10.5
SCALE_FILLS = ("#eef1f4", "#e1e6eb")
BAND_TINT = 0.12  # share of the ring's colour in its band

ZoomKind = Literal["year", "quarter", "month"]


# --- zoom ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Zoom:
    value: str  # "" for the whole year, "q1"…"q4", "m1"…"m12"
    kind: ZoomKind
    index: int = 0  # 0-based quarter or month of the planning year


YEAR = Zoom("", "year")
_ZOOM = re.compile(r"^([qm])(\d{1,2})$")


def parse_zoom(value: str | None) -> Zoom:
    """The zoom of ``?zoom=``; anything unknown is the whole year."""
    match = _ZOOM.match(value or "")
    if match:
        number = int(match[2])
        if match[1] == "q" and 1 <= number <= 4:
            return Zoom(f"q{number}", "quarter", number - 1)
        if match[1] == "m" and 1 <= number <= 12:
            return Zoom(f"m{number}", "month", number - 1)
    return YEAR


def zoom_period(year_start: date, zoom: Zoom) -> tuple[date, date]:
    """The first and last day (inclusive) of the zoom in the planning year from ``year_start``."""
    if zoom.kind == "quarter":
        first, months = year_start + relativedelta(months=3 * zoom.index), 3
    elif zoom.kind == "month":
        first, months = year_start + relativedelta(months=zoom.index), 1
    else:
        first, months = year_start, 12
    return first, first + relativedelta(months=months, days=-1)


@dataclass(frozen=True)
class ZoomChoice:
    value: str
    label: str  # shown
    long_label: str  # for screen readers and tooltips
    first: date
    kind: ZoomKind


def zoom_choices(year_start: date) -> list[ZoomChoice]:
    """The whole year, its quarters and its months, in the order of the planning year."""
    choices = [ZoomChoice("", _("Whole year"), _("Whole year"), year_start, "year")]
    for n in range(4):
        first = year_start + relativedelta(months=3 * n)
        last = first + relativedelta(months=2)
        choices.append(
            ZoomChoice(
                f"q{n + 1}",
                _("Q%(number)d") % {"number": n + 1},
                _("Quarter %(number)d: %(first)s–%(last)s")
                % {
                    "number": n + 1,
                    "first": date_format(first, "F" if first.year == last.year else "F Y"),
                    "last": date_format(last, "F Y"),
                },
                first,
                "quarter",
            )
        )
    for n in range(12):
        first = year_start + relativedelta(months=n)
        choices.append(
            ZoomChoice(
                f"m{n + 1}", date_format(first, "b"), date_format(first, "F Y"), first, "month"
            )
        )
    return choices


# --- texts -----------------------------------------------------------------------------------


class Writer:
    """The texts of one drawing, in the active language, translated once: month names, kind
    labels and the sentence of an accessible name. Dates are written the Norwegian way
    ("15. oktober 2026", Django's ``j. F Y``) in every language."""

    def __init__(self) -> None:
        self.months = {number: str(name) for number, name in MONTHS.items()}
        self.kinds = kind_labels()
        self.name = _("%(kind)s: %(title)s, %(dates)s, ring %(ring)s")
        self.at = _("%(dates)s at %(time)s")
        self._spans: dict[tuple[date, date], str] = {}

    def day(self, day: date, year: bool = True) -> str:
        if year:
            return f"{day.day}. {self.months[day.month]} {day.year}"
        return f"{day.day}. {self.months[day.month]}"

    def span(self, start: date, end: date) -> str:
        """ "15. oktober 2026", "15.–17. oktober 2026", "28. september – 3. oktober 2026"."""
        key = (start, end)
        found = self._spans.get(key)
        if found is None:
            if start == end:
                found = self.day(start)
            elif start.year != end.year:
                found = f"{self.day(start)} – {self.day(end)}"
            elif start.month != end.month:
                found = f"{self.day(start, year=False)} – {self.day(end)}"
            else:
                found = f"{start.day}.–{self.day(end)}"
            self._spans[key] = found
        return found

    def accessible_name(self, occurrence: Occurrence, ring: str, dates: str = "") -> str:
        """ "Sjekkpunkt: Budsjettseminar, 15. oktober 2026, ring Politisk styring"."""
        dates = dates or self.span(occurrence.start, occurrence.end)
        times = time_span(occurrence.start_time, occurrence.end_time)
        if times:
            dates = self.at % {"dates": dates, "time": times}
        return self.name % {
            "kind": self.kinds.get(occurrence.kind, occurrence.kind),
            "title": occurrence.title,
            "dates": dates,
            "ring": ring,
        }


def date_span(start: date, end: date) -> str:
    """ "15. oktober 2026", "15.–17. oktober 2026", "28. september – 3. oktober 2026"."""
    return Writer().span(start, end)


def time_span(start: time | None, end: time | None) -> str:
    """ "09:00", "09:00–11:30" or ""."""
    if start is None:
        return ""
    if end is None:
        return f"{start:%H:%M}"
    return f"{start:%H:%M}–{end:%H:%M}"


def kind_labels() -> dict[str, str]:
    return {value: str(label) for value, label in Kind.choices}


def accessible_name(occurrence: Occurrence, kind: str, ring: str) -> str:
    """ "Sjekkpunkt: Budsjettseminar, 15. oktober 2026, ring Politisk styring"."""
    writer = Writer()
    writer.kinds = {occurrence.kind: kind}
    return writer.accessible_name(occurrence, ring)


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


def _advance(char: str) -> float:
    """A rough advance width in ems of a sans-serif glyph (for laying a name along an arc)."""
    if char in _NARROW:
        return 0.32
    if char in _WIDE:
        return 0.86
    if char.isupper() or char.isdigit():
        return 0.66
    return 0.56


@dataclass
class ArcText:
    """Text along an arc, glyph by glyph: SVG ``x``, ``y`` and ``rotate`` lists (textPath
    would be simpler, but WeasyPrint does not lay text along a path)."""

    text: str
    x: str
    y: str
    rotate: str


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
class LegendKind:
    value: str
    label: str
    d: str  # in a 20 × 20 box


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


def shape_markup(shape: Shape, colour: str) -> str:
    """The occurrence's link in the SVG: built here rather than in a template, because a
    wheel may hold thousands and the template engine costs some 20 µs a variable.

    Its accessible name and hover title say kind, title, dates and ring; the ``data-*``
    attributes feed the details panel (static/js/wheel.js, which reads the ring's name from
    the ring's group); empty ones are left out. ``colour`` is the ring's, escaped."""
    o = shape.occurrence
    label = escape(shape.label)
    parts = [
        f'<a href="{escape(o.url)}" id="{escape(shape.dom_id)}" class="wheel-item',
        ' wheel-overflowed" opacity="0"' if shape.overflowed else '"',
        f' aria-label="{label}"',
    ]
    for name, value in (
        ("title", o.title),
        ("kind", shape.kind_label),
        ("dates", shape.dates),
        ("time", shape.times),
        ("place", o.place),
        ("responsible", o.responsible),
        ("measure", o.measure_name),
        ("programme", o.program_name),
    ):
        if value:
            parts.append(f' data-{name}="{escape(value)}"')
    parts.append(f"><title>{label}</title>")
    if shape.is_range:
        parts.append(
            f'<path class="wheel-shape wheel-arc" d="{shape.d}" fill="none" '
            f'stroke="{colour}" stroke-width="{_n(RANGE_WIDTH)}"/>'
        )
        if shape.glyph:
            parts.append(f'<path d="{shape.glyph}" fill="#ffffff"/>')
    else:
        parts.append(
            f'<path class="wheel-shape wheel-mark" d="{shape.d}" fill="{colour}" '
            'stroke="#ffffff" stroke-width="1"/>'
        )
    parts.append("</a>")
    return "".join(parts)


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


def legend_kinds() -> list[LegendKind]:
    return [
        LegendKind(value, str(label), shape_path(value, 10, 10.5, 5.5))
        for value, label in Kind.choices
    ]
