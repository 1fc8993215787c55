"""The stored PDF of the benchmark's published report."""

from __future__ import annotations

import copy

from django.utils import timezone

from filejobs.progress import State
from reports.models import PublishedReport
from reports.pdf import attach, render_pdf


def store_sample_pdf(published: PublishedReport, *, measures: int) -> int:
    """Stores a PDF made from the report's first ``measures`` measures as the report's PDF,
    as the download would have stored it; returns its size in bytes. A whole 500-measure
    report takes minutes of CPU and more than a gigabyte to render, and the page measured
    serves the stored file (making it is the PDF task's business)."""
    sample = copy.copy(published)
    sample.content = {**published.content, "measures": published.content["measures"][:measures]}
    pdf = render_pdf(sample)
    attach(published, pdf)
    # Ready, as the worker leaves it (reports/pdfjobs.py): the download serves the file.
    published.pdf_state = State.READY
    published.pdf_started_at = published.pdf_requested_at = timezone.now()
    published.save(
        update_fields=["pdf", "pdf_sha256", "pdf_state", "pdf_requested_at", "pdf_started_at"]
    )
    return len(pdf)
