"""The shape of the status content (see reports/content.py): plain JSON-able dicts, typed.

Dates are ISO strings, decimals strings without trailing zeros, everything else codes.
"""

from __future__ import annotations

from typing import NotRequired, TypedDict

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


class Readiness(TypedDict, total=False):
    components: int
    described: int
    piloted: int
    ready: int
    # Since the exit rule reads "all" over the four kinds; reports published before lack them.
    missing_kinds: list[str]  # ServiceComponent.Kind codes with no component
    exit_rule_met: bool


class Correction(TypedDict, total=False):
    date: str
    recorded: str
    outcome: str | None
    was: str  # the outcome it replaced (continuation decisions)
    reason: str
    by: str


class Continuation(TypedDict, total=False):
    outcome: str
    decision_maker: str
    decided_on: str
    # Since decisions are versioned; reports published before have neither key.
    version: int
    corrections: list[Correction]


class Checkpoint(TypedDict):
    title: str
    date: str
    kind: str


class Decision(TypedDict, total=False):
    date: str
    kind: str  # "phase" | "continuation" | "evaluation" | "correction"
    from_phase: int | None
    to_phase: int | None
    outcome: str | None
    text: str  # for a correction: why it was corrected
    by: str
    # Since decisions are versioned; reports published before have none of these keys.
    record: str  # for a correction: "phase", "continuation" or "evaluation"
    overridden: bool  # a phase move through a closed gate
    registration: bool  # a measure registered in a later phase
    corrected: bool  # the decision has been corrected since it was first recorded
    recorded: str  # when it was entered in the product (ISO moment with offset)


class MeasureContent(TypedDict):
    id: int
    name: str
    program: str
    unit: str | None
    phase: int
    phase_since: str
    # How the measure came into its phase: "gate", "override", "registration", or "" (it
    # started there). Reports published before have no such key.
    phase_entry: NotRequired[str]
    status: str
    status_explanation: str
    summary: str
    comment: str
    indicators: list[IndicatorContent]
    readiness: Readiness | None
    continuation: Continuation | None
    next_checkpoints: list[Checkpoint]
    decisions: list[Decision]
