"""Status reports for politicians: the coordinator's plain-language summaries, reports
composed for a period, the frozen versions published from them, and share links.

A ``Report`` is the coordinator's composition (scope, period, introduction, a comment per
measure) and may change until it is published and after. Publishing freezes what the report
shows into a ``PublishedReport`` (``content``, see reports/content.py): later changes to the
measures, or to the composition, never alter it. Publishing again makes a new version; every
version is kept.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from filejobs.progress import State
from measures.models import Measure, Program
from organizations.models import Organization, TimeStamped


class MeasureSummary(TimeStamped):
    """A short plain-language summary of where a measure stands, written by a coordinator for
    readers who are not in the team (politicians, top management)."""

    measure = models.OneToOneField(Measure, on_delete=models.CASCADE, related_name="summary")
    text = models.TextField(_("summary in plain language"), max_length=1000)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("summary of a measure")
        verbose_name_plural = _("summaries of measures")

    def __str__(self) -> str:
        return self.text[:80]


class Report(TimeStamped):
    """A report being composed: what it covers, for which period, and what it says besides
    the figures."""

    class Kind(models.TextChoices):
        YEARLY = "yearly", _("Yearly status report")
        FOUR_MONTHS = "four_months", _("Four-month report")
        OTHER = "other", _("Other report")

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="reports")
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.YEARLY)
    program = models.ForeignKey(
        Program,
        verbose_name=_("programme"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reports",
        help_text=_("Leave empty to report on every programme."),
    )
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    introduction = models.TextField(_("introduction"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["-period_end", "-pk"]
        indexes = [models.Index(fields=["organization", "period_end"])]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.period_start and self.period_end and self.period_end < self.period_start:
            raise ValidationError(
                {"period_end": _("The period must end on or after the day it starts.")}
            )

    def get_absolute_url(self) -> str:
        return reverse("report_detail", kwargs={"org_slug": self.organization.slug, "pk": self.pk})


class ReportComment(models.Model):
    """The coordinator's comment on one measure in a report."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="comments")
    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="+")
    text = models.TextField(_("comment"))

    class Meta:
        verbose_name = _("comment on a measure")
        verbose_name_plural = _("comments on measures")
        constraints = [
            models.UniqueConstraint(fields=["report", "measure"], name="one_comment_per_measure")
        ]

    def __str__(self) -> str:
        return self.text[:80]


class PublishedReportQuerySet(models.QuerySet["PublishedReport"]):
    def update(self, **kwargs: Any) -> int:
        # Only the PDF and the stored page body, made once, are ever written after publishing.
        if set(kwargs) - PublishedReport.WRITABLE:
            raise ValidationError("A published report cannot be changed.")
        return super().update(**kwargs)


def pdf_path(instance: PublishedReport, filename: str) -> str:
    return f"reports/{instance.organization_id}/{filename}"


class PublishedReport(models.Model):
    """One published version of a report, frozen: ``content`` holds everything it shows, in
    the organisation's written standard at the time. Never changed after it is made: only its
    PDF (made by a worker, reports/pdfjobs.py) and its rendered body (reports/body.py) are
    stored once, with the PDF's state on the way."""

    WRITABLE = frozenset(
        {
            "pdf",
            "pdf_sha256",
            "pdf_state",
            "pdf_requested_at",
            "pdf_started_at",
            "pdf_attempts",
            "pdf_error",
            "body_html",
        }
    )

    report = models.ForeignKey(Report, on_delete=models.PROTECT, related_name="versions")
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="published_reports"
    )
    version = models.PositiveIntegerField(_("version"))
    # Copied from the report when published, so the version reads the same whatever happens
    # to the composition afterwards.
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Report.Kind.choices)
    program = models.ForeignKey(
        Program, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    written_standard = models.CharField(max_length=2)
    content = models.JSONField(editable=False)
    published_at = models.DateTimeField(_("published"), default=timezone.now)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    pdf = models.FileField(upload_to=pdf_path, blank=True)
    pdf_sha256 = models.CharField(max_length=64, blank=True)
    # The PDF's way to the storage (filejobs/progress.py): queued when published, made by a
    # worker, ready or failed. ``pdf_error`` is "unavailable" (no WeasyPrint) or "error".
    pdf_state = models.CharField(max_length=10, choices=State.choices, default=State.MISSING)
    pdf_requested_at = models.DateTimeField(null=True, blank=True)
    pdf_started_at = models.DateTimeField(null=True, blank=True)
    pdf_attempts = models.PositiveSmallIntegerField(default=0)
    pdf_error = models.CharField(max_length=20, blank=True)
    # The document's body rendered once from ``content`` (reports/body.py); "" until then.
    body_html = models.TextField(blank=True, editable=False)

    objects = PublishedReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("published report")
        verbose_name_plural = _("published reports")
        ordering = ["-published_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["report", "version"], name="one_number_per_report")
        ]
        indexes = [models.Index(fields=["organization", "program", "published_at"])]

    def __str__(self) -> str:
        return f"{self.title} ({self.version})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            fields = set(kwargs.get("update_fields") or ())
            if not fields or fields - self.WRITABLE:
                raise ValidationError("A published report cannot be changed.")
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse(
            "published_report", kwargs={"org_slug": self.organization.slug, "pk": self.pk}
        )

    @property
    def pdf_ready(self) -> bool:
        return self.pdf_state == State.READY and bool(self.pdf)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise ValidationError("A published report cannot be deleted.")


class ShareLink(models.Model):
    """A read-only link to one published report for readers without an account (council
    members). The URL carries a signed id; the row says whether it still works."""

    published = models.ForeignKey(
        PublishedReport, on_delete=models.PROTECT, related_name="share_links"
    )
    label = models.CharField(
        _("who it is for"),
        max_length=200,
        help_text=_("For example: the municipal council, 12 March."),
    )
    expires_at = models.DateTimeField(_("expires"))
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("share link")
        verbose_name_plural = _("share links")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.label

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()


class ShareLinkUse(models.Model):
    """One opening of a share link: when, and whether the page or the PDF. Nothing about the
    reader is kept."""

    class What(models.TextChoices):
        PAGE = "page", _("Page")
        PDF = "pdf", _("PDF")

    link = models.ForeignKey(ShareLink, on_delete=models.CASCADE, related_name="uses")
    used_at = models.DateTimeField(_("when"), auto_now_add=True)
    what = models.CharField(max_length=10, choices=What.choices, default=What.PAGE)

    class Meta:
        verbose_name = _("use of a share link")
        verbose_name_plural = _("uses of share links")
        ordering = ["-used_at", "-pk"]
        indexes = [models.Index(fields=["link", "used_at"])]

    def __str__(self) -> str:
        return f"{self.link} {self.used_at:%Y-%m-%d %H:%M}"
