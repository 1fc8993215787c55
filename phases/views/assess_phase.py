"""Assessing all of one phase's success factors of a measure on one page.

One form per active factor of the phase (``FactorAssessmentForm``, the single-factor page's,
prefixed ``factor-<pk>``), posted together: every form is validated first, and only when all
are valid are the changed ones saved, in one transaction, through the same save path as the
single-factor page (``factor_assessment_save``), so each changed factor gets its history row
on the audit trail as it would there. An unchanged factor is not saved again: its assessment
keeps who assessed it and when.

A fixed number of queries, however many factors the phase has.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.generic import TemplateView

from measures.models import Phase
from measures.views.base import MeasureViewMixin
from organizations.views.base import user_of
from phases.forms.gates import FactorAssessmentForm
from phases.models import FactorAssessment
from phases.services import GateFactor, factor_assessment_save, phase_factors

WORK = "phases.work_on_phase"


@dataclass
class FactorRow:
    """One factor of the page: as saved (for the state shown) and its form."""

    item: GateFactor
    form: FactorAssessmentForm


class PhaseAssessView(MeasureViewMixin, TemplateView):
    """Every active factor of one phase, each with its state and evidence, saved together."""

    permission_required = WORK
    template_name = "phases/gates/assess_phase.html"
    http_method_names = ["get", "post"]

    def load_objects(self) -> None:
        super().load_objects()
        phase = self.kwargs["phase"]
        if phase not in Phase.values:
            raise Http404
        self.phase = phase
        # Factors without a wording cannot be assessed (the single page gives 404 for them).
        self.items = [
            item
            for item in phase_factors(self.measure, phase)
            if item.factor.current_version is not None
        ]

    def rows(self, data: Any = None, files: Any = None) -> list[FactorRow]:
        slug, measure_pk = self.organization.slug, self.measure.pk
        rows = []
        for item in self.items:
            factor = item.factor
            # A form of its own instance: validating a bound form changes it, and the page
            # shows the state as saved next to it.
            instance = (
                copy.deepcopy(item.assessment)
                if item.assessment is not None
                else FactorAssessment(measure=self.measure, factor=factor)
            )
            form = FactorAssessmentForm(
                data,
                files,
                instance=instance,
                prefix=f"factor-{factor.pk}",
                download_url=reverse("factor_evidence", args=[slug, measure_pk, factor.pk]),
            )
            rows.append(FactorRow(item, form))
        return rows

    def gate_url(self) -> str:
        return reverse("phase_gate", args=[self.organization.slug, self.measure.pk])

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        rows = context.get("rows") or self.rows()
        context.update(
            rows=rows,
            phase_label=str(Phase(self.phase).label),
            invalid=[row for row in rows if row.form.errors],
            multipart=any(row.form.is_multipart() for row in rows),
            cancel_url=f"{self.gate_url()}#gate-factors",
        )
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        rows = self.rows(request.POST, request.FILES)
        # Every form is validated (so every error shows at once) before anything is saved.
        valid = [row.form.is_valid() for row in rows]
        if not all(valid):
            return self.render_to_response(self.get_context_data(rows=rows))
        changed = [row for row in rows if row.form.has_changed()]
        user = user_of(request)
        stored: list[Any] = []  # the files stored by this POST, removed again if it fails
        try:
            with transaction.atomic():
                for row in changed:
                    saved = factor_assessment_save(form=row.form, factor=row.item.factor, user=user)
                    if "evidence_file" in row.form.changed_data and saved.evidence_file:
                        stored.append(saved.evidence_file)
        except IntegrityError:
            # The rows are rolled back; the files stored before the failing one are not.
            for upload in stored:
                upload.storage.delete(upload.name)
            # Someone else assessed one of the factors for the first time a moment ago:
            # nothing of this page is saved.
            messages.error(
                request,
                _(
                    "Someone else assessed one of these factors just now. Nothing was saved: "
                    "look at their assessment first."
                ),
            )
            return redirect(request.get_full_path())
        if changed:
            messages.success(
                request,
                ngettext(
                    "The assessment of %(count)d success factor is saved.",
                    "The assessments of %(count)d success factors are saved.",
                    len(changed),
                )
                % {"count": len(changed)},
            )
        else:
            messages.info(request, _("Nothing was changed, so nothing was saved."))
        return redirect(f"{self.gate_url()}#gate-factors")
