"""A file built by a worker for the person who asked for it (the whole audit trail as CSV, a
year wheel as an A3 PDF), kept in the storage for a few days and then removed."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from filejobs.progress import State
from organizations.models import Organization


def job_file_path(instance: FileJob, filename: str) -> str:
    return f"filejobs/{instance.organization_id}/{instance.pk}-{filename}"


def default_expiry() -> datetime:
    return timezone.now() + timedelta(days=settings.FILE_JOBS_KEEP_DAYS)


class FileJob(models.Model):
    """One request for a file. Only the person who asked may see it or download it."""

    class Kind(models.TextChoices):
        AUDIT_TRAIL = "audit_trail", _("Audit trail as CSV")
        WHEEL_PDF = "wheel_pdf", _("Annual wheel as PDF")

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="file_jobs"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="file_jobs"
    )
    kind = models.CharField(max_length=30, choices=Kind.choices)
    # What the file holds, as the page's filters (and the wheel's year and zoom) were, as a
    # query string: read again by the worker.
    parameters = models.CharField(max_length=2000, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    requested_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    file = models.FileField(upload_to=job_file_path, blank=True, max_length=300)
    filename = models.CharField(max_length=200, blank=True)
    rows = models.PositiveIntegerField(null=True, blank=True)
    error = models.CharField(max_length=200, blank=True)
    expires_at = models.DateTimeField(default=default_expiry)

    class Meta:
        verbose_name = _("file prepared in the background")
        verbose_name_plural = _("files prepared in the background")
        ordering = ["-requested_at", "-pk"]
        indexes = [
            models.Index(fields=["expires_at"]),
            models.Index(fields=["organization", "requested_by", "requested_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.requested_at:%Y-%m-%d %H:%M})"

    def get_absolute_url(self) -> str:
        return reverse("file_job", kwargs={"org_slug": self.organization.slug, "pk": self.pk})
