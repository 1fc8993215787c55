"""The wheel's geometry (yearwheel/drawing.py, with zoom.py, wheel_geometry.py and
wheel_text.py): angles, lanes, clipping, zoom, today, texts. No database: rings are unsaved
model instances and occurrences plain dataclasses."""

from __future__ import annotations

import re
from datetime import date, time

import pytest
from django.utils import translation

from yearwheel.drawing import draw
from yearwheel.models import Kind, Ring
from yearwheel.occurrences import Occurrence
from yearwheel.views.base import Placed
from yearwheel.wheel_geometry import MARK, MAX_LANES
from yearwheel.wheel_text import accessible_name, date_span
from yearwheel.zoom import YEAR, Zoom, parse_zoom, zoom_choices, zoom_period

CALENDAR_YEAR = (date(2026, 1, 1), date(2026, 12, 31))  # 365 days
SCHOOL_YEAR = (date(2026, 8, 1), date(2027, 7, 31))


def ring(pk: int = 1, name: str = "Politisk styring", source: str = "") -> Ring:
    return Ring(pk=pk, name=name, colour="#7a1f5c", source=source, default_kind=Kind.MEETING)


def occurrence(start: date, end: date | None = None, kind: str = Kind.CHECKPOINT, **extra):
    title = extra.pop("title", f"Hendelse {start:%d.%m}")
    return Occurrence(
        key=f"event-1-{start.isoformat()}-{title}",
        source="",
        kind=kind,
        title=title,
        start=start,
        end=end or start,
        url="/o/testvik/wheel/events/1/",
        ring_id=1,
        **extra,
    )


def placed(the_ring: Ring, *occurrences: Occurrence) -> list[Placed]:
    return [Placed(o, the_ring) for o in occurrences]


def single_band(drawing):
    [band] = drawing.bands
    return band


# --- angles ----------------------------------------------------------------------------------


def test_the_year_starts_at_twelve_o_clock_and_runs_clockwise():
    r = ring()
    drawing = draw(
        *CALENDAR_YEAR,
        [r],
        placed(r, occurrence(date(2026, 1, 1)), occurrence(date(2026, 7, 2))),
    )
    first, middle = single_band(drawing).shapes
    # The middle of 1 January is half a day in; 2 July is day 182 of 365: half-way round.
    assert first.start_degrees == pytest.approx(0.5 / 365 * 360)
    assert middle.start_degrees == pytest.approx(182.5 / 365 * 360)
    assert drawing.degrees(date(2026, 7, 2)) == pytest.approx(180.0)
    # Twelve o'clock is straight up, so half-way round is straight down. A checkpoint's
    # circle starts at its left edge: "M{x - MARK},{y}".
    centre = float(drawing.centre)
    x, y = (float(v) for v in re.match(r"M([\d.]+),([\d.]+)", first.d).groups())
    assert (x + MARK, y) == (
        pytest.approx(centre, abs=2),
        pytest.approx(centre - first.radius, abs=0.1),
    )
    x, y = (float(v) for v in re.match(r"M([\d.]+),([\d.]+)", middle.d).groups())
    assert (x + MARK, y) == (
        pytest.approx(centre, abs=1),
        pytest.approx(centre + middle.radius, abs=0.1),
    )


def test_a_school_year_starts_with_august():
    drawing = draw(*SCHOOL_YEAR, [ring()], [])
    assert [s.first for s in drawing.sectors] == [
        date(2026, 8, 1),
        date(2026, 9, 1),
        date(2026, 10, 1),
        date(2026, 11, 1),
        date(2026, 12, 1),
        date(2027, 1, 1),
        date(2027, 2, 1),
        date(2027, 3, 1),
        date(2027, 4, 1),
        date(2027, 5, 1),
        date(2027, 6, 1),
        date(2027, 7, 1),
    ]
    assert drawing.sectors[0].label == "august"  # bokmål, from Django's own catalogue
    assert drawing.degrees(date(2027, 2, 1), 0) == pytest.approx(184 / 365 * 360)


def test_a_range_is_an_arc_over_its_days():
    r = ring()
    drawing = draw(
        *CALENDAR_YEAR,
        [r],
        placed(r, occurrence(date(2026, 10, 5), date(2026, 10, 9), kind=Kind.ACTIVITY)),
    )
    [arc] = single_band(drawing).shapes
    assert arc.is_range
    assert arc.d.startswith("M") and "A" in arc.d
    assert arc.start_degrees == pytest.approx(drawing.degrees(date(2026, 10, 5), 0))
    assert arc.end_degrees == pytest.approx(drawing.degrees(date(2026, 10, 10), 0))
    assert arc.glyph  # the kind's shape at its start: colour is not the only cue


# --- lanes -----------------------------------------------------------------------------------


def test_overlapping_events_get_lanes_of_their_own():
    r = ring()
    long = occurrence(date(2026, 3, 1), date(2026, 3, 31), title="Lang")
    inside = occurrence(date(2026, 3, 10), date(2026, 3, 12), title="Inni")
    day = occurrence(date(2026, 3, 11), title="Dag")
    later = occurrence(date(2026, 5, 1), date(2026, 5, 3), title="Senere")
    band = single_band(draw(*CALENDAR_YEAR, [r], placed(r, long, inside, day, later)))
    lanes = {shape.occurrence.title: shape.lane for shape in band.shapes}
    # The long one first; the two inside it each get a lane of their own (a mark is a few
    # days wide in the year view, so "Dag" starts before "Inni"); the later one reuses lane 0.
    assert lanes["Lang"] == lanes["Senere"] == 0
    assert {lanes["Inni"], lanes["Dag"]} == {1, 2}
    assert len({shape.radius for shape in band.shapes}) == 3
    assert band.lanes == 3


def test_marks_on_nearby_days_get_separate_lanes_in_the_year_view():
    r = ring()
    a, b = occurrence(date(2026, 3, 10), title="A"), occurrence(date(2026, 3, 11), title="B")
    band = single_band(draw(*CALENDAR_YEAR, [r], placed(r, a, b)))
    assert sorted(shape.lane for shape in band.shapes) == [0, 1]


def test_marks_on_days_in_a_row_share_a_lane_when_zoomed_to_a_month():
    r = ring()
    a, b = occurrence(date(2026, 3, 10), title="A"), occurrence(date(2026, 3, 11), title="B")
    zoom = parse_zoom("m3")
    band = single_band(draw(*zoom_period(date(2026, 1, 1), zoom), [r], placed(r, a, b), zoom=zoom))
    assert [shape.lane for shape in band.shapes] == [0, 0]


def test_beyond_the_lane_cap_a_badge_counts_the_rest_and_they_stay_links():
    r = ring()
    crowd = [occurrence(date(2026, 4, 15), title=f"Møte {n}") for n in range(MAX_LANES + 3)]
    band = single_band(draw(*CALENDAR_YEAR, [r], placed(r, *crowd)))
    assert len(band.shapes) == MAX_LANES + 3  # every occurrence is still drawn as a link
    hidden = [shape for shape in band.shapes if shape.overflowed]
    assert len(hidden) == 3
    [badge] = band.badges
    assert (badge.text, badge.count) == ("+3", 3)
    assert "Møte 6" in badge.title
    assert band.lanes == MAX_LANES + 1  # the lanes and a lane for the badge
    assert {shape.lane for shape in band.shapes if not shape.overflowed} == set(range(MAX_LANES))


def test_crowds_at_different_spots_get_a_badge_each():
    r = ring()
    crowd = [
        occurrence(day, title=f"{day} {n}")
        for day in (date(2026, 2, 2), date(2026, 9, 9))
        for n in range(MAX_LANES + 1)
    ]
    band = single_band(draw(*CALENDAR_YEAR, [r], placed(r, *crowd)))
    assert [badge.text for badge in band.badges] == ["+1", "+1"]


def test_more_lanes_make_a_thicker_band():
    one, two = ring(1, "En"), ring(2, "To")
    busy = [occurrence(date(2026, 6, 1), title=str(n)) for n in range(5)]
    drawing = draw(
        *CALENDAR_YEAR, [one, two], placed(one, *busy) + placed(two, occurrence(date(2026, 6, 1)))
    )
    inner, outer = drawing.bands
    assert inner.outer - inner.inner > outer.outer - outer.inner
    assert outer.inner > inner.outer  # rings go outwards in order


# --- clipping --------------------------------------------------------------------------------


def test_an_occurrence_partly_outside_the_period_is_clipped_to_it():
    r = ring()
    before = occurrence(date(2025, 12, 20), date(2026, 1, 10), title="Over nyttår")
    after = occurrence(date(2026, 12, 28), date(2027, 1, 4), title="Romjul")
    outside = occurrence(date(2027, 2, 1), title="Utenfor")
    band = single_band(draw(*CALENDAR_YEAR, [r], placed(r, before, after, outside)))
    shapes = {shape.occurrence.title: shape for shape in band.shapes}
    assert set(shapes) == {"Over nyttår", "Romjul"}
    assert shapes["Over nyttår"].clipped_start and not shapes["Over nyttår"].clipped_end
    assert shapes["Over nyttår"].start_degrees == 0
    assert shapes["Over nyttår"].end_degrees == pytest.approx(10 / 365 * 360)
    assert shapes["Romjul"].clipped_end
    assert shapes["Romjul"].end_degrees == pytest.approx(360)
    # The accessible name keeps the real dates.
    assert "20. desember 2025" in shapes["Over nyttår"].label


def test_a_range_over_the_whole_period_is_a_full_circle():
    r = ring()
    band = single_band(
        draw(*CALENDAR_YEAR, [r], placed(r, occurrence(date(2025, 6, 1), date(2027, 6, 1))))
    )
    [shape] = band.shapes
    assert shape.d.count("A") == 2  # one arc cannot close a circle: two halves
    assert (shape.start_degrees, shape.end_degrees) == (0, pytest.approx(360))


# --- zoom ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("", YEAR),
        ("q1", Zoom("q1", "quarter", 0)),
        ("q4", Zoom("q4", "quarter", 3)),
        ("m12", Zoom("m12", "month", 11)),
        ("q5", YEAR),
        ("m0", YEAR),
        ("m13", YEAR),
        ("x1", YEAR),
        ("q1; drop table", YEAR),
        (None, YEAR),
    ],
)
def test_an_invalid_zoom_is_the_whole_year(value, expected):
    assert parse_zoom(value) == expected


def test_quarters_and_months_are_of_the_planning_year():
    august = date(2026, 8, 1)
    assert zoom_period(august, parse_zoom("q1")) == (date(2026, 8, 1), date(2026, 10, 31))
    assert zoom_period(august, parse_zoom("q3")) == (date(2027, 2, 1), date(2027, 4, 30))
    assert zoom_period(august, parse_zoom("m6")) == (date(2027, 1, 1), date(2027, 1, 31))
    assert zoom_period(august, YEAR) == (date(2026, 8, 1), date(2027, 7, 31))


def test_a_quarter_has_three_month_sectors_and_week_ticks():
    zoom = parse_zoom("q2")
    start, end = zoom_period(date(2026, 8, 1), zoom)
    drawing = draw(start, end, [ring()], [], zoom=zoom)
    assert [s.label for s in drawing.sectors] == ["november", "desember", "januar"]
    # Week numbers for each Monday of the quarter: 2 November 2026 is in week 45.
    assert drawing.tick_labels[0][2] == "45"
    assert drawing.ticks.count("M") == len(drawing.tick_labels)


def test_a_month_has_iso_week_sectors_and_day_ticks():
    zoom = parse_zoom("m3")
    start, end = zoom_period(date(2026, 8, 1), zoom)  # October 2026
    with translation.override("en"):
        drawing = draw(start, end, [ring()], [], zoom=zoom)
    # 1 October 2026 is a Thursday in week 40; the last days fall in week 44.
    assert [s.label for s in drawing.sectors] == [
        "week 40",
        "week 41",
        "week 42",
        "week 43",
        "week 44",
    ]
    assert (drawing.sectors[0].first, drawing.sectors[0].last) == (
        date(2026, 10, 1),
        date(2026, 10, 4),
    )
    assert [label for _x, _y, label in drawing.tick_labels] == [str(n) for n in range(1, 32)]


def test_the_zoom_choices_follow_the_planning_year():
    choices = zoom_choices(date(2026, 8, 1))
    assert [c.value for c in choices][:6] == ["", "q1", "q2", "q3", "q4", "m1"]
    assert len(choices) == 17
    assert choices[5].long_label == "august 2026"
    assert choices[1].long_label == "1. kvartal: august–oktober 2026"
    assert choices[2].long_label == "2. kvartal: november 2026–januar 2027"
    assert choices[-1].first == date(2027, 7, 1)


# --- today, texts, cells ---------------------------------------------------------------------


def test_today_is_marked_only_inside_the_period():
    inside = draw(*CALENDAR_YEAR, [ring()], [], today=date(2026, 7, 2))
    assert inside.today is not None
    assert inside.today.day == date(2026, 7, 2)
    assert inside.today.d.startswith("M")
    assert draw(*CALENDAR_YEAR, [ring()], [], today=date(2027, 1, 1)).today is None
    assert draw(*CALENDAR_YEAR, [ring()], [], today=date(2025, 12, 31)).today is None
    assert draw(*CALENDAR_YEAR, [ring()], []).today is None


def test_the_accessible_name_says_kind_title_date_and_ring():
    o = occurrence(date(2026, 10, 15), title="Budsjettseminar")
    assert (
        accessible_name(o, "Sjekkpunkt", "Politisk styring")
        == "Sjekkpunkt: Budsjettseminar, 15. oktober 2026, ring Politisk styring"
    )
    timed = occurrence(date(2026, 10, 15), start_time=time(9), end_time=time(11, 30))
    with translation.override("en"):
        assert "15. October 2026 at 09:00–11:30, ring" in accessible_name(timed, "Meeting", "R")


@pytest.mark.parametrize(
    ("start", "end", "text"),
    [
        (date(2026, 10, 15), date(2026, 10, 15), "15. oktober 2026"),
        (date(2026, 10, 15), date(2026, 10, 17), "15.–17. oktober 2026"),
        (date(2026, 9, 28), date(2026, 10, 3), "28. september – 3. oktober 2026"),
        (date(2026, 12, 28), date(2027, 1, 3), "28. desember 2026 – 3. januar 2027"),
    ],
)
def test_date_spans_are_written_the_norwegian_way(start, end, text):
    assert date_span(start, end) == text


def test_kinds_have_shapes_of_their_own():
    r = ring()
    kinds = [Kind.CHECKPOINT, Kind.MEETING, Kind.ACTIVITY, Kind.DEADLINE]
    band = single_band(
        draw(
            *CALENDAR_YEAR,
            [r],
            placed(r, *(occurrence(date(2026, 2 + n * 3, 1), kind=k) for n, k in enumerate(kinds))),
        )
    )
    shapes = [re.sub(r"[-\d.,]+", "#", shape.d) for shape in band.shapes]
    assert len(set(shapes)) == 4
    drawing = draw(*CALENDAR_YEAR, [r], [])
    assert [k.value for k in drawing.legend_kinds] == kinds


def test_add_cells_cover_each_own_ring_and_month_but_no_system_ring():
    own, system = ring(1, "Egen"), ring(2, "Evalueringer", source=Ring.Source.EVALUATIONS)
    drawing = draw(
        *SCHOOL_YEAR, [own, system], [], add_url="/o/testvik/wheel/events/new/", next_url="/w/?a=1"
    )
    own_band, system_band = drawing.bands
    assert system_band.cells == []
    assert len(own_band.cells) == 12
    first = own_band.cells[0]
    assert first.first == date(2026, 8, 1)
    assert first.href == (
        "/o/testvik/wheel/events/new/?ring=1&date=2026-08-01&kind=meeting&next=%2Fw%2F%3Fa%3D1"
    )
    assert draw(*SCHOOL_YEAR, [own], []).bands[0].cells == []  # no add URL: no cells


def test_coordinates_are_never_localised():
    r = ring()
    with translation.override("nb"):
        drawing = draw(
            *CALENDAR_YEAR,
            [r],
            placed(r, occurrence(date(2026, 3, 3)), occurrence(date(2026, 5, 1), date(2026, 6, 9))),
            today=date(2026, 4, 1),
        )
    strings = [drawing.size, drawing.grid, drawing.ticks, drawing.today.d]
    strings += [s.d for s in drawing.sectors] + [s.d for s in drawing.shapes]
    strings += [drawing.bands[0].name.x, drawing.bands[0].name.rotate]
    for text in strings:
        assert re.fullmatch(r"[MLAZahv\d., -]+", text), text
        assert "\xa0" not in text


def test_no_rings_still_draws_the_scale():
    drawing = draw(*CALENDAR_YEAR, [], [])
    assert drawing.bands == []
    assert len(drawing.sectors) == 12
    assert drawing.count == 0
