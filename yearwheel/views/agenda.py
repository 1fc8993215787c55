"""The agenda: the wheel's year as text, month by month. It shows what the wheel draws (the
same occurrences, narrowed by the same filter), so people who do not use the drawing, or use a
screen reader, miss nothing. A fixed number of queries, however many events there are."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.views.generic import TemplateView

from yearwheel.models import Kind, Ring
from yearwheel.occurrences import Occurrence
from yearwheel.views.base import Placed, WheelViewMixin


@dataclass(frozen=True)
class Row:
    occurrence: Occurrence
    ring: Ring
    kind: str  # the kind's label


@dataclass
class Month:
    first: date
    rows: list[Row] = field(default_factory=list)


def months_of(first_days: list[date], items: list[Placed]) -> list[Month]:
    """The items grouped by the month they start in; one that began before the first month
    (a multi-day event still going on) is shown in the first month."""
    kinds = dict(Kind.choices)
    months = [Month(first) for first in first_days]
    by_month = {(month.first.year, month.first.month): month for month in months}
    for placed in items:
        occurrence = placed.occurrence
        start = max(occurrence.start, first_days[0])
        month = by_month.get((start.year, start.month))
        if month is not None:
            kind = str(kinds.get(occurrence.kind, occurrence.kind))
            month.rows.append(Row(occurrence, placed.ring, kind))
    return months


class AgendaView(WheelViewMixin, TemplateView):
    template_name = "yearwheel/agenda.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        content = self.content()
        query = self.request.GET.urlencode()
        context.update(
            content=content,
            filter_form=content.filter_form,
            months=months_of(self.wheel.months(), content.items),
            count=len(content.items),
            query=f"?{query}" if query else "",
            filtered=bool(query),
            can_add_event=self.request.user.has_perm("yearwheel.add_event", self.organization),
            can_manage=self.request.user.has_perm("yearwheel.manage_wheel", self.organization),
        )
        return context
