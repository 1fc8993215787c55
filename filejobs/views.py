"""Asking for a file, watching it being prepared, and downloading it.

Only the person who asked sees a job: anyone else gets 404, whether or not it exists. The
permission the file's kind needs (reading the audit trail, reading the wheel) is checked
again on every request, so a person who lost it cannot fetch a file asked for before."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.views import View
from django.views.generic import TemplateView

from filejobs import services
from filejobs.audit import audit_filter_form
from filejobs.kinds import JobKind, job_kind
from filejobs.models import FileJob
from filejobs.progress import State, progress_response, stale_after, wants_progress
from organizations.views.base import OrganizationViewMixin, user_of


class AuditTrailExportView(OrganizationViewMixin, View):
    """POST with the audit trail's filters: a job for the whole filtered trail as CSV."""

    permission_required = "organizations.view_audit_trail"
    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        query = request.POST.copy()
        query.pop("csrfmiddlewaretoken", None)
        query.pop("page", None)
        # Filters with an error go back to the trail, which shows the error beside the field.
        form = audit_filter_form(self.organization, query)
        if query and not form.is_valid():
            return redirect(
                f"{reverse('audit_trail', args=[self.organization.slug])}?{query.urlencode()}"
            )
        job = services.request_file(
            organization=self.organization,
            user=user_of(request),
            kind=FileJob.Kind.AUDIT_TRAIL,
            parameters=query.urlencode(),
        )
        return redirect("file_job", self.organization.slug, job.pk)


class JobMixin(OrganizationViewMixin):
    # Every member may come this far; the job's own kind decides below (load_objects).
    permission_required = "organizations.view_organization"
    job: FileJob
    kind: JobKind

    def load_objects(self) -> None:
        # Someone who did not ask for this job gets 404 (it is not theirs to know of); the
        # one who asked but may no longer have the file gets 403, as on the page it came from.
        self.job = get_object_or_404(
            FileJob.objects.select_related("organization"),
            pk=self.kwargs["pk"],
            organization=self.organization,
            requested_by=user_of(self.request),
        )
        self.kind = job_kind(self.job.kind)
        if not self.request.user.has_perm(self.kind.permission, self.organization):
            raise PermissionDenied


class FileJobView(JobMixin, TemplateView):
    """The job's state: being prepared (the page asks again by itself), ready, or failed."""

    template_name = "filejobs/job.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.job = services.ask_again_if_lost(self.job.pk)
        if wants_progress(request):
            return progress_response(self.job.state)
        response = super().get(request, *args, **kwargs)
        patch_cache_control(response, private=True, no_store=True)
        return response

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        job, kind = self.job, self.kind
        context.update(
            job=job,
            kind=kind,
            preparing=job.state in (State.QUEUED, State.RUNNING, State.MISSING),
            download_url=reverse("file_job_download", args=[self.organization.slug, job.pk]),
            stale_minutes=int(stale_after().total_seconds() // 60),
            ask_url=kind.ask_url(job),
            ask_fields=kind.ask_fields(job),
            back_url=kind.back_url(job),
        )
        return context


class FileJobDownloadView(JobMixin, View):
    """The stored file; before it is ready, the job's page."""

    http_method_names = ["get"]

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if self.job.state != State.READY or not self.job.file:
            return redirect("file_job", self.organization.slug, self.job.pk)
        response = FileResponse(
            self.job.file.open("rb"),
            as_attachment=True,
            filename=self.job.filename,
            content_type=self.kind.content_type,
        )
        # Made for one person (who changed what, or a filtered plan): never kept by a shared
        # cache or the browser.
        patch_cache_control(response, private=True, no_store=True)
        return response
