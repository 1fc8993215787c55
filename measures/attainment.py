"""Goal attainment: how far an indicator has come from its baseline towards its target.

Plain functions on plain values, so lists, reports and evaluation snapshots compute it the same
way without touching the database.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from enum import Enum

ZERO = Decimal(0)
ONE = Decimal(1)


class Trend(str, Enum):
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
