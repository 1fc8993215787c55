"""The status of an organisation's measures as plain JSON-able data.

One shape serves the live dashboard and the frozen reports: the dashboard renders it as it is
now; publishing stores it in ``PublishedReport.content`` and every later page (the report, the
comparison, the PDF, the share link) renders the stored copy. Dates are ISO strings, decimals
are strings without trailing zeros, and nothing is translated: codes only, worded by the
templates in the reader's language (dashboard) or the organisation's written standard (reports).

The number of queries is fixed whatever the number of measures, indicators and measurements:
one per kind of data, grouped by measure in Python (reports/content_queries.py). The shape is
typed in reports/content_schema.py; the types are re-exported here.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.utils import timezone, translation

from measures.models import Program
from organizations.models import Organization, Unit
from reports import content_queries as queries
from reports.content_queries import decimal_text, measures_in_scope
from reports.content_schema import (
    PHASES,
    SCHEMA,
    STATUSES,
    Checkpoint,
    Continuation,
    Decision,
    IndicatorContent,
    MeasureContent,
    Readiness,
    ValueOn,
)
from reports.models import Report, ReportComment

__all__ = [
    "Checkpoint",
    "Continuation",
    "Decision",
    "IndicatorContent",
    "MeasureContent",
    "Readiness",
    "ValueOn",
    "decimal_text",
    "measures_content",
    "measures_in_scope",
    "report_content",
    "totals",
]

# --- the entry points -----------------------------------------------------------------------


def measures_content(
    organization: Organization,
    *,
    program: Program | None = None,
    as_of: date | None = None,
    today: date | None = None,
    period: tuple[date, date] | None = None,
    unit: Unit | None = None,
    service: Unit | None = None,
) -> list[MeasureContent]:
    """The status of every active measure of ``organization`` (of ``program`` when given),
    sorted by programme name, then name.

    Indicators stand as of ``as_of`` (default today); next checkpoints count from ``today``;
    decisions are listed only with a ``period`` (start, end), inclusive. ``unit`` narrows
    to the measures it is responsible for, ``service`` to the measures that improve a
    hand-over from or to that unit (the dashboard's filters).

    Queries: measures, phase moves, indicators, readiness, continuation decisions, one per
    wheel source, and with a period the phase moves and evaluations within it. The same
    number for 5 measures or 500.
    """
    today = today or timezone.localdate()
    as_of = as_of or today
    scope = measures_in_scope(organization, program, unit, service)
    # Plain values, not model instances: a third of the time for 500 measures.
    measures = list(
        scope.order_by("program__name", "name", "pk").values_list(
            "pk",
            "name",
            "program__name",
            "responsible_unit__name",
            "phase",
            "created_at",
            "status",
            "status_explanation",
            "summary__text",
        )
    )
    if not measures:
        return []
    since = queries.phase_since(scope)
    indicators = queries.indicators(scope, as_of)
    readiness = queries.readiness(scope)
    continuations = queries.continuations(scope)
    checkpoints = queries.checkpoints(organization, program, today)
    decisions = queries.decisions(scope, period, continuations) if period else {}

    result: list[MeasureContent] = []
    for pk, name, program_name, unit_name, phase, created, status, explanation, summary in measures:
        continuation: Continuation | None = None
        decided = continuations.get(pk)
        if phase == 4 and decided is not None:
            continuation = {
                "outcome": decided["outcome"],
                "decision_maker": decided["decision_maker"],
                "decided_on": decided["decided_on"].isoformat(),
                "version": decided["number"],
                "corrections": decided["corrections"],
            }
        entered = since.get(pk)
        result.append(
            {
                "id": pk,
                "name": name,
                "program": program_name,
                "unit": unit_name,
                "phase": phase,
                "phase_since": (entered[0] if entered else queries.local_date(created)).isoformat(),
                "phase_entry": entered[1] if entered else "",
                "status": status,
                "status_explanation": explanation,
                "summary": summary or "",
                "comment": "",
                "indicators": indicators.get(pk, []),
                "readiness": readiness.get(pk, queries.no_components()) if phase == 3 else None,
                "continuation": continuation,
                "next_checkpoints": checkpoints.get(pk, []),
                "decisions": decisions.get(pk, []),
            }
        )
    return result


def totals(measures: Iterable[MeasureContent]) -> dict[str, Any]:
    """How many measures, and how many in each phase and with each traffic light."""
    by_phase = dict.fromkeys(PHASES, 0)
    by_status = dict.fromkeys(STATUSES, 0)
    count = 0
    for measure in measures:
        count += 1
        by_phase[str(measure["phase"])] += 1
        by_status[measure["status"]] += 1
    return {"measures": count, "by_phase": by_phase, "by_status": by_status}


def report_content(report: Report, *, today: date | None = None) -> dict[str, Any]:
    """What a report shows, as published: its measures as of the end of its period, the
    decisions made within the period, and the coordinator's introduction and comments.

    ``published_at`` is None here: publishing sets it. Derived titles of the wheel (an
    evaluation due) are written in the organisation's written standard, like the report.
    """
    organization = report.organization
    with translation.override(organization.written_standard):
        measures = measures_content(
            organization,
            program=report.program,
            as_of=report.period_end,
            today=today,
            period=(report.period_start, report.period_end),
        )
    comments = dict(ReportComment.objects.filter(report=report).values_list("measure_id", "text"))
    for measure in measures:
        measure["comment"] = comments.get(measure["id"], "")
    program = report.program
    return {
        "schema": SCHEMA,
        "organization": {
            "name": organization.name,
            "written_standard": organization.written_standard,
        },
        "title": report.title,
        "kind": report.kind,
        "period": {
            "start": report.period_start.isoformat(),
            "end": report.period_end.isoformat(),
        },
        "program": {"id": program.pk, "name": program.name} if program else None,
        "introduction": report.introduction,
        "as_of": report.period_end.isoformat(),
        "published_at": None,
        "totals": totals(measures),
        "measures": measures,
    }
