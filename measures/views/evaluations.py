"""Evaluation cycles and evaluations of a measure, and the export and import of data.

``measure_section`` adds the evaluations to the measure page (two queries).
"""

from __future__ import annotations

import copy
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core import signing
from django.db.models import Max, Prefetch
from django.http import HttpRequest, HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View
from django.views.generic import FormView, TemplateView

from imports.feedback import success_once
from imports.services import import_once, new_token
from measures import recurrence
from measures.exchange.exports import DATASETS, csv_lines, xlsx_bytes
from measures.exchange.imports import (
    MAX_ROWS,
    MAX_UPLOAD_BYTES,
    ImportFileError,
    ImportResult,
    read_measurements,
    rows_from_payload,
)
from measures.forms.evaluations import (
    EvaluationCorrectionForm,
    EvaluationCycleForm,
    EvaluationForm,
    MeasurementImportConfirmForm,
    MeasurementImportForm,
)
from measures.models import Evaluation, EvaluationCorrection, EvaluationCycle, Measure
from measures.sections import Section
from measures.services import (
    ImportRejected,
    evaluation_correct,
    evaluation_cycle_set,
    evaluation_record,
    evaluations_with_corrections,
    indicator_snapshot,
    measurements_import,
    snapshot_percent,
)
from measures.views.base import MeasureViewMixin
from organizations.formtools import correction_reason
from organizations.records import CorrectionRefused, shown_event_versions
from organizations.views.base import OrganizationViewMixin, user_of

UPCOMING_COUNT = 3
PREVIEW_ROWS_SHOWN = 100
# The preview's rows travel signed in the confirmation form; after this they must be uploaded
# again (an hour is long enough to look them over, short enough to stay close to the file).
PREVIEW_MAX_AGE = 60 * 60
# Kept below Django's DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB), which the confirmation must pass.
MAX_PAYLOAD_CHARACTERS = 2_000_000


def _upcoming(cycle: EvaluationCycle | None, measure: Measure) -> list[date]:
    """The coming due dates from the next one, up to the measure's end."""
    start = measure.next_evaluation_due
    if cycle is None or start is None:
        return []
    return recurrence.upcoming(
        rhythm=cycle.rhythm,
        first_due=cycle.first_due,
        rule=cycle.rrule,
        start=start,
        count=UPCOMING_COUNT,
        last=measure.end_date,
    )


def measure_section(request: HttpRequest, measure: Measure) -> Section | None:
    cycle = EvaluationCycle.objects.filter(measure=measure).first()
    user = request.user
    return Section(
        "measures/evaluations/section.html",
        {
            "cycle": cycle,
            "upcoming": _upcoming(cycle, measure)[1:],
            "evaluations": evaluations_with_corrections(measure),
            "can_evaluate": user.has_perm("measures.add_evaluation", measure),
            "can_set_cycle": user.has_perm("measures.change_measure", measure),
            "today": timezone.localdate(),
        },
    )


class EvaluationCycleView(MeasureViewMixin, FormView):
    permission_required = "measures.change_measure"
    template_name = "measures/evaluations/cycle_form.html"
    form_class = EvaluationCycleForm

    def load_objects(self) -> None:
        super().load_objects()
        self.cycle = EvaluationCycle.objects.filter(measure=self.measure).first()

    def get_initial(self) -> dict[str, Any]:
        if self.cycle:
            return {}
        today = timezone.localdate()
        start = self.measure.start_date
        return {
            "rhythm": EvaluationCycle.Rhythm.TERM,
            "first_due": start if start and start > today else today,
        }

    def get_form_kwargs(self) -> dict[str, Any]:
        # The form gets its own copy: validating a model form writes what was typed onto its
        # instance, and the page beside it shows the rhythm as saved. (Given the stored cycle,
        # a refused custom rule left "custom" on it and the page broke reading its due dates.)
        return {
            **super().get_form_kwargs(),
            "instance": copy.copy(self.cycle),
            "measure": self.measure,
        }

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["cycle"] = self.cycle
        context["upcoming"] = _upcoming(self.cycle, self.measure)
        return context

    def form_valid(self, form: EvaluationCycleForm) -> HttpResponse:
        data = form.cleaned_data
        evaluation_cycle_set(
            measure=self.measure,
            user=user_of(self.request),
            rhythm=data["rhythm"],
            first_due=data["first_due"],
            rrule=data["rrule"],
        )
        due = self.measure.next_evaluation_due
        if due:
            text = _("The evaluation rhythm is saved. The next evaluation is due %(date)s.") % {
                "date": date_format(due, "SHORT_DATE_FORMAT")
            }
        else:
            text = _("The evaluation rhythm is saved. No further evaluation is due.")
        messages.success(self.request, text)
        return redirect(f"{self.measure.get_absolute_url()}#evaluations")


def snapshot_rows(snapshot: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A snapshot with its numbers as decimals (shown the user's way) and attainment in %."""
    rows = []
    for item in snapshot:
        row = dict(item)
        for key in ("baseline", "target", "value"):
            row[key] = Decimal(item[key]) if item.get(key) is not None else None
        row["attainment_percent"] = snapshot_percent(item)
        row["date"] = date.fromisoformat(item["date"]) if item.get("date") else None
        rows.append(row)
    return rows


class EvaluationCreateView(MeasureViewMixin, FormView):
    permission_required = "measures.add_evaluation"
    template_name = "measures/evaluations/evaluation_form.html"
    form_class = EvaluationForm

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "measure": self.measure}

    def get_initial(self) -> dict[str, Any]:
        last = self.measure.evaluations.aggregate(last=Max("period_end"))["last"]
        start = last + timedelta(days=1) if last else self.measure.start_date
        end = self.measure.end_date
        today = timezone.localdate()
        return {"period_start": start, "period_end": end if end and end < today else today}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        context["indicators"] = snapshot_rows(indicator_snapshot(self.measure, on=today))
        context["today"] = today
        return context

    def form_valid(self, form: EvaluationForm) -> HttpResponse:
        evaluation = evaluation_record(
            measure=self.measure, user=user_of(self.request), data=form.cleaned_data
        )
        messages.success(self.request, _("The evaluation is saved."))
        return redirect("evaluation_detail", self.organization.slug, self.measure.pk, evaluation.pk)


class EvaluationMixin(MeasureViewMixin):
    """One evaluation of the measure, with its corrections (404 for another measure's)."""

    def load_objects(self) -> None:
        super().load_objects()
        corrections = EvaluationCorrection.objects.select_related("recorded_by")
        self.evaluation = self.get_for_measure(
            Evaluation.objects.select_related("created_by").prefetch_related(
                Prefetch("corrections", queryset=corrections)
            ),
            pk=self.kwargs["pk"],
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        evaluation = self.evaluation
        context.update(
            evaluation=evaluation,
            current=evaluation.current(),
            versions=shown_event_versions(
                evaluation, recorded_at=evaluation.created_at, recorded_by=evaluation.created_by
            ),
            indicators=snapshot_rows(evaluation.indicator_snapshot),
        )
        return context


class EvaluationDetailView(EvaluationMixin, TemplateView):
    permission_required = "measures.view_measures"
    template_name = "measures/evaluations/evaluation_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["can_correct"] = self.request.user.has_perm("measures.add_evaluation", self.measure)
        return context


class EvaluationCorrectView(EvaluationMixin, FormView):
    """Corrects what an evaluation says: a new version with its reason; the period and the
    indicators as they stood stay as recorded."""

    permission_required = "measures.add_evaluation"
    template_name = "measures/evaluations/evaluation_correct.html"
    form_class = EvaluationCorrectionForm

    def get_initial(self) -> dict[str, Any]:
        current = self.evaluation.current()
        return {name: getattr(current, name) for name in Evaluation.CORRECTABLE}

    def get_success_url(self) -> str:
        return reverse(
            "evaluation_detail",
            args=[self.organization.slug, self.measure.pk, self.evaluation.pk],
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["cancel_url"] = self.get_success_url()
        return context

    def form_valid(self, form: EvaluationCorrectionForm) -> HttpResponse:
        try:
            evaluation_correct(
                evaluation=self.evaluation,
                user=user_of(self.request),
                data=form.cleaned_data,
                reason=correction_reason(form),
            )
        except CorrectionRefused as refused:
            for text in refused.messages:
                form.add_error(None, text)
            return self.form_invalid(form)
        messages.success(
            self.request, _("The evaluation is corrected; the earlier version is kept.")
        )
        return redirect(self.get_success_url())


# --- export and import ------------------------------------------------------------------------


class ExchangeView(OrganizationViewMixin, TemplateView):
    """The "Export and import" page: download links, the columns explained, the import."""

    permission_required = "measures.export_data"
    template_name = "measures/exchange/overview.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["datasets"] = list(DATASETS.values())
        context["can_import"] = self.request.user.has_perm(
            "measures.import_measurements", self.organization
        )
        return context


class ExportView(OrganizationViewMixin, View):
    """One dataset as a file. ``?headers=keys`` gives machine-readable column names."""

    permission_required = "measures.export_data"
    http_method_names = ["get"]
    dataset = ""
    file_format = "csv"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        dataset = DATASETS[self.dataset]
        keys = request.GET.get("headers") == "keys"
        response: HttpResponseBase
        if self.file_format == "csv":
            response = StreamingHttpResponse(
                csv_lines(dataset, self.organization, keys=keys),
                content_type="text/csv; charset=utf-8",
            )
        else:
            response = HttpResponse(
                xlsx_bytes(dataset, self.organization, keys=keys),
                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
        filename = f"{self.organization.slug}-{dataset.name}-{timezone.localdate():%Y-%m-%d}"
        response["Content-Disposition"] = f'attachment; filename="{filename}.{self.file_format}"'
        # The organisation's data: never kept by a shared cache or the browser's.
        patch_cache_control(response, private=True, no_store=True)
        return response


class MeasurementImportView(OrganizationViewMixin, TemplateView):
    """Upload → preview with the errors of each row → confirm. Nothing is saved before the
    confirmation, and then only if every row is still valid."""

    permission_required = "measures.import_measurements"
    template_name = "measures/exchange/import.html"
    http_method_names = ["get", "post"]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.setdefault("form", MeasurementImportForm())
        context["max_rows"] = MAX_ROWS
        context["max_megabytes"] = MAX_UPLOAD_BYTES // (1024 * 1024)
        return context

    def _salt(self) -> str:
        # Bound to the organisation and the person: a preview cannot be confirmed elsewhere.
        return f"measures.import.{self.organization.pk}.{self.request.user.pk}"

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if "payload" in request.POST:
            return self.confirm(request)
        form = MeasurementImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        try:
            result = read_measurements(
                form.cleaned_data["file"],
                organization=self.organization,
                today=timezone.localdate(),
            )
        except ImportFileError as error:
            form.add_error("file", str(error))
            return self.render_to_response(self.get_context_data(form=form))
        return self.preview(result)

    def preview(
        self, result: ImportResult, message: str = "", *, confirmable: bool = True
    ) -> HttpResponse:
        confirm_form = None
        if result.is_valid and confirmable:
            payload = signing.dumps(
                {"rows": result.payload(), "token": new_token()}, salt=self._salt(), compress=True
            )
            if len(payload) <= MAX_PAYLOAD_CHARACTERS:
                confirm_form = MeasurementImportConfirmForm(initial={"payload": payload})
            else:
                message = _("The file holds too much text to be saved in one go. Split it in two.")
        return self.render_to_response(
            self.get_context_data(
                result=result,
                shown_rows=result.rows[:PREVIEW_ROWS_SHOWN],
                hidden_count=max(len(result.rows) - PREVIEW_ROWS_SHOWN, 0),
                confirm_form=confirm_form,
                message=message,
            )
        )

    def confirm(self, request: HttpRequest) -> HttpResponse:
        form = MeasurementImportConfirmForm(request.POST)
        try:
            if not form.is_valid():
                raise signing.BadSignature
            data = signing.loads(
                form.cleaned_data["payload"], salt=self._salt(), max_age=PREVIEW_MAX_AGE
            )
            rows = rows_from_payload(data["rows"])
            token = str(data["token"])
        except signing.SignatureExpired:
            messages.error(
                request, _("The preview is more than an hour old. Upload the file again.")
            )
            return redirect("measurement_import", self.organization.slug)
        except (signing.BadSignature, KeyError, TypeError, ValueError):
            messages.error(request, _("The preview could not be confirmed. Upload the file again."))
            return redirect("measurement_import", self.organization.slug)
        try:
            outcome = import_once(
                token=token,
                kind="measurements",
                organization=self.organization,
                user=user_of(request),
                save=lambda: {
                    "count": measurements_import(
                        organization=self.organization, user=user_of(request), rows=rows
                    )
                },
            )
        except ImportRejected as rejected:
            return self.preview(
                ImportResult(rows=rejected.rows), rejected.message, confirmable=False
            )
        # A second confirmation of the same preview (a double click, a retry) saved nothing and
        # shows what the first did: the same words, once.
        count = outcome.values["count"]
        text = ngettext(
            "%(count)s measurement is saved.", "%(count)s measurements are saved.", count
        ) % {"count": count}
        success_once(request, text)
        return redirect(reverse("exchange", args=[self.organization.slug]))
