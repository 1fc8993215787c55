"""The status dashboard: every measure's phase, status, goal attainment and next steps, live,
for readers outside the teams (politicians, top management); and the coordinator's summary.

Worded in the reader's language (the organisation's written standard is for reports only).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from measures.attainment import Trend, mean_percent
from measures.models import Measure
from organizations.views.base import OrganizationViewMixin, query_without_page, user_of
from reports.content import MeasureContent, totals
from reports.content_schema import Checkpoint
from reports.dashboard_cache import dashboard_measures
from reports.forms_dashboard import (
    SORTS,
    DashboardFilterForm,
    MeasureSummaryForm,
    dashboard_query,
)
from reports.models import MeasureSummary


class DashboardView(OrganizationViewMixin, TemplateView):
    """A fixed number of queries whatever the number of measures (reports/content.py), plus
    the filter form's choices; the content comes from the cache while the organisation's
    data version, the day and the language stay the same (reports/dashboard_cache.py)."""

    permission_required = "reports.view_dashboard"
    template_name = "reports/dashboard.html"
    paginate_by = 50

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        bound = bool(self.request.GET)
        # The default view is the compact table, worst first: which measures are red is
        # what a reader asks first. The cards keep the programme order they always had.
        view = CARDS if self.request.GET.get("view") == CARDS else TABLE
        default_sort = "program" if view == CARDS else "status"
        data = None
        if bound:
            # The sort field shows the order the list is in, also when only a filter was sent.
            data = self.request.GET.copy()
            data.setdefault("sort", default_sort)
        form = DashboardFilterForm(
            data, initial={"sort": default_sort}, organization=self.organization
        )
        filters = form.filters() if bound else {}
        today = timezone.localdate()
        measures = dashboard_measures(
            self.organization,
            program=filters.get("program"),
            unit=filters.get("unit"),
            service=filters.get("service"),
            today=today,
        )
        # Phase and status narrow the list after the fact: cheaper than another round of
        # queries, and the content is already in hand.
        if "phase" in filters:
            measures = [m for m in measures if m["phase"] == filters["phase"]]
        if "status" in filters:
            measures = [m for m in measures if m["status"] == filters["status"]]
        sort = filters.get("sort") or default_sort
        measures.sort(key=SORTS[sort])
        # The totals and charts count every measure; the cards come a page at a time, so a
        # county with hundreds of measures gets a page a browser (and a reader) can take.
        page = Paginator(measures, self.paginate_by).get_page(self.request.GET.get("page"))
        context.update(
            form=form,
            view=view,
            sort=sort,
            rows=overview_rows(list(page.object_list)) if view == TABLE else [],
            # The same measures, filters, sorting and page in the other view.
            cards_query=_with(self.request, view=CARDS, sort=sort),
            table_query=_with(self.request, view=None),
            measures=page.object_list,
            page_obj=page,
            query_without_page=query_without_page(self.request),
            # Writing a summary comes back to the same filters, sorting and page.
            summary_back=self.request.GET.urlencode(),
            totals=totals(measures),
            today=today,
            program=filters.get("program"),
            filtered=bool(set(filters) - {"sort"}),
            can_write_summary=self.request.user.has_perm(
                "reports.write_summary", self.organization
            ),
        )
        return context


TABLE, CARDS = "table", "cards"


@dataclass
class OverviewRow:
    """One line of the compact overview, every figure from the function that makes it for
    the cards, the reports and the exports."""

    measure: MeasureContent
    attainment: int | None  # measures.attainment.mean_percent
    trends: list[tuple[str, int]]  # (trend, how many indicators), improving first
    next_checkpoint: Checkpoint | None  # the first of the wheel's next checkpoints


TREND_ORDER = (Trend.IMPROVING, Trend.FLAT, Trend.WORSENING)


def overview_rows(measures: Iterable[MeasureContent]) -> list[OverviewRow]:
    rows = []
    for measure in measures:
        indicators = measure["indicators"]
        counts = Counter(indicator["trend"] for indicator in indicators)
        checkpoints = measure["next_checkpoints"]
        rows.append(
            OverviewRow(
                measure=measure,
                attainment=mean_percent(i["attainment_percent"] for i in indicators),
                trends=[(str(t), counts[t]) for t in TREND_ORDER if counts[t]],
                next_checkpoint=checkpoints[0] if checkpoints else None,
            )
        )
    return rows


def _with(request: HttpRequest, **changes: str | None) -> str:
    """The request's query string with ``changes`` (None removes a key). The page stays:
    with the same sorting, the same page holds the same measures in either view."""
    query = request.GET.copy()
    for key, value in changes.items():
        if value is None:
            query.pop(key, None)
        else:
            query[key] = value
    return query.urlencode()


class MeasureSummaryView(OrganizationViewMixin, TemplateView):
    """Write, change or (with an empty text) remove a measure's plain-language summary."""

    permission_required = "reports.write_summary"
    template_name = "reports/dashboard_summary.html"
    measure: Measure
    summary: MeasureSummary | None

    def load_objects(self) -> None:
        self.measure = self.get_for_organization(
            Measure.objects.active().select_related("program"), pk=self.kwargs["measure_pk"]
        )
        self.summary = MeasureSummary.objects.filter(measure=self.measure).first()

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["measure"] = self.measure
        context["summary"] = self.summary
        context.setdefault(
            "form",
            MeasureSummaryForm.for_summary(self.summary, back=self.request.GET.get("back", "")),
        )
        context["dashboard_url"] = self.dashboard_url(self.request.GET.get("back", ""))
        return context

    def dashboard_url(self, back: str) -> str:
        """The dashboard with the filters, sorting and page it was left at, at the measure."""
        url = reverse("status_dashboard", kwargs={"org_slug": self.organization.slug})
        query = dashboard_query(back)
        return f"{url}{'?' + query if query else ''}#measure-{self.measure.pk}"

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        form = MeasureSummaryForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        text = form.cleaned_data["text"].strip()
        with transaction.atomic():
            if text:
                MeasureSummary.objects.update_or_create(
                    measure=self.measure,
                    defaults={"text": text, "written_by": user_of(request)},
                )
                messages.success(request, _("The summary of %(name)s is saved.") % self._name())
            elif self.summary is not None:
                self.summary.delete()
                messages.success(request, _("The summary of %(name)s is removed.") % self._name())
        return redirect(self.dashboard_url(form.cleaned_data["back"]))

    def _name(self) -> dict[str, str]:
        return {"name": self.measure.name}
