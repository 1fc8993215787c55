"""Where the wheel's occurrences come from (``settings.YEARWHEEL_SOURCES``).

Each source reads its own rows with one query and expands them for the requested period.
Nothing is copied: moving an evaluation cycle, a planned activity or a routine moves its
occurrences. A later app adds a source by appending its dotted path to the setting and a
value to ``Ring.Source``.

What a measure's plan brings (evaluation due dates, planned activities, routines) is shown
only within the measure's life (measures/life.py): an activity given a month comes back in
that month each year from the measure's start to its end, a month the start or end falls in
shown from the start or up to the end. The reminders are planned from these occurrences, so
they follow. Own events and learning meetings linked to a measure are not bound: they may
prepare a measure before it starts.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date, datetime, time, timedelta
from functools import partial
from typing import Any

from dateutil.relativedelta import relativedelta
from dateutil.rrule import rrule
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from measures.life import Life
from measures.models import Measure
from measures.recurrence import TERM, TERM_ENDS, InvalidRule, RuleSteps, Series, series
from organizations.models import Organization
from phases.models import MaintenanceRoutine, PlannedActivity
from yearwheel.expansion import occurrence_dates
from yearwheel.models import Event, Kind, Recurrence, Ring, rule_of
from yearwheel.occurrences import Occurrence, Scope


def measures_in_scope(organization: Organization, scope: Scope) -> QuerySet[Measure]:
    """The organisation's active measures the scope's programme, measure or unit covers.

    A unit covers the measures it is responsible for and those of programmes it takes part in.
    """
    measures = Measure.objects.active().filter(organization=organization)
    if scope.program_id:
        measures = measures.filter(program_id=scope.program_id)
    if scope.measure_id:
        measures = measures.filter(pk=scope.measure_id)
    if scope.unit_id:
        measures = measures.filter(
            Q(responsible_unit_id=scope.unit_id) | Q(program__units=scope.unit_id)
        ).distinct()
    return measures


def _series_dates(
    rhythm: str, first_due: date, rule: str, start: date, end: date, life: Life
) -> Iterator[date]:
    """The dates of a rhythm (measures/recurrence.py) from ``start`` to ``end`` within the
    measure's life; raises :class:`InvalidRule` for a bad custom rule."""
    if rhythm == TERM:
        # The school terms' ends, stepped directly: what the rhythm's dateutil rule gives,
        # without running the rule from the first due date for each measure.
        window = life.clip(max(start, first_due), end)
        if window is None:
            return
        for year in range(window[0].year, window[1].year + 1):
            for month, day in TERM_ENDS:
                if window[0] <= (found := date(year, month, day)) <= window[1]:
                    yield found
        return
    yield from _dates(series(rhythm=rhythm, first_due=first_due, rule=rule), start, end, life)


def _dates(dates: Series, start: date, end: date, life: Life) -> Iterator[date]:
    """The series' dates from ``start`` to ``end`` that lie within the measure's life."""
    window = life.clip(start, end)
    if window is None:
        return
    if isinstance(dates, RuleSteps):
        # One pass of the rule over the window: each after() would run it again from its
        # first date (a term rhythm's 20 June and 20 December, from years back).
        moments = dates.rule.between(
            datetime.combine(window[0], time.min), datetime.combine(window[1], time.min), inc=True
        )
        yield from (moment.date() for moment in moments)
        return
    day = dates.after(window[0], inclusive=True)
    while day is not None and day <= window[1]:
        yield day
        day = dates.after(day)


class EventSource:
    """The organisation's own events, recurring ones expanded by their iCalendar rule."""

    key = Ring.Source.OWN
    # Only what an occurrence shows, read as plain values: at a large municipality's 3,000
    # events, building model instances (and related ones) cost more than the rest of the
    # gathering.
    FIELDS = (
        "pk",
        "kind",
        "title",
        "description",
        "start_date",
        "end_date",
        "start_time",
        "end_time",
        "place",
        "ring_id",
        "recurrence",
        "rrule",
        "repeat_until",
        "exceptions",
        "measure_id",
        "measure__name",
        "measure__program__name",
        "program__name",
        "responsible_id",
        "responsible__full_name",
        "responsible__email",
    )

    def queryset(
        self, organization: Organization, start: date, end: date, scope: Scope
    ) -> QuerySet[Event]:
        events = (
            Event.objects.active()
            .filter(organization=organization, ring__is_archived=False)
            .touching(start, end)
        )
        if scope.narrows_subject:
            measures = measures_in_scope(organization, scope).values("pk")
            subject = Q(measure__in=measures)
            if not scope.measure_id:
                programs = Q(program_id=scope.program_id) if scope.program_id else Q()
                if scope.unit_id:
                    programs &= Q(program__units=scope.unit_id)
                subject |= Q(measure__isnull=True) & programs & Q(program__isnull=False)
            events = events.filter(subject).distinct()
        return events

    def occurrences(
        self, organization: Organization, start: date, end: date, scope: Scope
    ) -> Iterable[Occurrence]:
        # reverse() once: it costs more than everything else an occurrence needs.
        pattern = reverse("event_detail", kwargs={"org_slug": organization.slug, "pk": 1})
        prefix = pattern.removesuffix("1/")
        for row in self.queryset(organization, start, end, scope).values(*self.FIELDS):
            pk, first = row["pk"], row["start_date"]
            length = timedelta(days=((row["end_date"] or first) - first).days)
            recurring = row["recurrence"] != Recurrence.NONE
            if recurring:
                days = occurrence_dates(
                    first=first,
                    duration_days=length.days,
                    recurrence=row["recurrence"],
                    until=row["repeat_until"],
                    exceptions=row["exceptions"],
                    start=start,
                    end=end,
                    rule=partial(_custom_rule, row),
                )
            else:
                days = [first] if first <= end and first + length >= start else []
            if not days:
                continue
            url = f"{prefix}{pk}/"
            title = row["title"]
            responsible = row["responsible__full_name"] or row["responsible__email"] or ""
            program = row["program__name"] or row["measure__program__name"] or ""
            # The agenda says the series' rule in words (yearwheel/templatetags/wheel_rules.py).
            rule = (
                {
                    "rule": rule_of(row["recurrence"], row["rrule"], row["repeat_until"]),
                    "rule_start": first.isoformat(),
                }
                if recurring
                else {}
            )
            for day in days:
                yield Occurrence(
                    key=f"event-{pk}-{day.isoformat()}",
                    source=self.key,
                    kind=row["kind"],
                    title=title,
                    start=day,
                    end=day + length,
                    url=url,
                    ring_id=row["ring_id"],
                    start_time=row["start_time"],
                    end_time=row["end_time"],
                    place=row["place"],
                    description=row["description"],
                    responsible=responsible,
                    responsible_id=row["responsible_id"],
                    measure_id=row["measure_id"],
                    measure_name=row["measure__name"] or "",
                    program_name=program,
                    event_id=pk,
                    recurring=recurring,
                    extra=rule,
                )


def _custom_rule(row: dict[str, Any]) -> rrule:
    """The dateutil rule of an event with a custom rhythm, made as the model makes it."""
    event = Event(
        start_date=row["start_date"],
        recurrence=row["recurrence"],
        rrule=row["rrule"],
        repeat_until=row["repeat_until"],
    )
    return event.rule()


class EvaluationSource:
    """The due dates of each measure's evaluation cycle (measures/recurrence.py)."""

    key = Ring.Source.EVALUATIONS
    FIELDS = (
        "pk",
        "name",
        "start_date",
        "end_date",
        "program__name",
        "team_lead_id",
        "team_lead__full_name",
        "team_lead__email",
        "evaluation_cycle__rhythm",
        "evaluation_cycle__first_due",
        "evaluation_cycle__rrule",
    )

    def occurrences(
        self, organization: Organization, start: date, end: date, scope: Scope
    ) -> Iterable[Occurrence]:
        # Plain values and one reversed URL: 500 measures' instances (with their cycle,
        # programme, team lead and organisation) and a reverse() each cost more than their
        # due dates.
        measures = measures_in_scope(organization, scope).filter(evaluation_cycle__isnull=False)
        prefix = reverse("measure_detail", args=[organization.slug, 1]).removesuffix("1/")
        for row in measures.values(*self.FIELDS):
            try:
                days = list(
                    _series_dates(
                        row["evaluation_cycle__rhythm"],
                        row["evaluation_cycle__first_due"],
                        row["evaluation_cycle__rrule"],
                        start,
                        end,
                        Life(row["start_date"], row["end_date"]),
                    )
                )
            except InvalidRule:  # stored rules are checked on save; never break the wheel
                continue
            if not days:
                continue
            pk, name = row["pk"], row["name"]
            url = f"{prefix}{pk}/#evaluations"
            title = _("Evaluation due: %(measure)s") % {"measure": name}
            responsible = row["team_lead__full_name"] or row["team_lead__email"] or ""
            for day in days:
                yield Occurrence(
                    key=f"evaluation-{pk}-{day.isoformat()}",
                    source=self.key,
                    kind=Kind.CHECKPOINT,
                    title=title,
                    start=day,
                    end=day,
                    url=url,
                    responsible=responsible,
                    responsible_id=row["team_lead_id"],
                    measure_id=pk,
                    measure_name=name,
                    program_name=row["program__name"],
                    recurring=True,
                )


class PlannedActivitySource:
    """The activities of phase II implementation plans: on their dates, or in their month
    every year when the plan gives a month rather than dates."""

    key = Ring.Source.ACTIVITIES

    def occurrences(
        self, organization: Organization, start: date, end: date, scope: Scope
    ) -> Iterable[Occurrence]:
        activities = (
            PlannedActivity.objects.filter(plan__measure__in=measures_in_scope(organization, scope))
            .filter(
                Q(month__isnull=False)
                | Q(start_date__lte=end, end_date__gte=start)
                | Q(start_date__gte=start, start_date__lte=end)
            )
            .select_related("plan__measure__program", "responsible")
        )
        for activity in activities:
            measure = activity.plan.measure
            url = reverse(
                "implementation_plan",
                kwargs={"org_slug": organization.slug, "measure_pk": measure.pk},
            )
            for first, last in self._spans(activity, start, end, Life.of(measure)):
                yield Occurrence(
                    key=f"activity-{activity.pk}-{first.isoformat()}",
                    source=self.key,
                    kind=Kind.ACTIVITY,
                    title=activity.what,
                    start=first,
                    end=last,
                    url=url,
                    responsible=str(activity.responsible) if activity.responsible else "",
                    responsible_id=activity.responsible_id,
                    description=activity.contributors,
                    measure_id=measure.pk,
                    measure_name=measure.name,
                    program_name=measure.program.name,
                    recurring=activity.month is not None,
                )

    @staticmethod
    def _spans(
        activity: PlannedActivity, start: date, end: date, life: Life
    ) -> Iterator[tuple[date, date]]:
        if activity.month is None:
            assert activity.start_date is not None  # noqa: S101 - a database constraint
            spans = [(activity.start_date, activity.end_date or activity.start_date)]
        else:
            spans = []
            for year in range(start.year, end.year + 1):
                first = date(year, activity.month, 1)
                spans.append((first, first + relativedelta(months=1, days=-1)))
        for first, last in spans:
            within = life.clip(first, last)
            if within is not None and within[0] <= end and within[1] >= start:
                yield within


class MaintenanceRoutineSource:
    """Phase IV routines that keep a measure alive, on their rhythm."""

    key = Ring.Source.ROUTINES

    def occurrences(
        self, organization: Organization, start: date, end: date, scope: Scope
    ) -> Iterable[Occurrence]:
        routines = MaintenanceRoutine.objects.filter(
            measure__in=measures_in_scope(organization, scope), first_date__lte=end
        ).select_related("measure__program", "owner")
        for routine in routines:
            measure = routine.measure
            try:
                days = list(
                    _series_dates(
                        routine.recurrence,
                        routine.first_date,
                        routine.rrule,
                        start,
                        end,
                        Life.of(measure),
                    )
                )
            except InvalidRule:  # stored rules are checked on save; never break the wheel
                continue
            url = reverse(
                "continuation", kwargs={"org_slug": organization.slug, "measure_pk": measure.pk}
            )
            title = routine.wheel_title()
            for day in days:
                yield Occurrence(
                    key=f"routine-{routine.pk}-{day.isoformat()}",
                    source=self.key,
                    kind=Kind.ACTIVITY,
                    title=title,
                    start=day,
                    end=day,
                    url=url,
                    description=routine.description,
                    responsible=str(routine.owner) if routine.owner else "",
                    responsible_id=routine.owner_id,
                    measure_id=measure.pk,
                    measure_name=measure.name,
                    program_name=measure.program.name,
                    recurring=True,
                )


events = EventSource()
evaluations = EvaluationSource()
planned_activities = PlannedActivitySource()
maintenance_routines = MaintenanceRoutineSource()
