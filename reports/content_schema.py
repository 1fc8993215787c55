"""The shape of the status content (see reports/content.py): plain JSON-able dicts, typed.

Dates are ISO strings, decimals strings without trailing zeros, everything else codes.
"""

from __future__ import annotations

from typing import TypedDict

SCHEMA = 1
CHECKPOINT_DAYS = 120  # how far ahead "next checkpoints" look
CHECKPOINTS_PER_MEASURE = 3
PHASES = ("1", "2", "3", "4")
STATUSES = ("green", "yellow", "red")


class ValueOn(TypedDict):
    value: str
    date: str


class IndicatorContent(TypedDict):
    id: int
    name: str
    unit: str
    direction: str
    baseline: str
    target: str
    target_date: str
    latest: ValueOn | None
    previous: ValueOn | None
    attainment_percent: int | None
    trend: str


class Readiness(TypedDict):
    components: int
    described: int
    piloted: int
    ready: int


class Continuation(TypedDict):
    outcome: str
    decision_maker: str
    decided_on: str


class Checkpoint(TypedDict):
    title: str
    date: str
    kind: str


class Decision(TypedDict):
    date: str
    kind: str  # "phase" | "continuation" | "evaluation"
    from_phase: int | None
    to_phase: int | None
    outcome: str | None
    text: str
    by: str


class MeasureContent(TypedDict):
    id: int
    name: str
    program: str
    unit: str | None
    phase: int
    phase_since: str
    status: str
    status_explanation: str
    summary: str
    comment: str
    indicators: list[IndicatorContent]
    readiness: Readiness | None
    continuation: Continuation | None
    next_checkpoints: list[Checkpoint]
    decisions: list[Decision]
