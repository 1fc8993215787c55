"""Plain helpers of phase I and II: the next activities, the budget per year, how complete the
plan is and what phase I still lacks. No requests here; the views are in phases/views/planning.py.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import models
from django.utils.dates import MONTHS
from django.utils.translation import gettext as _

from phases.forms.planning import PreparationForm
from phases.models import BudgetLine, ImplementationPlan, PlannedActivity, Preparation

NEXT_ACTIVITIES = 3


@dataclass
class ActivityRow:
    activity: PlannedActivity

    @property
    def month_name(self) -> str:
        return str(MONTHS[self.activity.month]) if self.activity.month else ""


def next_occurrence(activity: PlannedActivity, today: dt.date) -> dt.date | None:
    """When the activity next takes place or still goes on: None when it is over.

    A month's activity belongs to that month every year (as on the annual wheel)."""
    if activity.month:
        year = today.year if activity.month >= today.month else today.year + 1
        return max(dt.date(year, activity.month, 1), today)
    if activity.start_date is None:
        return None
    if (activity.end_date or activity.start_date) < today:
        return None
    return max(activity.start_date, today)


def next_activities(
    rows: Iterable[ActivityRow], today: dt.date, count: int = NEXT_ACTIVITIES
) -> list[ActivityRow]:
    """The next few activities, soonest first (those going on now count as today's)."""
    upcoming = [
        (when, row) for row in rows if (when := next_occurrence(row.activity, today)) is not None
    ]
    upcoming.sort(key=lambda pair: (pair[0], pair[1].activity.pk))
    return [row for _when, row in upcoming[:count]]


@dataclass
class YearTotal:
    year: int
    lines: list[BudgetLine] = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        return sum((line.amount for line in self.lines), Decimal(0))


def budget_by_year(lines: Iterable[BudgetLine]) -> list[YearTotal]:
    years: dict[int, YearTotal] = {}
    for line in lines:
        years.setdefault(line.year, YearTotal(line.year)).lines.append(line)
    return [years[year] for year in sorted(years)]


@dataclass
class PlanPart:
    label: str
    done: bool
    anchor: str


def plan_parts(
    plan: ImplementationPlan | None, activities: int, roles: int, budget_lines: int
) -> list[PlanPart]:
    """The parts of a complete plan (as the method's guides list them), each filled in or not."""

    def text(name: str) -> bool:
        return plan is not None and bool(getattr(plan, name).strip())

    return [
        PlanPart(_("What is to be developed"), text("to_develop"), "to-develop"),
        PlanPart(_("Target group"), text("target_group"), "target-group"),
        PlanPart(_("Activities"), activities > 0, "activities"),
        PlanPart(_("Roles and responsibilities"), roles > 0, "roles"),
        PlanPart(_("Budget"), budget_lines > 0, "budget"),
        PlanPart(_("Training plan"), text("training_plan"), "training-plan"),
        PlanPart(_("Information plan"), text("information_plan"), "information-plan"),
        PlanPart(_("Evaluation plan"), text("evaluation_plan"), "evaluation-plan"),
    ]


def preparation_gaps(preparation: Preparation | None) -> list[str]:
    """The parts of phase I that are not described yet."""
    gaps = []
    for name in PreparationForm.Meta.fields:
        field = Preparation._meta.get_field(name)
        assert isinstance(field, models.Field)  # noqa: S101 - a programming error
        if preparation is None or not getattr(preparation, name).strip():
            gaps.append(str(field.verbose_name))
    return gaps
