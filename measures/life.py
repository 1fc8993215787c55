"""A measure's life: from its start date to its end date, both optional and both included.

What the team records about a measure's work (pilot laps, planned activities, evaluations,
maintenance routines, the evaluation rhythm) happens within its life: the forms refuse dates
outside it (:func:`refuse_dates_outside`), the annual wheel and the reminders show recurring
items only within it (:meth:`Life.clip`, :meth:`Life.contains`), and the measure's own dates
cannot be moved so that recorded items fall outside (:func:`records_outside`).

A missing start or end sets no bound on that side. Preparation and planning (phases I and II)
often happen before the start date, so learning meetings, events and decisions are not bound.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from django import forms
from django.conf import settings
from django.utils.formats import date_format
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from measures.models import Evaluation, EvaluationCycle, Measure


def short_date(day: date) -> str:
    return str(date_format(day, "SHORT_DATE_FORMAT"))


@dataclass(frozen=True)
class Life:
    start: date | None
    end: date | None

    @classmethod
    def of(cls, measure: Measure) -> Life:
        return cls(measure.start_date, measure.end_date)

    def contains(self, day: date) -> bool:
        return (self.start is None or self.start <= day) and (self.end is None or day <= self.end)

    def clip(self, first: date, last: date) -> tuple[date, date] | None:
        """The part of ``first``–``last`` within the life, or None when none of it is."""
        if self.start is not None and self.start > first:
            first = self.start
        if self.end is not None and self.end < last:
            last = self.end
        return (first, last) if first <= last else None

    def refusal(self) -> str:
        """Why a date outside the life is refused, naming the measure's dates."""
        if self.start and self.end:
            return _(
                "The measure runs from %(start)s to %(end)s: choose a date within that time."
            ) % {"start": short_date(self.start), "end": short_date(self.end)}
        if self.start:
            return _("The measure starts %(start)s: choose a date from then on.") % {
                "start": short_date(self.start)
            }
        assert self.end is not None  # noqa: S101 - only called for a date outside
        return _("The measure ends %(end)s: choose a date up to then.") % {
            "end": short_date(self.end)
        }


def refuse_dates_outside(form: forms.BaseForm, measure: Measure, *names: str) -> None:
    """Adds the life's refusal to each named date field whose cleaned date lies outside it
    (fields already refused, or left empty, are passed over)."""
    life = Life.of(measure)
    for name in names:
        day = form.cleaned_data.get(name)
        if isinstance(day, date) and not life.contains(day) and name not in form.errors:
            form.add_error(name, life.refusal())


# --- moving the measure's dates --------------------------------------------------------------


@dataclass(frozen=True)
class DatedRecord:
    """Something recorded on a measure that happened (or happens) from ``first`` to ``last``;
    ``label`` names it for a person ("lap 2 (01.03.2027–30.04.2027)")."""

    label: str
    first: date
    last: date


DatedRecords = Callable[[Measure], Iterable[DatedRecord]]


def dated_records(measure: Measure) -> list[DatedRecord]:
    """Every dated record on the measure, from the functions in
    ``settings.MEASURE_DATED_RECORDS`` (each app lists its own, with one query each)."""
    found: list[DatedRecord] = []
    for path in settings.MEASURE_DATED_RECORDS:
        reader: DatedRecords = import_string(path)
        found.extend(reader(measure))
    return sorted(found, key=lambda record: (record.first, record.last, record.label))


@dataclass(frozen=True)
class Outside:
    before: list[DatedRecord]
    after: list[DatedRecord]


def records_outside(measure: Measure, life: Life) -> Outside:
    """The measure's dated records that would begin before ``life`` starts or end after it
    ends."""
    records = dated_records(measure)
    return Outside(
        before=[r for r in records if life.start is not None and r.first < life.start],
        after=[r for r in records if life.end is not None and r.last > life.end],
    )


NAMED_AT_MOST = 10


def named_records(records: list[DatedRecord]) -> str:
    """The records' labels for a message: the first ten, then how many more."""
    names = "; ".join(record.label for record in records[:NAMED_AT_MOST])
    rest = len(records) - NAMED_AT_MOST
    if rest > 0:
        names += " " + ngettext("and %(count)s more", "and %(count)s more", rest) % {"count": rest}
    return names


def evaluation_records(measure: Measure) -> Iterable[DatedRecord]:
    """The measure's evaluations and its rhythm's first due date: two queries."""
    for evaluation in Evaluation.objects.filter(measure=measure).order_by("period_start", "pk"):
        yield DatedRecord(
            _("the evaluation of %(period)s")
            % {"period": span_label(evaluation.period_start, evaluation.period_end)},
            evaluation.period_start,
            evaluation.period_end,
        )
    cycle = EvaluationCycle.objects.filter(measure=measure).first()
    if cycle is not None:
        yield DatedRecord(
            _("the evaluation rhythm's first due date (%(date)s)")
            % {"date": short_date(cycle.first_due)},
            cycle.first_due,
            cycle.first_due,
        )


def span_label(first: date, last: date) -> str:
    if first == last:
        return short_date(first)
    return f"{short_date(first)}–{short_date(last)}"
