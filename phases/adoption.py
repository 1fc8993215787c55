"""Taking a partner's measure into use (docs/adoption.md).

One workflow over many models: the measure's description and target group, its logic model,
goals and indicators, the phase II plan as a draft and the maintenance routines are copied
into a new phase I measure of the adopting organisation. What belongs to the origin's own
work and people is left behind: measurements, assessments of success factors, judgements,
evaluations, laps, comments, budget, and every person (team lead, responsible, holders,
owners). The copy keeps a link to its origin, and a first entry on its timeline names it.

It lives in ``phases`` because the plan and the routines are phases' models, and phases
builds on measures, never the other way round.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from dataversion.versions import bump_on_commit
from measures.models import Goal, Indicator, LogicElement, LogicLink, Measure, Phase, Program
from organizations.models import User
from phases.models import (
    ImplementationPlan,
    MaintenanceRoutine,
    PhaseTransition,
    PlannedActivity,
    RoleResponsibility,
)


@dataclass(frozen=True)
class AdoptionSummary:
    """What an adoption would copy, counted for the confirmation page."""

    logic_elements: int
    arrows: int
    goals: int
    indicators: int
    has_plan: bool
    activities: int
    roles: int
    routines: int


def adoption_summary(source: Measure) -> AdoptionSummary:
    """The counts the confirmation page shows (a fixed number of queries)."""
    plan = ImplementationPlan.objects.filter(measure=source).first()
    return AdoptionSummary(
        logic_elements=source.logic_elements.count(),
        arrows=source.logic_links.count(),
        goals=source.goals.count(),
        indicators=source.indicators.count(),
        has_plan=plan is not None,
        activities=plan.activities.count() if plan else 0,
        roles=plan.roles.count() if plan else 0,
        routines=source.maintenance_routines.count(),
    )


def origin_text(*, measure_name: str, organization_name: str, language: str) -> str:
    """The origin in the adopting organisation's written standard: it is stored, not
    translated per reader, like every other justification on the timeline."""
    with translation.override(language):
        return _("Taken into use from %(measure)s in %(organization)s") % {
            "measure": measure_name,
            "organization": organization_name,
        }


def _next_on_or_after(day: date, today: date) -> date:
    """The same day of the year, moved on by whole years until it is not in the past: a
    routine's rhythm is kept, the origin's history is not."""
    years = max(today.year - day.year, 0)
    while True:
        try:
            moved = day.replace(year=day.year + years)
        except ValueError:  # 29 February in a year without it
            moved = date(day.year + years, 3, 1)
        if moved >= today:
            return moved
        years += 1


def measure_adopt(*, source: Measure, program: Program, user: User) -> Measure:
    """Copies ``source`` into a new phase I measure in ``program`` (the adopter's own).

    The caller has checked that ``source`` is shared with ``program.organization`` and that
    ``user`` may adopt there. One transaction; the number of queries does not grow with the
    number of elements, goals, indicators, activities or routines (bulk inserts, each with
    its history rows, so the adopter's audit trail lists every copied record)."""
    adopter = program.organization
    origin_org = source.organization
    reason = origin_text(
        measure_name=source.name,
        organization_name=origin_org.name,
        language=adopter.written_standard,
    )
    today = timezone.localdate()
    with transaction.atomic():
        copy = Measure(
            organization=adopter,
            program=program,
            name=source.name,
            description=source.description,
            target_groups=list(source.target_groups or []),
            target_group_note=source.target_group_note,
            phase=Phase.PREPARE,
            adopted_from=source,
            adopted_from_measure_name=source.name,
            adopted_from_organization_name=origin_org.name,
        )
        copy._history_user = user  # type: ignore[attr-defined]
        copy._change_reason = reason  # type: ignore[attr-defined]
        copy.save()
        # The first entry of the copy's timeline: it starts in phase I, from the origin.
        PhaseTransition.objects.create(
            measure=copy,
            from_phase=Phase.PREPARE,
            to_phase=Phase.PREPARE,
            decided_by=user,
            reason=reason,
        )

        _copy_logic_and_goals(source, copy, user, reason)
        _copy_plan(source, copy, user, reason)
        routines = [
            MaintenanceRoutine(
                measure=copy,
                kind=routine.kind,
                description=routine.description,
                owner=None,
                recurrence=routine.recurrence,
                first_date=_next_on_or_after(routine.first_date, today),
                rrule=routine.rrule,
            )
            for routine in source.maintenance_routines.order_by("pk")
        ]
        _bulk(routines, MaintenanceRoutine, user, reason)
        # The origin's page asks for its adopters only once it has any (no history: the
        # origin's own record is not changed by a partner).
        Measure.objects.filter(pk=source.pk, has_been_adopted=False).update(has_been_adopted=True)
        # Bulk inserts send no signals: both pages change (the origin lists its adopters).
        bump_on_commit([adopter.pk, origin_org.pk])
    return copy


def _bulk(objects: list, model: type, user: User, reason: str) -> list:
    if not objects:
        return []
    return list(
        bulk_create_with_history(
            objects, model, batch_size=500, default_user=user, default_change_reason=reason
        )
    )


def _copy_logic_and_goals(source: Measure, copy: Measure, user: User, reason: str) -> None:
    old_elements = list(LogicElement.objects.filter(measure=source).order_by("pk"))
    new_elements = _bulk(
        [
            LogicElement(measure=copy, column=e.column, text=e.text, position=e.position)
            for e in old_elements
        ],
        LogicElement,
        user,
        reason,
    )
    element_map = {old.pk: new.pk for old, new in zip(old_elements, new_elements, strict=True)}
    LogicLink.objects.bulk_create(
        [
            LogicLink(
                measure=copy,
                source_id=element_map[link.source_id],
                target_id=element_map[link.target_id],
            )
            for link in LogicLink.objects.filter(measure=source).order_by("pk")
            if link.source_id in element_map and link.target_id in element_map
        ]
    )

    old_goals = list(Goal.objects.filter(measure=source).order_by("position", "pk"))
    new_goals = _bulk(
        [
            Goal(measure=copy, title=g.title, description=g.description, position=g.position)
            for g in old_goals
        ],
        Goal,
        user,
        reason,
    )
    goal_map = {old.pk: new.pk for old, new in zip(old_goals, new_goals, strict=True)}
    through = Goal.logic_elements.through
    through.objects.bulk_create(
        [
            through(goal_id=goal_map[row.goal_id], logicelement_id=element_map[row.logicelement_id])
            for row in through.objects.filter(goal__measure=source)
            if row.goal_id in goal_map and row.logicelement_id in element_map
        ]
    )
    # The indicators' definitions, baseline and target included (the fields are required);
    # never their measurements. docs/adoption.md says why the adopter replaces the figures.
    _bulk(
        [
            Indicator(
                measure=copy,
                goal_id=goal_map[i.goal_id],
                name=i.name,
                unit=i.unit,
                kind=i.kind,
                direction=i.direction,
                baseline_value=i.baseline_value,
                baseline_date=i.baseline_date,
                target_value=i.target_value,
                target_date=i.target_date,
                data_source=i.data_source,
                frequency=i.frequency,
                plausible_min=i.plausible_min,
                plausible_max=i.plausible_max,
            )
            for i in Indicator.objects.filter(measure=source).order_by("pk")
            if i.goal_id in goal_map
        ],
        Indicator,
        user,
        reason,
    )


def _copy_plan(source: Measure, copy: Measure, user: User, reason: str) -> None:
    plan = ImplementationPlan.objects.filter(measure=source).first()
    if plan is None:
        return
    new_plan = ImplementationPlan(
        measure=copy,
        to_develop=plan.to_develop,
        target_group=plan.target_group,
        training_plan=plan.training_plan,
        information_plan=plan.information_plan,
        evaluation_plan=plan.evaluation_plan,
    )
    new_plan._history_user = user  # type: ignore[attr-defined]
    new_plan._change_reason = reason  # type: ignore[attr-defined]
    new_plan.save()
    # A draft: each activity keeps its month (a dated one the month it started), without
    # dates from the origin's calendar, without the people responsible or contributing.
    _bulk(
        [
            PlannedActivity(
                plan=new_plan,
                what=a.what,
                month=a.month or (a.start_date.month if a.start_date else 1),
                position=a.position,
            )
            for a in plan.activities.order_by("position", "pk")
        ],
        PlannedActivity,
        user,
        reason,
    )
    _bulk(
        [
            RoleResponsibility(plan=new_plan, role=r.role, responsibility=r.responsibility)
            for r in plan.roles.order_by("pk")
        ],
        RoleResponsibility,
        user,
        reason,
    )
    # The budget stays behind: amounts and funding are the origin's own decisions.
