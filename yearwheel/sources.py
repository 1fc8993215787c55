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
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from measures.life import Life
from measures.models import Measure
from measures.recurrence import InvalidRule, Series, series
from organizations.models import Organization
from phases.models import MaintenanceRoutine, PlannedActivity
from yearwheel.models import Event, Kind, Ring
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


def _dates(dates: Series, start: date, end: date, life: Life) -> Iterator[date]:
    """The series' dates from ``start`` to ``end`` that lie within the measure's life."""
    window = life.clip(start, end)
    if window is None:
        return
    day = dates.after(window[0], inclusive=True)
    while day is not None and day <= window[1]:
        yield day
        day = dates.after(day)


class EventSource:
    """The organisation's own events, recurring ones expanded by their iCalendar rule."""

    key = Ring.Source.OWN
    FIELDS = (
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
            .select_related("measure", "program", "measure__program", "responsible")
            # Only what an occurrence shows: a thousand events with every column of five
            # tables cost more in conversions than the rest of the wheel page.
            .only(*self.FIELDS)
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
        for event in self.queryset(organization, start, end, scope):
            url = f"{prefix}{event.pk}/"
            length = timedelta(days=event.duration_days)
            program = event.program or (event.measure.program if event.measure else None)
            rule = {"rule": event.rule_text(), "rule_start": f"{event.start_date}"}
            for day in event.occurrences(start, end):
                yield Occurrence(
                    key=f"event-{event.pk}-{day.isoformat()}",
                    source=self.key,
                    kind=event.kind,
                    title=event.title,
                    start=day,
                    end=day + length,
                    url=url,
                    ring_id=event.ring_id,
                    start_time=event.start_time,
                    end_time=event.end_time,
                    place=event.place,
                    description=event.description,
                    responsible=str(event.responsible) if event.responsible else "",
                    responsible_id=event.responsible_id,
                    measure_id=event.measure_id,
                    measure_name=event.measure.name if event.measure else "",
                    program_name=program.name if program else "",
                    event_id=event.pk,
                    recurring=event.is_recurring,
                    extra=rule if event.is_recurring else {},  # the agenda says the rule in words
                )


class EvaluationSource:
    """The due dates of each measure's evaluation cycle (measures/recurrence.py)."""

    key = Ring.Source.EVALUATIONS

    def occurrences(
        self, organization: Organization, start: date, end: date, scope: Scope
    ) -> Iterable[Occurrence]:
        measures = (
            measures_in_scope(organization, scope)
            .filter(evaluation_cycle__isnull=False)
            .select_related("evaluation_cycle", "program", "team_lead", "organization")
        )
        for measure in measures:
            cycle = measure.evaluation_cycle
            try:
                dates = series(rhythm=cycle.rhythm, first_due=cycle.first_due, rule=cycle.rrule)
            except InvalidRule:  # stored rules are checked on save; never break the wheel
                continue
            url = measure.get_absolute_url() + "#evaluations"
            for day in _dates(dates, start, end, Life.of(measure)):
                yield Occurrence(
                    key=f"evaluation-{measure.pk}-{day.isoformat()}",
                    source=self.key,
                    kind=Kind.CHECKPOINT,
                    title=_("Evaluation due: %(measure)s") % {"measure": measure.name},
                    start=day,
                    end=day,
                    url=url,
                    responsible=str(measure.team_lead) if measure.team_lead else "",
                    responsible_id=measure.team_lead_id,
                    measure_id=measure.pk,
                    measure_name=measure.name,
                    program_name=measure.program.name,
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
                dates = series(
                    rhythm=routine.recurrence, first_due=routine.first_date, rule=routine.rrule
                )
            except InvalidRule:  # stored rules are checked on save; never break the wheel
                continue
            url = reverse(
                "continuation", kwargs={"org_slug": organization.slug, "measure_pk": measure.pk}
            )
            title = routine.wheel_title()
            for day in _dates(dates, start, end, Life.of(measure)):
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
