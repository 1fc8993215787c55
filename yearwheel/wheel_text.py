"""The wheel's words and its SVG markup: month names, kind labels, date and time spans, the
accessible name of an occurrence, its link in the SVG, and the legend's kinds.

Apart from the layout (yearwheel/drawing.py): the views use the texts too (the period's name,
the print view's agenda), and the markup is the one place where the drawing turns into HTML,
so every text in it is escaped here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time
from html import escape
from itertools import pairwise
from typing import TYPE_CHECKING

from django.utils.dates import MONTHS, WEEKDAYS
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from yearwheel.models import Kind
from yearwheel.occurrences import Occurrence
from yearwheel.wheel_geometry import LABEL_SIZE, RANGE_WIDTH, _n, shape_path

if TYPE_CHECKING:
    from yearwheel.drawing import Shape


# --- texts -----------------------------------------------------------------------------------


class Writer:
    """The texts of one drawing, in the active language, translated once: month names, kind
    labels and the sentence of an accessible name. Dates as the language writes them, like the
    format modules (config/formats/): "15. oktober 2026" in bokmål and nynorsk, "15 October
    2026" in English, without a dot after the day."""

    def __init__(self) -> None:
        self.months = {number: str(name) for number, name in MONTHS.items()}
        self.kinds = kind_labels()
        self.name = _("%(kind)s: %(title)s, %(dates)s, ring %(ring)s")
        self.at = _("%(dates)s at %(time)s")
        self.series = _("%(kind)s: %(title)s, %(rhythm)s, %(dates)s, ring %(ring)s")
        self.weekdays = {number: str(name) for number, name in WEEKDAYS.items()}
        self._spans: dict[tuple[date, date], str] = {}
        # Written by hand rather than with date_format (a thousand dates a wheel), so the one
        # difference between the languages is kept here: English puts no dot after the day.
        self.dot = "" if (get_language() or "").startswith("en") else "."

    def day(self, day: date, year: bool = True) -> str:
        if year:
            return f"{day.day}{self.dot} {self.months[day.month]} {day.year}"
        return f"{day.day}{self.dot} {self.months[day.month]}"

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
                found = f"{start.day}{self.dot}–{self.day(end)}"
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

    def rhythm(self, series: tuple[Occurrence, ...]) -> str:
        """A short word for a series' rhythm, read from its dates: "every Tuesday", "every
        other Tuesday", "every month on day 5", else how many dates it has."""
        starts = [o.start for o in series]
        pairs = list(pairwise(starts))
        gaps = {(b - a).days for a, b in pairs}
        weekday = self.weekdays[starts[0].weekday()]
        if gaps == {7}:
            return _("every %(weekday)s") % {"weekday": weekday}
        if gaps == {14}:
            return _("every other %(weekday)s") % {"weekday": weekday}
        months = {(b.year - a.year) * 12 + b.month - a.month for a, b in pairs}
        if months == {1} and len({day.day for day in starts}) == 1:
            return _("every month on day %(day)d") % {"day": starts[0].day}
        return ngettext("%(count)d date", "%(count)d dates", len(starts)) % {"count": len(starts)}

    def series_name(
        self, occurrence: Occurrence, ring: str, rhythm: str, dates: str, count: int
    ) -> str:
        """ "Møteplass: Ledermøte, hver tirsdag, 6. januar – 29. desember 2026, ring X"."""
        return self.series % {
            "kind": self.kinds.get(occurrence.kind, occurrence.kind),
            "title": occurrence.title,
            "rhythm": rhythm,
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


# --- markup ----------------------------------------------------------------------------------


@dataclass
class LegendKind:
    value: str
    label: str
    d: str  # in a 20 × 20 box


def shape_markup(
    shape: Shape, colour: str, series_fill: str, range_width: float = RANGE_WIDTH
) -> str:
    """The occurrence's link in the SVG: built here rather than in a template, because a
    wheel may hold thousands and the template engine costs some 20 µs a variable.

    Its accessible name says kind, title, dates and ring; the ``data-*``
    attributes feed the details panel (static/js/wheel.js, which reads the ring's name from
    the ring's group); empty ones are left out. An own event's single date also carries
    ``data-event-id``, ``data-date`` and ``data-move-url``, to be moved by dragging.
    ``colour`` and ``series_fill`` are the ring's colour and its tint, escaped here;
    ``range_width`` is an arc's stroke width (its lane's height, less a gap)."""
    o = shape.occurrence
    label = escape(shape.label)
    parts = [
        f'<a href="{escape(o.url)}" id="{escape(shape.dom_id)}" class="wheel-item',
        ' wheel-series"' if shape.series else '"',
        f' aria-label="{label}"',
    ]
    if not shape.series and not o.source and o.event_id is not None:
        # An own event's single date can be moved by hand on the wheel (static/js/wheel-move.js);
        # derived occurrences change where they come from, so they carry neither.
        parts.append(f' data-event-id="{o.event_id:d}" data-date="{o.start.isoformat()}"')
    for name, value in (
        ("title", o.title),
        ("kind", shape.kind_label),
        ("dates", f"{shape.dates} ({shape.rhythm})" if shape.rhythm else shape.dates),
        ("time", shape.times),
        ("place", o.place),
        ("responsible", o.responsible),
        ("measure", o.measure_name),
        ("programme", o.program_name),
    ):
        if value:
            parts.append(f' data-{name}="{escape(value)}"')
    # No <title>: the name is drawn beside the link and the details panel shows the rest on
    # hover and focus; a tooltip repeating the accessible name cost a tenth of the page.
    parts.append(">")
    colour, series_fill = escape(colour), escape(series_fill)
    if shape.series:
        parts.append(
            f'<path class="wheel-shape wheel-arc" d="{shape.d}" fill="none" '
            f'stroke="{series_fill}" stroke-width="{_n(range_width)}"/>'
        )
        if shape.dash:
            parts.append(
                f'<path d="{shape.ticks}" stroke="{colour}" stroke-width="2.5" fill="none" '
                f'stroke-dasharray="{shape.dash}"/>'
            )
        else:
            parts.append(f'<path d="{shape.ticks}" stroke="{colour}" stroke-width="1.5"/>')
        if shape.glyph:
            parts.append(f'<path d="{shape.glyph}" fill="{colour}"/>')
    elif shape.is_range:
        parts.append(
            f'<path class="wheel-shape wheel-arc" d="{shape.d}" fill="none" '
            f'stroke="{colour}" stroke-width="{_n(range_width)}"/>'
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


def label_markup(shape: Shape) -> str:
    """The occurrence's name as SVG text along its lane. Hidden from screen readers: it
    repeats the link's accessible name. White on a range's arc, else dark."""
    text = shape.text
    if text is None:
        return ""
    fill = ' fill="#ffffff"' if shape.text_inside and not shape.series else ""
    if text.path:
        # The arc is defined beside the text, by an id made from the link's (unique) id.
        ref = escape(f"t-{shape.dom_id}")
        return (
            f'<path id="{ref}" d="{text.path}" fill="none"/>'
            f'<text{fill}><textPath href="#{ref}">{escape(text.text)}</textPath></text>'
        )
    return (
        f'<text x="{text.x}" y="{text.y}" rotate="{text.rotate}"{fill}>{escape(text.text)}</text>'
    )


def band_markup(
    shapes: list[Shape],
    colour: str,
    series_fill: str,
    label_size: float = LABEL_SIZE,
    range_width: float = RANGE_WIDTH,
    lang: str = "",
) -> str:
    """A ring's links, then their names above them (so a name on an arc stays visible).
    ``lang`` is the organisation's written standard where the page is in another language
    (organizations/content_language.py): the names are the organisation's words."""
    links = "\n".join(shape_markup(shape, colour, series_fill, range_width) for shape in shapes)
    labels = "".join(label_markup(shape) for shape in shapes)
    if not labels:
        return links
    lang_attribute = f' lang="{escape(lang)}"' if lang else ""
    return (
        f'{links}\n<g class="wheel-labels"{lang_attribute} aria-hidden="true" '
        f'font-size="{_n(label_size)}" fill="#212529">{labels}</g>'
    )


def legend_kinds() -> list[LegendKind]:
    return [
        LegendKind(value, str(label), shape_path(value, 10, 10.5, 5.5))
        for value, label in Kind.choices
    ]
