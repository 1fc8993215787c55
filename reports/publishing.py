"""Publishing a report: freezing what it shows into a numbered, unchangeable version.

The composition (``Report``) stays editable; each publication copies its title, kind, scope
and period, the organisation's written standard and the whole content (reports/content.py)
into a new ``PublishedReport``. Pages, the comparison and the PDF read only that copy.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from filejobs.progress import State
from measures.models import Measure
from organizations.models import User
from reports.content import measures_in_scope as content_scope
from reports.content import report_content
from reports.models import PublishedReport, Report, ReportComment
from reports.pdfjobs import queue_render


def empty_report_message() -> str:
    return _(
        "The report has no measures to report on. Choose another programme, or add measures first."
    )


def measures_in_scope(report: Report) -> QuerySet[Measure]:
    """The measures the report covers today, by programme and name, as the content lists
    them."""
    measures = content_scope(report.organization, report.program)
    return measures.select_related("program").order_by("program__name", "name", "pk")


def save_comments(report: Report, texts: dict[int, str]) -> None:
    """Stores one comment per measure (``texts``: measure id → text); an empty text removes
    the measure's comment. All or nothing."""
    with transaction.atomic():
        existing = {c.measure_id: c for c in ReportComment.objects.filter(report=report)}
        for measure_id, raw in texts.items():
            text = raw.strip()
            comment = existing.get(measure_id)
            if not text:
                if comment is not None:
                    comment.delete()
            elif comment is None:
                ReportComment.objects.create(report=report, measure_id=measure_id, text=text)
            elif comment.text != text:
                comment.text = text
                comment.save(update_fields=["text"])


def publish(
    report: Report,
    user: User,
    *,
    today: date | None = None,
    published_at: datetime | None = None,
) -> PublishedReport:
    """Publishes the next version of ``report``, made by ``user``.

    ``today`` and ``published_at`` default to now; the demo data sets them to publish a
    report of an earlier term as it was then. Raises ``ValidationError`` (nothing saved) when
    the report covers no measures."""
    with transaction.atomic():
        # The lock numbers versions one at a time: two coordinators publishing at once get
        # versions n and n+1, never the same number twice.
        locked = Report.objects.select_for_update().get(pk=report.pk)
        locked.organization = report.organization
        content: dict[str, Any] = report_content(locked, today=today)
        if not content.get("measures"):
            raise ValidationError(empty_report_message(), code="empty")
        published_at = published_at or timezone.now()
        last = locked.versions.aggregate(last=Max("version"))["last"] or 0
        # Who published and which version, frozen with the rest: the document renders from
        # its content alone (renamed users and shared pages included).
        content.update(
            published_at=published_at.isoformat(),
            published_by=user.full_name or user.email,
            version=last + 1,
        )
        published = PublishedReport.objects.create(
            report=locked,
            organization_id=locked.organization_id,
            version=last + 1,
            title=locked.title,
            kind=locked.kind,
            program_id=locked.program_id,
            period_start=locked.period_start,
            period_end=locked.period_end,
            written_standard=report.organization.written_standard,
            content=content,
            published_at=published_at,
            published_by=user,
            # The PDF is made by a worker once this commits (reports/pdfjobs.py).
            pdf_state=State.QUEUED,
            pdf_requested_at=timezone.now(),
        )
        queue_render(published.pk)
    return published


def previous_published(published: PublishedReport) -> PublishedReport | None:
    """The latest other version of the organisation with the same scope (the same programme,
    or both on every programme) published before ``published``: what it is compared with."""
    earlier = Q(published_at__lt=published.published_at) | Q(
        published_at=published.published_at, pk__lt=published.pk
    )
    if published.program_id is None:
        same_scope = Q(program__isnull=True)
    else:
        same_scope = Q(program_id=published.program_id)
    return (
        PublishedReport.objects.filter(
            earlier, same_scope, organization_id=published.organization_id
        )
        # Only the comparison reads the content (on first use); the page only links to it.
        .defer("content", "body_html")
        .exclude(pk=published.pk)
        .order_by("-published_at", "-pk")
        .first()
    )
