"""Goal attainment: how far an indicator has come from its baseline towards its target.

The one home of the derived figures of goals: the share of the way (``attainment``), the whole
percentage every page, export, evaluation snapshot, report and PDF shows
(``attainment_percent``), the mean percentage of a measure (``mean_percent``) and the trend
(``trend``, drawn as ``trend_arrow``). Plain functions on plain values, so every output computes
them the same way without touching the database; ``summarise`` applies them to an indicator
whose measurements are already loaded. Nothing else rounds a share: a second rounding rule, or
rounding an already rounded share again, is how one indicator came to show 13 % on one page
and 12 % on another.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Any

from django.utils.translation import gettext_lazy

from measures.models.goals import Indicator, Measurement

ZERO = Decimal(0)
ONE = Decimal(1)


class Trend(StrEnum):
    IMPROVING = "improving"
    WORSENING = "worsening"
    FLAT = "flat"
    UNKNOWN = "unknown"


def attainment(*, baseline: Decimal, target: Decimal, value: Decimal) -> Decimal:
    """The share of the way from baseline to target (0 to 1, clamped).

    Direction-aware by construction: when lower is better the target lies below the baseline,
    and (value - baseline) / (target - baseline) is still positive for progress.
    """
    span = target - baseline
    if span == ZERO:
        return ONE if value == target else ZERO
    share = (value - baseline) / span
    return min(ONE, max(ZERO, share))


def trend(values: Sequence[Decimal], *, higher_is_better: bool) -> Trend:
    """Improving, worsening or flat, comparing the last two values in time order."""
    if len(values) < 2:
        return Trend.UNKNOWN
    change = values[-1] - values[-2]
    if change == ZERO:
        return Trend.FLAT
    return Trend.IMPROVING if (change > ZERO) == higher_is_better else Trend.WORSENING


def _whole(number: Decimal) -> int:
    # Half up, as people round by hand (12.5 → 13), never half-even ("banker's", 12.5 → 12,
    # what Decimal.quantize and Python's round() do by default) and never truncated.
    return int(number.quantize(ONE, rounding=ROUND_HALF_UP))


def percent(share: Decimal) -> int:
    """A share (0 to 1) as a whole percentage, rounded once, half up."""
    return _whole(share * 100)


def attainment_percent(*, baseline: Decimal, target: Decimal, value: Decimal) -> int:
    """The goal attainment every output shows: the share of the way as a whole percentage."""
    return percent(attainment(baseline=baseline, target=target, value=value))


def mean_percent(percents: Iterable[int | None]) -> int | None:
    """A measure's mean attainment: the mean of its indicators' percentages as shown (the
    unmeasured left out), rounded half up; None when no indicator is measured.

    The mean of the whole percentages, not of the exact shares, so a reader can check it from
    the figures on the page, and a frozen report (which keeps only those) gives the same."""
    shown = [p for p in percents if p is not None]
    if not shown:
        return None
    return _whole(Decimal(sum(shown)) / len(shown))


def trend_arrow(moved: str | None, *, higher_is_better: bool) -> str:
    """Which way the value moved: ↑ up, ↓ down, → unchanged, nothing when unknown. Improving
    means down when lower is better, so the arrow follows the value, the words the meaning."""
    if moved == Trend.FLAT:
        return "→"
    if moved not in (Trend.IMPROVING, Trend.WORSENING):
        return ""
    return "↑" if (moved == Trend.IMPROVING) == higher_is_better else "↓"


def tidy(value: Decimal) -> Decimal:
    """The value without the trailing zeros of the four stored decimals (40.0000 → 40)."""
    if value == value.to_integral_value():
        return value.quantize(ONE)
    return value.normalize()


# --- the chart ------------------------------------------------------------------------------
# Only geometry here: the template draws it and words it. Coordinates are strings so the
# template never localises them (a decimal comma inside an SVG attribute breaks the drawing).


@dataclass(frozen=True)
class ChartPoint:
    when: date
    value: Decimal
    x: str
    y: str


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    left: str
    right: str
    top: str
    bottom: str
    baseline_y: str
    target_y: str
    points: list[ChartPoint]
    polyline: str
    start: date
    end: date


CHART_MARGIN_LEFT = 16
CHART_MARGIN_RIGHT = 16
CHART_MARGIN_TOP = 24
CHART_MARGIN_BOTTOM = 32


def _coordinate(number: float) -> str:
    return f"{number:.1f}"


def chart(
    *,
    baseline: Decimal,
    target: Decimal,
    start: date,
    end: date,
    measurements: Sequence[tuple[date, Decimal]],
    width: int = 880,
    height: int = 280,
) -> Chart:
    """Where baseline, target and measurements land in a ``width`` × ``height`` drawing.

    Time runs left to right from the earlier of the baseline date and the first measurement
    to the later of the target date and the last one; values run bottom to top over the range
    of baseline, target and measurements with a little room above and below.
    """
    ordered = sorted(measurements)
    dates = [start, end, *(when for when, _value in ordered)]
    first, last = min(dates), max(dates)
    days = max((last - first).days, 1)

    values = [baseline, target, *(value for _when, value in ordered)]
    low, high = min(values), max(values)
    room = (high - low) / 10 if high != low else max(abs(high) / 10, ONE)
    low, high = low - room, high + room

    left, right = CHART_MARGIN_LEFT, width - CHART_MARGIN_RIGHT
    top, bottom = CHART_MARGIN_TOP, height - CHART_MARGIN_BOTTOM

    def x_of(when: date) -> float:
        return left + (right - left) * (when - first).days / days

    def y_of(value: Decimal) -> float:
        return bottom - (bottom - top) * float((value - low) / (high - low))

    points = [
        ChartPoint(when=when, value=value, x=_coordinate(x_of(when)), y=_coordinate(y_of(value)))
        for when, value in ordered
    ]
    return Chart(
        width=width,
        height=height,
        left=_coordinate(left),
        right=_coordinate(right),
        top=_coordinate(top),
        bottom=_coordinate(bottom),
        baseline_y=_coordinate(y_of(baseline)),
        target_y=_coordinate(y_of(target)),
        points=points,
        polyline=" ".join(f"{point.x},{point.y}" for point in points),
        start=first,
        end=last,
    )


# --- one indicator, summarised for the pages -------------------------------------------------

TREND_LABELS = {
    Trend.IMPROVING: gettext_lazy("Improving"),
    Trend.WORSENING: gettext_lazy("Getting worse"),
    Trend.FLAT: gettext_lazy("Unchanged"),
    Trend.UNKNOWN: gettext_lazy("Too few measurements to show a trend"),
}


@dataclass
class MeasurementRow:
    measurement: Measurement
    value: Decimal
    percent: int


@dataclass
class IndicatorSummary:
    """An indicator with its measurements in time order and what they add up to."""

    indicator: Indicator
    rows: list[MeasurementRow]
    baseline: Decimal
    target: Decimal
    trend: Trend

    @property
    def latest(self) -> MeasurementRow | None:
        return self.rows[-1] if self.rows else None

    @property
    def trend_label(self) -> Any:
        return TREND_LABELS[self.trend]

    @property
    def plausible_min(self) -> Decimal | None:
        low = self.indicator.plausible_min
        return None if low is None else tidy(low)

    @property
    def plausible_max(self) -> Decimal | None:
        high = self.indicator.plausible_max
        return None if high is None else tidy(high)

    def chart(self) -> Chart:
        indicator = self.indicator
        return chart(
            baseline=self.baseline,
            target=self.target,
            start=indicator.baseline_date,
            end=indicator.target_date,
            measurements=[(row.measurement.date, row.value) for row in self.rows],
        )


def summarise(indicator: Indicator, measurements: list[Measurement]) -> IndicatorSummary:
    """``measurements`` are the indicator's, in date order (the views load them so)."""
    baseline, target = indicator.baseline_value, indicator.target_value
    rows = [
        MeasurementRow(
            measurement=m,
            value=tidy(m.value),
            percent=attainment_percent(baseline=baseline, target=target, value=m.value),
        )
        for m in measurements
    ]
    higher = indicator.direction == Indicator.Direction.HIGHER
    return IndicatorSummary(
        indicator=indicator,
        rows=rows,
        baseline=tidy(baseline),
        target=tidy(target),
        trend=trend([m.value for m in measurements], higher_is_better=higher),
    )
