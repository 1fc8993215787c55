"""Export of measures, indicators and measurements (see the package docstring for the format).

Each export runs a fixed number of queries: related rows are joined or gathered in one query
each, and the main rows are streamed with ``iterator()``.
"""

from __future__ import annotations

import io
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

from measures.attainment import attainment_percent
from measures.models import Evaluation, Indicator, Measure, Measurement
from organizations.csvfiles import Cell
from organizations.csvfiles import csv_lines as write_csv_lines
from organizations.models import Organization


@dataclass(frozen=True)
class Column:
    key: str  # stable and machine-readable: the header with ?headers=keys
    label: Promise | str  # the header in the user's language
    value: Callable[[Any], Cell]
    help: Promise | str = ""


@dataclass(frozen=True)
class Dataset:
    name: str
    title: Promise | str
    columns: tuple[Column, ...]
    rows: Callable[[Organization], Iterable[Any]]

    def header(self, *, keys: bool) -> list[str]:
        return [column.key if keys else str(column.label) for column in self.columns]

    def values(self, organization: Organization) -> Iterator[list[Cell]]:
        for row in self.rows(organization):
            yield [column.value(row) for column in self.columns]


def choice(
    field: str, labels: tuple[Promise, Promise], help: Promise | str = ""
) -> tuple[Column, Column]:
    """A choice field as two columns: its stable code, then its label in the user's language."""
    return (
        Column(field, labels[0], lambda obj: getattr(obj, field), help),
        Column(
            f"{field}_label",
            labels[1],
            lambda obj: str(getattr(obj, f"get_{field}_display")()),
        ),
    )


# --- measures -------------------------------------------------------------------------------


def measure_rows(organization: Organization) -> Iterator[Measure]:
    tags: dict[int, list[str]] = defaultdict(list)
    for measure_id, name in (
        Measure.tags.through.objects.filter(measure__organization=organization)
        .order_by("tag__name")
        .values_list("measure_id", "tag__name")
    ):
        tags[measure_id].append(name)
    latest = Evaluation.objects.filter(measure=OuterRef("pk")).order_by("-period_end", "-pk")
    queryset = (
        Measure.objects.filter(organization=organization)
        .select_related("program", "team_lead", "responsible_unit", "evaluation_cycle")
        .annotate(
            last_evaluation_end=Subquery(latest.values("period_end")[:1]),
            last_decision=Subquery(latest.values("decision")[:1]),
        )
        .order_by("program__name", "name", "pk")
    )
    for measure in queryset.iterator(chunk_size=500):
        measure.tag_names = tags.get(measure.pk, [])  # type: ignore[attr-defined]
        yield measure


def _rhythm(measure: Measure) -> str | None:
    cycle = getattr(measure, "evaluation_cycle", None)
    return cycle.rhythm if cycle else None


def _rhythm_label(measure: Measure) -> str | None:
    cycle = getattr(measure, "evaluation_cycle", None)
    return str(cycle.get_rhythm_display()) if cycle else None


def _decision_label(measure: Any) -> str | None:
    labels = dict(Evaluation.Decision.choices)
    return str(labels[measure.last_decision]) if measure.last_decision in labels else None


def _overdue(measure: Measure) -> bool:
    due = measure.next_evaluation_due
    return due is not None and due < timezone.localdate()


MEASURES = Dataset(
    name="measures",
    title=_("Measures"),
    columns=(
        Column("id", _("Measure id"), lambda m: m.pk),
        Column("name", _("Measure"), lambda m: m.name),
        Column("program_id", _("Programme id"), lambda m: m.program_id),
        Column("program", _("Programme"), lambda m: m.program.name),
        Column(
            "phase", _("Phase"), lambda m: m.phase, _("1 prepare, 2 plan, 3 implement, 4 continue")
        ),
        Column("phase_label", _("Phase (text)"), lambda m: str(m.get_phase_display())),
        *choice("status", (_("Status"), _("Status (text)")), _("green, yellow or red")),
        Column(
            "status_explanation", _("Explanation of the status"), lambda m: m.status_explanation
        ),
        Column(
            "target_groups",
            _("Target groups"),
            lambda m: ", ".join(m.target_groups or []),
            _("codes separated by commas: 0-5, 6-12, 13-15, 16-19, 20-24, families, staff"),
        ),
        Column("responsible_unit", _("Responsible unit"), lambda m: str(m.responsible_unit or "")),
        Column("team_lead", _("Team lead"), lambda m: str(m.team_lead or "")),
        Column("start_date", _("Start"), lambda m: m.start_date),
        Column("end_date", _("End"), lambda m: m.end_date),
        Column(
            "evaluation_rhythm",
            _("Evaluation rhythm"),
            _rhythm,
            _("monthly, quarterly, term, yearly or custom; empty when none is set"),
        ),
        Column("evaluation_rhythm_label", _("Evaluation rhythm (text)"), _rhythm_label),
        Column("next_evaluation_due", _("Next evaluation due"), lambda m: m.next_evaluation_due),
        Column(
            "evaluation_overdue",
            _("Evaluation overdue"),
            _overdue,
            _("1 when the next evaluation was due before today"),
        ),
        Column(
            "last_evaluation_end",
            _("Last evaluation, end of period"),
            lambda m: m.last_evaluation_end,
        ),
        Column(
            "last_decision",
            _("Last decision"),
            lambda m: m.last_decision,
            _("continue, adjust or stop"),
        ),
        Column("last_decision_label", _("Last decision (text)"), _decision_label),
        Column("tags", _("Tags"), lambda m: ", ".join(m.tag_names)),
        Column("is_archived", _("Archived"), lambda m: m.is_archived, _("1 when archived")),
    ),
    rows=measure_rows,
)


# --- indicators -----------------------------------------------------------------------------


def indicator_rows(organization: Organization) -> Iterator[Indicator]:
    latest = Measurement.objects.filter(indicator=OuterRef("pk")).order_by("-date")
    return (
        Indicator.objects.filter(measure__organization=organization)
        .select_related("measure", "goal")
        .annotate(
            latest_value=Subquery(latest.values("value")[:1]),
            latest_date=Subquery(latest.values("date")[:1]),
        )
        .order_by("measure__name", "measure_id", "goal__position", "goal_id", "pk")
        .iterator(chunk_size=500)
    )


def _attainment_percent(indicator: Any) -> int | None:
    if indicator.latest_value is None:
        return None
    return attainment_percent(
        baseline=indicator.baseline_value,
        target=indicator.target_value,
        value=indicator.latest_value,
    )


INDICATORS = Dataset(
    name="indicators",
    title=_("Indicators"),
    columns=(
        Column("id", _("Indicator id"), lambda i: i.pk, _("used by the measurement import")),
        Column("measure_id", _("Measure id"), lambda i: i.measure_id),
        Column("measure", _("Measure"), lambda i: i.measure.name),
        Column("goal_id", _("Goal id"), lambda i: i.goal_id),
        Column("goal", _("Goal"), lambda i: i.goal.title),
        Column("name", _("Indicator"), lambda i: i.name),
        *choice(
            "kind",
            (_("What it measures"), _("What it measures (text)")),
            _("outcome, reach, fidelity or adoption"),
        ),
        Column("unit", _("Unit"), lambda i: i.unit),
        *choice(
            "direction", (_("Direction"), _("Direction (text)")), _("higher or lower (is better)")
        ),
        Column("baseline_value", _("Baseline value"), lambda i: i.baseline_value),
        Column("baseline_date", _("Baseline date"), lambda i: i.baseline_date),
        Column("target_value", _("Target value"), lambda i: i.target_value),
        Column("target_date", _("Target date"), lambda i: i.target_date),
        Column("data_source", _("Data source"), lambda i: i.data_source),
        *choice(
            "frequency",
            (_("Measured"), _("Measured (text)")),
            _("monthly, quarterly, term, yearly or other"),
        ),
        Column("plausible_min", _("Lowest plausible value"), lambda i: i.plausible_min),
        Column("plausible_max", _("Highest plausible value"), lambda i: i.plausible_max),
        Column("latest_value", _("Latest value"), lambda i: i.latest_value),
        Column("latest_date", _("Date of the latest value"), lambda i: i.latest_date),
        Column(
            "attainment_percent",
            _("Goal attainment (%)"),
            _attainment_percent,
            _("how far the latest value has come from the baseline to the target, 0 to 100"),
        ),
    ),
    rows=indicator_rows,
)


# --- measurements ---------------------------------------------------------------------------


def measurement_rows(organization: Organization) -> Iterator[Measurement]:
    return (
        Measurement.objects.filter(indicator__measure__organization=organization)
        .select_related("indicator__measure")
        .order_by("indicator__measure__name", "indicator__measure_id", "indicator_id", "date")
        .iterator(chunk_size=2000)
    )


MEASUREMENTS = Dataset(
    name="measurements",
    title=_("Measurements"),
    columns=(
        Column("indicator_id", _("Indicator id"), lambda m: m.indicator_id),
        Column("date", _("Date"), lambda m: m.date),
        Column("value", _("Value"), lambda m: m.value),
        Column("comment", _("Comment"), lambda m: m.comment),
        Column("indicator", _("Indicator"), lambda m: m.indicator.name),
        Column("unit", _("Unit"), lambda m: m.indicator.unit),
        Column("measure_id", _("Measure id"), lambda m: m.indicator.measure_id),
        Column("measure", _("Measure"), lambda m: m.indicator.measure.name),
    ),
    rows=measurement_rows,
)

DATASETS = {dataset.name: dataset for dataset in (MEASURES, INDICATORS, MEASUREMENTS)}


# --- writers --------------------------------------------------------------------------------


def csv_lines(dataset: Dataset, organization: Organization, *, keys: bool) -> Iterator[str]:
    return write_csv_lines(dataset.header(keys=keys), dataset.values(organization))


def xlsx_bytes(dataset: Dataset, organization: Organization, *, keys: bool) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(str(dataset.title)[:31])
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for text in dataset.header(keys=keys):
        cell = WriteOnlyCell(sheet, value=text)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    for values in dataset.values(organization):
        sheet.append([_xlsx_cell(sheet, value) for value in values])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _xlsx_cell(sheet: Any, value: Cell) -> Any:
    if isinstance(value, datetime):
        cell = WriteOnlyCell(sheet, value=timezone.localtime(value).replace(tzinfo=None))
        cell.number_format = "dd.mm.yyyy hh:mm"
        return cell
    if isinstance(value, date):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = "dd.mm.yyyy"
        return cell
    if isinstance(value, Decimal):
        return value.normalize()
    if isinstance(value, str):
        # Typed as text, so a comment that begins with "=" is never a formula.
        cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", value))
        cell.data_type = "s"
        return cell
    return value
