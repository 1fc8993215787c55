"""Goal attainment, trend, number tidying and chart geometry: plain functions, no database."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest
from django.utils import translation

from measures.attainment import (
    Trend,
    attainment,
    attainment_percent,
    chart,
    mean_percent,
    percent,
    summarise,
    tidy,
    trend,
    trend_arrow,
)
from measures.models import Indicator, Measurement


@pytest.mark.parametrize(
    ("baseline", "target", "value", "expected"),
    [
        # Higher is better: the share of the way from 40 up to 80.
        ("40", "80", "40", "0"),
        ("40", "80", "60", "0.5"),
        ("40", "80", "80", "1"),
        ("40", "80", "70", "0.75"),
        # Lower is better: from 30 down to 10 (the same formula, the span is negative).
        ("30", "10", "30", "0"),
        ("30", "10", "20", "0.5"),
        ("30", "10", "10", "1"),
        ("30", "10", "15", "0.75"),
    ],
)
def test_it_computes_the_share_of_the_way_in_either_direction(baseline, target, value, expected):
    assert attainment(baseline=D(baseline), target=D(target), value=D(value)) == D(expected)


@pytest.mark.parametrize(
    ("baseline", "target", "value", "expected"),
    [
        ("40", "80", "95", "1"),  # past the target
        ("40", "80", "20", "0"),  # worse than the baseline
        ("30", "10", "5", "1"),  # lower is better, past the target
        ("30", "10", "45", "0"),  # lower is better, worse than the baseline
    ],
)
def test_it_clamps_the_share_between_none_and_all_of_the_way(baseline, target, value, expected):
    assert attainment(baseline=D(baseline), target=D(target), value=D(value)) == D(expected)


def test_a_zero_span_is_all_or_nothing_and_never_divides_by_zero():
    assert attainment(baseline=D(50), target=D(50), value=D(50)) == D(1)
    assert attainment(baseline=D(50), target=D(50), value=D(49)) == D(0)
    assert attainment(baseline=D(50), target=D(50), value=D(51)) == D(0)


@pytest.mark.parametrize(
    ("values", "higher_is_better", "expected"),
    [
        ([], True, Trend.UNKNOWN),
        (["10"], True, Trend.UNKNOWN),
        (["10", "12"], True, Trend.IMPROVING),
        (["10", "8"], True, Trend.WORSENING),
        (["10", "12"], False, Trend.WORSENING),
        (["10", "8"], False, Trend.IMPROVING),
        (["10", "10"], True, Trend.FLAT),
        # Only the last two count: a long rise followed by a dip is a dip.
        (["1", "5", "9", "8"], True, Trend.WORSENING),
    ],
)
def test_it_tells_the_trend_from_the_last_two_values(values, higher_is_better, expected):
    assert trend([D(v) for v in values], higher_is_better=higher_is_better) == expected


@pytest.mark.parametrize(
    ("share", "expected"), [("0", 0), ("0.625", 63), ("0.624", 62), ("0.005", 1), ("1", 100)]
)
def test_percentages_are_whole_and_rounded_half_up(share, expected):
    assert percent(D(share)) == expected


@pytest.mark.parametrize(
    ("baseline", "target", "value", "expected"),
    [
        # Exactly half a percent: half up says 13; half-even ("banker's") and truncation 12.
        ("0", "200", "25", 13),
        ("0", "8", "1", 13),
        ("10", "50", "15", 13),
        ("100", "60", "95", 13),  # lower is better
        ("30", "10", "29.5", 3),  # lower is better, 2.5 %
        # Either side of the half: rounding up from below it (a ceiling) fails the first,
        # truncating fails the second.
        ("0", "200", "24.99", 12),  # 12.495 %
        ("0", "200", "27.01", 14),  # 13.505 %
    ],
)
def test_the_attainment_every_output_shows_is_rounded_half_up_once(
    baseline, target, value, expected
):
    assert attainment_percent(baseline=D(baseline), target=D(target), value=D(value)) == expected


@pytest.mark.parametrize(
    ("percents", "expected"),
    [
        ([12, 13], 13),  # 12.5: half up (banker's round() said 12)
        ([10, 13], 12),  # 11.5: half up (banker's said 12 too; truncation 11)
        ([12, 12, 13], 12),  # 12.33
        ([12, 13, 13], 13),  # 12.67
        ([40, None, 41], 41),  # the unmeasured indicator does not count
        ([None], None),
        ([], None),
    ],
)
def test_a_measures_mean_attainment_is_the_mean_of_its_percentages_rounded_half_up(
    percents, expected
):
    assert mean_percent(percents) == expected


@pytest.mark.parametrize(
    ("moved", "higher_is_better", "arrow"),
    [
        ("improving", True, "↑"),
        ("improving", False, "↓"),
        ("worsening", True, "↓"),
        ("worsening", False, "↑"),
        ("flat", True, "→"),
        ("unknown", True, ""),
        (None, True, ""),
    ],
)
def test_the_trend_arrow_follows_the_value_and_the_words_the_meaning(
    moved, higher_is_better, arrow
):
    assert trend_arrow(moved, higher_is_better=higher_is_better) == arrow


@pytest.mark.parametrize(
    ("stored", "shown"),
    [("40.0000", "40"), ("12.5000", "12.5"), ("0.0500", "0.05"), ("1000.0000", "1000")],
)
def test_stored_decimals_lose_their_trailing_zeros(stored, shown):
    assert str(tidy(D(stored))) == shown


def _floats(text: str) -> list[tuple[float, float]]:
    return [tuple(float(n) for n in pair.split(",")) for pair in text.split()]


def test_the_chart_spans_baseline_to_target_and_puts_better_values_higher():
    drawing = chart(
        baseline=D(40),
        target=D(80),
        start=dt.date(2026, 1, 1),
        end=dt.date(2027, 1, 1),
        measurements=[(dt.date(2026, 7, 2), D(60)), (dt.date(2026, 4, 1), D(50))],
    )
    left, right = float(drawing.left), float(drawing.right)
    top, bottom = float(drawing.top), float(drawing.bottom)
    baseline_y, target_y = float(drawing.baseline_y), float(drawing.target_y)
    # SVG's y grows downwards: the higher target is drawn above the baseline, inside the plot.
    assert top < target_y < baseline_y < bottom
    # Points come out in time order whatever order they came in, between the two lines.
    (x1, y1), (x2, y2) = _floats(drawing.polyline)
    assert [p.when for p in drawing.points] == [dt.date(2026, 4, 1), dt.date(2026, 7, 2)]
    assert left < x1 < x2 < right
    assert target_y < y2 < y1 < baseline_y
    # 60 lies halfway between the lines, and 2 July is day 182 of the 365 on the axis.
    assert y2 == pytest.approx((baseline_y + target_y) / 2, abs=0.1)
    assert x2 == pytest.approx(left + (right - left) * 182 / 365, abs=0.1)
    assert (drawing.start, drawing.end) == (dt.date(2026, 1, 1), dt.date(2027, 1, 1))


def test_the_chart_widens_to_measurements_outside_the_planned_period_and_range():
    drawing = chart(
        baseline=D(40),
        target=D(80),
        start=dt.date(2026, 1, 1),
        end=dt.date(2026, 12, 31),
        measurements=[(dt.date(2025, 6, 1), D(20)), (dt.date(2027, 3, 1), D(95))],
    )
    assert (drawing.start, drawing.end) == (dt.date(2025, 6, 1), dt.date(2027, 3, 1))
    (x1, y1), (x2, y2) = _floats(drawing.polyline)
    assert float(drawing.left) == x1 and x2 == float(drawing.right)
    assert float(drawing.top) < y2 < float(drawing.target_y)
    assert float(drawing.baseline_y) < y1 < float(drawing.bottom)


def test_the_chart_survives_a_single_day_and_a_flat_line():
    drawing = chart(
        baseline=D(0),
        target=D(0),
        start=dt.date(2026, 1, 1),
        end=dt.date(2026, 1, 1),
        measurements=[(dt.date(2026, 1, 1), D(0))],
    )
    assert drawing.baseline_y == drawing.target_y
    assert float(drawing.top) < float(drawing.baseline_y) < float(drawing.bottom)
    assert len(drawing.points) == 1


def test_chart_coordinates_never_carry_a_decimal_comma():
    drawing = chart(
        baseline=D("1.5"),
        target=D("2.5"),
        start=dt.date(2026, 1, 1),
        end=dt.date(2026, 3, 1),
        measurements=[(dt.date(2026, 2, 1), D("2.25"))],
    )
    assert "," not in drawing.baseline_y + drawing.target_y + drawing.points[0].y
    assert drawing.polyline.count(",") == 1


def test_summarise_gives_latest_value_share_and_trend_when_lower_is_better():
    indicator = Indicator(
        name="Fravær",
        unit="%",
        direction=Indicator.Direction.LOWER,
        baseline_value=D("12.0000"),
        baseline_date=dt.date(2025, 8, 1),
        target_value=D("8.0000"),
        target_date=dt.date(2027, 6, 30),
        plausible_min=D("0.0000"),
    )
    measurements = [
        Measurement(value=D("11.0000"), date=dt.date(2026, 1, 1)),
        Measurement(value=D("9.5000"), date=dt.date(2026, 6, 1)),
    ]
    summary = summarise(indicator, measurements)
    assert [row.percent for row in summary.rows] == [25, 63]
    assert summary.latest.value == D("9.5")
    assert str(summary.baseline) == "12"
    assert summary.trend == Trend.IMPROVING
    with translation.override("en"):
        assert str(summary.trend_label) == "Improving"
    assert summary.plausible_min == D(0) and summary.plausible_max is None
    assert len(summary.chart().points) == 2


def test_summarise_without_measurements_has_no_latest_and_no_trend():
    indicator = Indicator(
        direction=Indicator.Direction.HIGHER,
        baseline_value=D(1),
        target_value=D(2),
        baseline_date=dt.date(2026, 1, 1),
        target_date=dt.date(2026, 12, 31),
    )
    summary = summarise(indicator, [])
    assert summary.latest is None
    assert summary.trend == Trend.UNKNOWN
    assert summary.chart().polyline == ""
