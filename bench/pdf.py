"""The stored PDF of the benchmark's published report."""

from __future__ import annotations

import copy
import hashlib

from django.core.files.base import ContentFile

from reports.models import PublishedReport
from reports.pdf import file_name, render_html
from yearwheel.pdf import html_to_pdf


def store_sample_pdf(published: PublishedReport, *, measures: int) -> int:
    """Stores a PDF made from the report's first ``measures`` measures as the report's PDF,
    as the download would have stored it; returns its size in bytes. A whole 500-measure
    report takes minutes of CPU and more than a gigabyte to render, and the page measured
    serves the stored file (making it is the PDF task's business)."""
    sample = copy.copy(published)
    sample.content = {**published.content, "measures": published.content["measures"][:measures]}
    pdf = html_to_pdf(render_html(sample), tagged=True)
    published.pdf.save(file_name(published), ContentFile(pdf), save=False)
    published.pdf_sha256 = hashlib.sha256(pdf).hexdigest()
    published.save(update_fields=["pdf", "pdf_sha256"])
    return len(pdf)
