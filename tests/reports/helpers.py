"""Helpers for the tests of report PDFs."""

from __future__ import annotations

from reports.models import PublishedReport
from reports.pdf import attach
from reports.pdfjobs import STATE_FIELDS


def store_pdf(published: PublishedReport, data: bytes) -> PublishedReport:
    """Stores ``data`` as the report's PDF, as a worker's render does."""
    current = PublishedReport.objects.get(pk=published.pk)
    attach(current, data)
    current.pdf_state = "ready"
    current.save(update_fields=["pdf", "pdf_sha256", *STATE_FIELDS])
    return current


def body_of(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content
