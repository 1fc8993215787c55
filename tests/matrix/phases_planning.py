"""Expectations for phase I (the preparation and the decision to go on) and phase II (the
implementation plan with its activities, roles and budget lines).

Matrix measures are led by the team_lead user, so MEASURE_WORKERS includes the team lead (a team
lead who does not lead the measure: tests/phases/test_planning_access.py). An empty POST saves an
empty preparation or plan (302); the row forms and the decision re-render with errors (200);
deletes redirect (302).
"""

from __future__ import annotations

from decimal import Decimal

from phases.models import BudgetLine, ImplementationPlan, PlannedActivity, RoleResponsibility
from tests.matrix.base import ALL_MEMBERS, MEASURE_WORKERS, PLANNERS, Case, measure_and, org

MATRIX = {
    "preparation": Case(measure_and(), org(ALL_MEMBERS, 200), org(MEASURE_WORKERS, 302)),
    "preparation_decision": Case(measure_and(), org(PLANNERS, 200), org(PLANNERS, 200)),
    "implementation_plan": Case(measure_and(), org(ALL_MEMBERS, 200), org(ALL_MEMBERS, 405)),
    "plan_update": Case(measure_and(), org(MEASURE_WORKERS, 200), org(MEASURE_WORKERS, 302)),
    **{
        f"{name}_create": Case(measure_and(), org(MEASURE_WORKERS, 200), org(MEASURE_WORKERS, 200))
        for name in ("planned_activity", "plan_role", "budget_line")
    },
    **{
        f"{name}_update": Case(
            measure_and(f"planning.{name}"), org(MEASURE_WORKERS, 200), org(MEASURE_WORKERS, 200)
        )
        for name in ("planned_activity", "plan_role", "budget_line")
    },
    **{
        f"{name}_delete": Case(
            measure_and(f"planning.{name}"), org(MEASURE_WORKERS, 405), org(MEASURE_WORKERS, 302)
        )
        for name in ("planned_activity", "plan_role", "budget_line")
    },
}

BUILDERS = {
    "planning.plan": lambda ctx: ImplementationPlan.objects.create(measure=ctx["measure"]),
    "planning.planned_activity": lambda ctx: PlannedActivity.objects.create(
        plan=ctx["planning.plan"], what="Oppstartsmøte", month=9
    ),
    "planning.plan_role": lambda ctx: RoleResponsibility.objects.create(
        plan=ctx["planning.plan"], role="Teamleder", responsibility="Leder implementeringsteamet"
    ),
    "planning.budget_line": lambda ctx: BudgetLine.objects.create(
        plan=ctx["planning.plan"], description="Kurs", year=2026, amount=Decimal("12500.50")
    ),
}
