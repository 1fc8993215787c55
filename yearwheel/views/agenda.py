"""The agenda: the wheel's year as text, one month a page. It shows what the wheel draws (the
same occurrences, narrowed by the same filter), so people who do not use the drawing, or use a
screen reader, miss nothing: every month is one link away, and a series (a weekly meeting) is
one row listing its dates in the month. A fixed number of queries, however many events there
are.

One month a page because a large municipality's year (13,000 occurrences) is some 8 MB of
table: too much to render on every view and to read. ``?zoom=m3`` names the month as on the
wheel (the third of the planning year), so "Show as wheel" shows the same month.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from html import escape
from typing import Any
from urllib.parse import urlencode

from dateutil.relativedelta import relativedelta
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from organizations.content_language import lang_attribute
from yearwheel.filters import cached_filter_fields
from yearwheel.models import Kind, Ring
from yearwheel.occurrences import Occurrence
from yearwheel.templatetags.wheel_rules import rule_text
from yearwheel.views.base import Placed, WheelViewMixin
from yearwheel.zoom import parse_zoom


@dataclass(frozen=True)
class Row:
    occurrence: Occurrence  # the first of the row's occurrences
    ring: Ring
    kind: str  # the kind's label
    # Every occurrence of the row: one, or each date of a series in the month.
    occurrences: tuple[Occurrence, ...] = ()

    @property
    def is_series(self) -> bool:
        return len(self.occurrences) > 1


@dataclass
class Month:
    first: date
    rows: list[Row] = field(default_factory=list)

    @property
    def count(self) -> int:
        """The occurrences in the month (a series counts each date)."""
        return sum(len(row.occurrences) for row in self.rows)


@dataclass(frozen=True)
class MonthLink:
    first: date
    url: str
    current: bool


_DATE_SUFFIX = re.compile(r"-\d{4}-\d{2}-\d{2}$")


def series_key(occurrence: Occurrence) -> str:
    """What the occurrences of one series share: the key without its date
    ("event-12-2026-10-15" gives "event-12")."""
    return _DATE_SUFFIX.sub("", occurrence.key)


def month_of(first: date, items: list[Placed], *, include_earlier: bool) -> Month:
    """The items that start in the month of ``first``, a recurring source's dates grouped in
    one row (at its first date). ``include_earlier`` also takes those that began before (a
    multi-day event still going on in the wheel's first month)."""
    kinds = dict(Kind.choices)
    last = first + relativedelta(months=1, days=-1)
    grouped: dict[str, list[Placed]] = {}
    for placed in items:
        occurrence = placed.occurrence
        if occurrence.start > last or (occurrence.start < first and not include_earlier):
            continue
        # Only what recurs is grouped; each single event is its own row.
        key = series_key(occurrence) if occurrence.recurring else occurrence.key
        grouped.setdefault(key, []).append(placed)
    month = Month(first)
    for group in grouped.values():  # in the order of their first dates
        occurrence, ring = group[0].occurrence, group[0].ring
        kind = str(kinds.get(occurrence.kind, occurrence.kind))
        month.rows.append(Row(occurrence, ring, kind, tuple(p.occurrence for p in group)))
    return month


def shown_month(months: list[date], zoom: str | None, today: date) -> int:
    """The index of the month to show: the one named, else today's when the wheel holds it,
    else the first."""
    chosen = parse_zoom(zoom)
    if chosen.kind == "month":
        return chosen.index
    if chosen.kind == "quarter":
        return 3 * chosen.index
    this_month = today.replace(day=1)
    return months.index(this_month) if this_month in months else 0


class RowWriter:
    """The table rows of a month as markup, written in Python: a large municipality's month
    is some 700 rows, and rendering each row's dozen variables through the template engine
    took a second. Every text is escaped; dates, kinds and swatches are written once.

    ``lang`` is `` lang="nb"`` when the organisation writes in another language than the
    page's (organizations/content_language.py): it marks the cells of its words."""

    def __init__(self, lang: str = "") -> None:
        self.dates: dict[date, str] = {}
        self.recurring = escape(_("recurring"))
        self.lang = lang

    def day(self, day: date) -> str:
        found = self.dates.get(day)
        if found is None:
            found = self.dates[day] = date_format(day, "SHORT_DATE_FORMAT")
        return found

    @staticmethod
    def swatch(ring: Ring) -> str:
        # The ring's swatch is drawn once in the page (templates/yearwheel/agenda.html) and
        # used by reference: 1,300 copies of the circle were a quarter of a month's bytes.
        return (
            '<svg class="ring-swatch" width="14" height="14" aria-hidden="true" '
            f'focusable="false"><use href="#ring-swatch-{ring.pk}"/></svg>'
        )

    def when(self, row: Row) -> str:
        occurrence = row.occurrence
        if row.is_series:
            return ", ".join(self.day(one.start) for one in row.occurrences)
        if occurrence.is_range:
            text = f"{self.day(occurrence.start)}–{self.day(occurrence.end)}"
        else:
            text = self.day(occurrence.start)
        return f'<span class="text-nowrap">{text}</span>'

    @staticmethod
    def time(occurrence: Occurrence) -> str:
        if occurrence.start_time is None:
            return "–"
        text = f"{occurrence.start_time:%H:%M}"
        return f"{text}–{occurrence.end_time:%H:%M}" if occurrence.end_time else text

    @staticmethod
    def subject(occurrence: Occurrence) -> str:
        if occurrence.measure_name:
            text = escape(occurrence.measure_name)
            if occurrence.program_name:
                text += f'<div class="small text-muted">{escape(occurrence.program_name)}</div>'
            return text
        return escape(occurrence.program_name) if occurrence.program_name else "–"

    def row(self, row: Row) -> str:
        occurrence = row.occurrence
        badge = ""
        if occurrence.recurring:
            # The series' rule in words ("hver andre tirsdag"); derived series have no rule.
            said = escape(rule_text(occurrence)) or self.recurring
            badge = f' <span class="badge text-bg-light border text-wrap text-start">{said}</span>'
        la = self.lang
        return (
            f"<tr><td>{self.when(row)}</td>"
            f'<td class="text-nowrap">{self.time(occurrence)}</td>'
            f'<td><a href="{escape(occurrence.url)}"{la}>{escape(occurrence.title)}</a>{badge}</td>'
            f"<td>{escape(row.kind)}</td>"
            f"<td{la}>{self.swatch(row.ring)} {escape(row.ring.name)}</td>"
            f"<td{la}>{self.subject(occurrence)}</td>"
            f"<td>{escape(occurrence.responsible) or '–'}</td>"  # a person's name
            f"<td{la}>{escape(occurrence.place) or '–'}</td></tr>"
        )

    def rows(self, rows: list[Row]) -> SafeString:
        return mark_safe("\n".join(self.row(row) for row in rows))  # noqa: S308 - escaped above


class AgendaView(WheelViewMixin, TemplateView):
    template_name = "yearwheel/agenda.html"

    def query(self, zoom: str = "") -> str:
        """The query string ("?…" or "") of the filter in hand, with ``zoom`` if given."""
        pairs = self.filter_pairs() + ([("zoom", zoom)] if zoom else [])
        return f"?{urlencode(pairs)}" if pairs else ""

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        months = self.wheel.months()
        index = shown_month(months, self.request.GET.get("zoom"), timezone.localdate())
        first = months[index]
        last = first + relativedelta(months=1, days=-1)
        # Only the month is gathered; the wheel's first month also shows what began before.
        content = self.content(first, last)
        month = month_of(first, content.items, include_earlier=index == 0)
        here = reverse(
            "wheel_agenda", kwargs={"org_slug": self.organization.slug, "year": self.wheel.year}
        )
        links = [
            MonthLink(day, here + self.query(f"m{n + 1}"), n == index)
            for n, day in enumerate(months)
        ]
        filters = self.query()
        context.update(
            content=content,
            filter_form=content.filter_form,
            filter_fields=cached_filter_fields(
                self.organization, content.filter_form, self.filter_pairs()
            ),
            month=month,
            rows=RowWriter(lang_attribute(self.organization)).rows(month.rows),
            swatch_rings=list({row.ring.pk: row.ring for row in month.rows}.values()),
            month_links=links,
            previous=links[index - 1] if index > 0 else None,
            next=links[index + 1] if index + 1 < len(links) else None,
            count=month.count,
            query=filters,
            month_query=self.query(f"m{index + 1}"),
            zoom=f"m{index + 1}",
            filtered=bool(filters),
            can_add_event=self.request.user.has_perm("yearwheel.add_event", self.organization),
            can_manage=self.request.user.has_perm("yearwheel.manage_wheel", self.organization),
        )
        return context
