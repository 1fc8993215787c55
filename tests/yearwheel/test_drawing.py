"""The wheel's geometry (yearwheel/drawing.py, with zoom.py, wheel_geometry.py and
wheel_text.py): angles, lanes, clipping, zoom, today, texts. No database: rings are unsaved
model instances and occurrences plain dataclasses."""

from __future__ import annotations

import math
import re
from datetime import date, time
from itertools import pairwise

import pytest
from django.utils import translation

from yearwheel.drawing import draw, ring_name_size
from yearwheel.models import Kind, Ring
from yearwheel.occurrences import Occurrence
from yearwheel.views.base import Placed
from yearwheel.wheel_geometry import (
    LABEL_ROOM,
    LABEL_SIZE,
    LANE_BUDGETS,
    MARK,
    MAX_LANES,
    MAX_QUARTER_LANES,
    RENDERED_WIDTH,
    RING_NAME_SIZE,
    TAU,
    YEAR_LANE_BUDGET,
    _Polar,
    text_width,
)
from yearwheel.wheel_text import Writer, accessible_name, band_markup, date_span
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


def test_a_label_takes_room_in_its_lane_when_zoomed_to_a_month():
    r = ring()
    a, b = occurrence(date(2026, 3, 10), title="A"), occurrence(date(2026, 3, 11), title="B")
    c = occurrence(date(2026, 3, 13), title="C")
    zoom = parse_zoom("m3")
    drawing = draw(*zoom_period(date(2026, 1, 1), zoom), [r], placed(r, a, b, c), zoom=zoom)
    # A's name runs on past the next day, so B gets a lane of its own; C, two days on, fits.
    assert [shape.lane for shape in single_band(drawing).shapes] == [0, 1, 0]


def test_in_the_year_a_spot_with_more_names_than_lanes_shows_a_count_linking_to_the_month():
    r = ring()
    crowd = [occurrence(date(2026, 4, 15), title=f"Møte {n}") for n in range(MAX_LANES + 3)]
    drawing = draw(*CALENDAR_YEAR, [r], placed(r, *crowd), zoom_url=lambda zoom: f"/w/?zoom={zoom}")
    band = single_band(drawing)
    # Only what fits is drawn (the shapes stay bounded); the rest is counted. The count takes
    # a spot in the last lane, so it may displace a name of its month, which it counts too.
    assert MAX_LANES - 1 <= len(band.shapes) <= MAX_LANES
    assert all(shape.text is not None for shape in band.shapes)
    [badge] = band.badges
    assert badge.count == MAX_LANES + 3 - len(band.shapes)
    assert badge.text == f"+{badge.count}"
    assert badge.href == "/w/?zoom=m4"  # April: the month view shows every name
    assert "Møte 6" in badge.title
    assert band.lanes == MAX_LANES  # the count is in the last lane, not one of its own
    assert drawing.count == MAX_LANES + 3  # every occurrence is counted in the view
    assert len(drawing.placed) == MAX_LANES + 3


def test_in_the_year_as_many_names_at_one_spot_as_lanes_are_all_shown():
    r = ring()
    crowd = [occurrence(date(2026, 4, 15), title=f"Møte {n}") for n in range(MAX_LANES)]
    band = single_band(draw(*CALENDAR_YEAR, [r], placed(r, *crowd)))
    assert band.badges == []
    assert sorted(shape.text.text for shape in band.shapes) == sorted(o.title for o in crowd)


def test_a_quarter_counts_past_its_cap_and_links_to_the_month_which_has_none():
    r = ring()
    crowd = [occurrence(date(2026, 5, 20), title=f"Møte {n}") for n in range(MAX_QUARTER_LANES + 2)]
    zoom = parse_zoom("q2")  # April to June of a calendar year
    drawing = draw(
        *zoom_period(date(2026, 1, 1), zoom),
        [r],
        placed(r, *crowd),
        zoom=zoom,
        zoom_url=lambda value: f"/w/?zoom={value}",
    )
    band = single_band(drawing)
    assert len(band.shapes) == MAX_QUARTER_LANES
    [badge] = band.badges
    assert (badge.text, badge.href) == ("+2", "/w/?zoom=m5")
    zoom = parse_zoom("m5")
    month = draw(*zoom_period(date(2026, 1, 1), zoom), [r], placed(r, *crowd), zoom=zoom)
    assert single_band(month).badges == []
    assert len(single_band(month).shapes) == len(crowd)


def test_quarter_and_month_name_more_than_the_year_can():
    r = ring()
    crowd = [occurrence(date(2026, 4, 15), title=f"Møte {n}") for n in range(MAX_LANES + 3)]
    for value in ("q2", "m4"):
        zoom = parse_zoom(value)
        drawing = draw(*zoom_period(date(2026, 1, 1), zoom), [r], placed(r, *crowd), zoom=zoom)
        band = single_band(drawing)
        assert band.badges == []
        assert sorted(s.text.text for s in band.shapes) == sorted(o.title for o in crowd)


def test_crowds_in_different_months_get_a_badge_each():
    r = ring()
    crowd = [
        occurrence(day, title=f"{day} {n}")
        for day in (date(2026, 2, 2), date(2026, 9, 9))
        for n in range(MAX_LANES + 1)
    ]
    band = single_band(draw(*CALENDAR_YEAR, [r], placed(r, *crowd)))
    assert len(band.badges) == 2
    assert sum(badge.count for badge in band.badges) + len(band.shapes) == len(crowd)
    assert [badge.href for badge in band.badges] == ["", ""]  # no zoom URL given


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


def test_a_range_over_the_whole_period_leaves_twelve_oclock_to_the_ring_number():
    r = ring()
    band = single_band(
        draw(*CALENDAR_YEAR, [r], placed(r, occurrence(date(2025, 6, 1), date(2027, 6, 1))))
    )
    [shape] = band.shapes
    assert shape.clipped_start and shape.clipped_end
    # Nearly the whole circle, but not under the ring's number at twelve o'clock.
    assert 0 < shape.start_degrees < 15
    assert 345 < shape.end_degrees < 360
    assert shape.d.count("A") == 1


def test_the_polar_arc_over_a_full_turn_is_two_halves():
    polar = _Polar(100.0, 365)
    assert polar.arc(50.0, 0.0, TAU).count("A") == 2  # one arc cannot close a circle


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
        assert "15 October 2026 at 09:00–11:30, ring" in accessible_name(timed, "Meeting", "R")


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
    strings += [drawing.bands[0].number.x, drawing.bands[0].number.rect_y]
    for text in strings:
        assert re.fullmatch(r"[MLAZahv\d., -]+", text), text
        assert "\xa0" not in text


def test_no_rings_still_draws_the_scale():
    drawing = draw(*CALENDAR_YEAR, [], [])
    assert drawing.bands == []
    assert len(drawing.sectors) == 12
    assert drawing.count == 0


# --- labels ----------------------------------------------------------------------------------


def weekly(first: date, count: int, step: int = 7, **extra) -> list[Occurrence]:
    from datetime import timedelta

    title = extra.pop("title", "Ledermøte")
    return [
        occurrence(first + timedelta(days=step * n), title=title, recurring=True, event_id=7)
        for n in range(count)
    ]


def test_a_long_name_is_shortened_with_an_ellipsis_to_fit_the_view():
    r = ring()
    title = "Felles planleggingsdag for barnehager og skoler"
    band = single_band(
        draw(*CALENDAR_YEAR, [r], placed(r, occurrence(date(2026, 3, 2), title=title)))
    )
    [shape] = band.shapes
    assert shape.text.text.endswith("…")
    assert title.startswith(shape.text.text[:-1])
    assert text_width(shape.text.text, LABEL_SIZE) <= LABEL_ROOM["year"] * LABEL_SIZE
    zoom = parse_zoom("m3")
    month = draw(
        *zoom_period(date(2026, 1, 1), zoom),
        [r],
        placed(r, occurrence(date(2026, 3, 2), title=title)),
        zoom=zoom,
    )
    assert single_band(month).shapes[0].text.text == title  # the month has room for all of it


def test_names_read_upright_in_both_halves_of_the_wheel():
    r = ring()
    top, bottom = (
        occurrence(date(2026, 1, 20), title="Topp"),
        occurrence(date(2026, 7, 2), title="Bunn"),
    )
    band = single_band(draw(*CALENDAR_YEAR, [r], placed(r, top, bottom)))
    for shape in band.shapes:
        for turn in shape.text.rotate.split():
            assert float(turn) % 360 <= 90 or float(turn) % 360 >= 270, (shape.text.text, turn)
    # The lower one is laid out from its end backwards: x falls as the text goes on.
    xs = [float(x) for x in band.shapes[1].text.x.split()]
    assert xs == sorted(xs)


def test_a_name_at_the_end_of_the_period_goes_before_its_mark():
    r = ring()
    band = single_band(
        draw(*CALENDAR_YEAR, [r], placed(r, occurrence(date(2026, 12, 31), title="Nyttårsaften")))
    )
    [shape] = band.shapes
    first_angle = float(shape.text.rotate.split()[0])
    assert first_angle < shape.start_degrees  # the label ends where the mark begins


def test_a_range_long_enough_carries_its_name_on_the_arc():
    r = ring()
    long = occurrence(date(2026, 3, 1), date(2026, 4, 30), kind=Kind.ACTIVITY, title="Kartlegging")
    short = occurrence(date(2026, 9, 1), date(2026, 9, 3), kind=Kind.ACTIVITY, title="Kartlegging")
    on_arc, beside = single_band(draw(*CALENDAR_YEAR, [r], placed(r, long, short))).shapes
    assert on_arc.text_inside and not beside.text_inside
    assert 'fill="#ffffff">Kartlegging</text>' in band_markup([on_arc], "#7a1f5c", "#fff")


def test_a_weekly_series_is_one_arc_with_its_rhythm_in_the_year_and_quarter():
    r = ring()
    series = weekly(date(2026, 1, 6), 52)  # Tuesdays
    for value in ("", "q1"):
        zoom = parse_zoom(value)
        with translation.override("en"):
            drawing = draw(*zoom_period(date(2026, 1, 1), zoom), [r], placed(r, *series), zoom=zoom)
        [shape] = single_band(drawing).shapes
        assert shape.series and shape.is_range
        assert shape.rhythm == "every Tuesday"
        assert shape.text.text.startswith("Ledermøte · every")
        # Evenly spaced dates: one arc dashed at each date, not a path per date.
        assert shape.ticks.count("M") == 1 and shape.ticks.count("A") == 1
        assert shape.dash.startswith("1.5 ")
        assert "every Tuesday" in shape.label
        assert drawing.count == len(shape.series)
    zoom = parse_zoom("m1")
    month = draw(*zoom_period(date(2026, 1, 1), zoom), [r], placed(r, *series), zoom=zoom)
    assert len(single_band(month).shapes) == 4  # the month shows each date


def test_a_series_with_uneven_dates_gets_a_notch_at_each():
    r = ring()
    days = [date(2026, 1, 6), date(2026, 2, 6), date(2026, 3, 6), date(2026, 4, 6)]
    series = [occurrence(d, title="Månedsmøte", recurring=True, event_id=8) for d in days]
    [shape] = single_band(draw(*CALENDAR_YEAR, [r], placed(r, *series))).shapes
    assert shape.dash == ""
    assert shape.ticks.count("M") == len(days)
    assert "stroke-dasharray" not in band_markup([shape], "#7a1f5c", "#fff")


def test_two_dates_of_a_recurring_event_are_not_a_series():
    r = ring()
    band = single_band(draw(*CALENDAR_YEAR, [r], placed(r, *weekly(date(2026, 1, 6), 2))))
    assert [bool(s.series) for s in band.shapes] == [False, False]
    band = single_band(draw(*CALENDAR_YEAR, [r], placed(r, *weekly(date(2026, 1, 6), 3))))
    assert [len(s.series) for s in band.shapes] == [3]


@pytest.mark.parametrize(
    ("step", "dates", "text"),
    [
        (7, None, "every Tuesday"),
        (14, None, "every other Tuesday"),
        (None, [date(2026, 1, 6), date(2026, 2, 6), date(2026, 3, 6)], "every month on day 6"),
        (None, [date(2026, 1, 6), date(2026, 2, 7), date(2026, 3, 6)], "3 dates"),
        (None, [date(2026, 1, 6), date(2026, 1, 12), date(2026, 1, 20)], "3 dates"),
    ],
)
def test_the_rhythm_is_read_from_the_dates(step, dates, text):
    occurrences = weekly(date(2026, 1, 6), 4, step) if step else [occurrence(d) for d in dates]
    with translation.override("en"):
        assert Writer().rhythm(tuple(occurrences)) == text


def test_names_and_ring_names_with_markup_come_out_escaped():
    evil = "<script>alert('x')</script> & \"sitat\""
    r = ring(name=evil)
    drawing = draw(*CALENDAR_YEAR, [r], placed(r, occurrence(date(2026, 3, 2), title=evil)))
    markup = single_band(drawing).markup
    assert "<script>" not in markup
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; &quot;sitat&quot;" in markup


def test_an_own_single_date_carries_what_dragging_needs_and_a_series_or_derived_one_does_not():
    r = ring()
    own = occurrence(date(2026, 3, 10), event_id=12)
    derived = Occurrence(
        key="evaluation-3-2026-05-01",
        source="evaluations",
        kind=Kind.CHECKPOINT,
        title="Evaluering",
        start=date(2026, 5, 1),
        end=date(2026, 5, 1),
        url="/e/3/",
    )
    series = weekly(date(2026, 8, 4), 5)
    band = single_band(draw(*CALENDAR_YEAR, [r], placed(r, own, derived, *series)))
    own_link, derived_link, series_link = band.markup.split("</a>")[:3]
    assert 'data-event-id="12" data-date="2026-03-10"' in own_link
    assert "data-event-id" not in derived_link and "data-event-id" not in series_link


def test_ring_numbers_grow_with_the_wheel_to_stay_legible_on_screen():
    # 11 px or more where the wheel is shown RENDERED_WIDTH px wide.
    for size in (700.0, 900.0, 1400.0, 2600.0):
        assert ring_name_size(size) * RENDERED_WIDTH / size >= 11
    assert ring_name_size(100.0) == RING_NAME_SIZE
    rings = [ring(n, f"Ring {n}") for n in range(1, 13)]
    crowd = [Placed(occurrence(date(2026, 3, 2), title=f"M {n}"), rings[n % 12]) for n in range(72)]
    zoom = parse_zoom("m3")
    drawing = draw(*zoom_period(date(2026, 1, 1), zoom), rings, crowd, zoom=zoom)
    for band in drawing.bands:
        assert band.number.size * RENDERED_WIDTH / float(drawing.size) >= 11


def test_names_in_one_lane_never_overlap():
    r = ring()
    days = [date(2026, 1, 1 + n) for n in range(0, 28, 2)]
    zoom = parse_zoom("m1")
    drawing = draw(
        *zoom_period(date(2026, 1, 1), zoom),
        [r],
        placed(r, *(occurrence(d, title=f"Møte om sak {d.day}") for d in days)),
        zoom=zoom,
    )
    centre = float(drawing.centre)
    spans: dict[int, list[tuple[float, float]]] = {}
    for shape in single_band(drawing).shapes:
        xs, ys = shape.text.x.split(), shape.text.y.split()
        angles = [
            math.degrees(math.atan2(float(x) - centre, centre - float(y))) % 360
            for x, y in zip(xs, ys, strict=True)
        ]
        # From the mark's near edge to the label's last glyph (plus about one glyph).
        lo = min([*angles, shape.start_degrees - 1])
        hi = max([*angles, shape.end_degrees + 1]) + 1.5
        spans.setdefault(shape.lane, []).append((lo, hi))
    assert len(spans) >= 1
    for lane in spans.values():
        lane.sort()
        for (_lo, hi), (next_lo, _hi) in pairwise(lane):
            assert hi <= next_lo + 0.5


def test_many_rings_share_the_years_lanes_so_its_page_stays_bounded():
    from yearwheel.wheel_geometry import MIN_LANES, lane_cap

    assert lane_cap("year", 1) == MAX_LANES
    assert lane_cap("year", YEAR_LANE_BUDGET // MAX_LANES) == MAX_LANES
    assert lane_cap("year", YEAR_LANE_BUDGET // MAX_LANES + 1) == MAX_LANES - 1
    assert lane_cap("year", 8) == YEAR_LANE_BUDGET // 8
    assert lane_cap("year", 100) == MIN_LANES
    # A quarter shares its own, larger budget; a month is never capped: it names everything.
    quarter = LANE_BUDGETS["quarter"]
    assert lane_cap("quarter", quarter // MAX_QUARTER_LANES) == MAX_QUARTER_LANES
    more = quarter // MAX_QUARTER_LANES + 1
    assert lane_cap("quarter", more) == quarter // more < MAX_QUARTER_LANES
    assert lane_cap("quarter", 12) == quarter // 12
    assert lane_cap("month", 17) is None


def test_a_name_on_its_arc_runs_clockwise_above_and_counter_clockwise_below():
    import math

    from yearwheel.wheel_geometry import _Polar, lane_text

    polar = _Polar(500.0, 360)
    quarter = math.pi / 2

    def sweep(a0, a1):
        text = lane_text(polar, 300.0, a0, a1, "Møte", LABEL_SIZE, on_path=True)
        assert (text.x, text.y, text.rotate) == ("", "", "")
        return text.path.split(" ")[2].split(",")[1]  # "0 0,1 x,y": the sweep flag

    # The middle decides: at a quarter or three quarters round it still reads clockwise,
    # just past them (the lower half) counter-clockwise, so no name is upside down.
    assert sweep(quarter - 0.1, quarter + 0.1) == "1"
    assert sweep(quarter, quarter + 0.002) == "0"
    assert sweep(3 * quarter - 0.002, 3 * quarter) == "0"
    assert sweep(3 * quarter - 0.1, 3 * quarter + 0.1) == "1"
    # Below, the arc starts at the later angle (the text runs back towards the earlier).
    below = lane_text(polar, 300.0, 3.0, 3.2, "Møte", LABEL_SIZE, on_path=True).path
    assert below.startswith(f"M{polar.point(300.0 + 0.35 * LABEL_SIZE, 3.2)}")
    glyphs = lane_text(polar, 300.0, 3.0, 3.2, "Møte", LABEL_SIZE)
    assert glyphs.path == "" and len(glyphs.rotate.split()) == 4


def test_event_names_keep_their_size_in_pixels_with_twelve_rings():
    # The demo's case: 12 rings, a busy year. Ring names are not in the rings (a number at
    # twelve o'clock instead), and the rings share 16 lanes, so the wheel stays about 850
    # units wide and a name is some 9.5 px where the wheel is shown 800 px wide.
    rings = [ring(n, f"Ring {n}") for n in range(1, 13)]
    crowd = [
        Placed(occurrence(date(2026, 1 + n % 12, 1 + n % 27), title=f"Møte {n}"), rings[n % 12])
        for n in range(240)
    ]
    drawing = draw(*CALENDAR_YEAR, rings, crowd)
    # One lane a ring, and the budget's spare lanes to the most crowded rings.
    assert all(band.lanes >= 1 for band in drawing.bands)
    assert sum(band.lanes for band in drawing.bands) == YEAR_LANE_BUDGET
    assert float(drawing.label_size) * RENDERED_WIDTH / float(drawing.size) >= 9.5
    for band in drawing.bands:
        assert band.number.size * RENDERED_WIDTH / float(drawing.size) >= 11
    # A crowded month (five names a ring within three days): the names grow with the wheel,
    # up to twice their least size, which holds them near the wanted pixels.
    zoom = parse_zoom("m3")
    busy = [
        Placed(occurrence(date(2026, 3, 10 + n % 3), title=f"Samling {n}"), rings[n % 6])
        for n in range(30)
    ]
    month = draw(*zoom_period(date(2026, 1, 1), zoom), rings[:6], busy, zoom=zoom)
    assert float(month.label_size) > LABEL_SIZE
    assert float(month.label_size) * RENDERED_WIDTH / float(month.size) >= 8


def test_nothing_is_drawn_under_a_ring_number():
    r = ring()
    # A mark on the first day of a month and an arc over its end.
    zoom = parse_zoom("m3")
    start, end = zoom_period(date(2026, 1, 1), zoom)
    items = placed(
        r,
        occurrence(date(2026, 3, 1), title="Første"),
        occurrence(date(2026, 3, 25), date(2026, 4, 10), title="Over månedsskiftet"),
    )
    drawing = draw(start, end, [r], items, zoom=zoom)
    band = single_band(drawing)
    # The number's half-width, as an angle, where the band is narrowest.
    half = math.degrees((text_width("12", float(drawing.ring_name_size)) / 2 + 3) / band.inner)
    for shape in band.shapes:
        assert shape.start_degrees >= half, shape.label
        assert shape.end_degrees <= 360 - half, shape.label
    assert len(band.shapes) == 2 and all(shape.text for shape in band.shapes)
