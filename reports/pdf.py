"""The PDF of a published report: made once, on first download, and kept.

The PDF is rendered from the frozen content in the report's written standard, tagged (PDF/UA)
where WeasyPrint can, and stored on the ``PublishedReport`` with its SHA-256. Every later
download, by members or through a share link, serves the stored bytes, so the PDF a council
member got last month is the PDF they get today.
"""

from __future__ import annotations

import hashlib
import logging

from django.core.files.base import ContentFile
from django.db import transaction
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.text import slugify

from reports.models import PublishedReport
from yearwheel.pdf import html_to_pdf

logger = logging.getLogger(__name__)

TEMPLATE = "reports/pdf.html"


def file_name(published: PublishedReport) -> str:
    return f"{slugify(published.title) or 'rapport'}-v{published.version}.pdf"


def render_html(published: PublishedReport) -> str:
    """The print page the PDF is made from, wholly in the report's written standard (the
    PDF is a document: it has no reader's language)."""
    with translation.override(published.written_standard):
        return render_to_string(TEMPLATE, {"published": published, "content": published.content})


def stored_pdf(published: PublishedReport, *, base_url: str = "") -> bytes:
    """The report's PDF: the stored one, or a new one made and stored now.

    Raises ``yearwheel.pdf.PdfUnavailable`` when WeasyPrint cannot be loaded."""
    if published.pdf_sha256 and published.pdf:
        return read_stored(published)
    pdf = html_to_pdf(render_html(published), base_url=base_url, tagged=True)
    with transaction.atomic():
        # Made outside the lock (it takes a moment); stored under it, and only if nobody
        # stored one meanwhile: the first PDF stored is the one every reader gets.
        current = PublishedReport.objects.select_for_update().get(pk=published.pk)
        if current.pdf_sha256 and current.pdf:
            published.pdf, published.pdf_sha256 = current.pdf, current.pdf_sha256
            return read_stored(published)
        published.pdf.save(file_name(published), ContentFile(pdf), save=False)
        published.pdf_sha256 = hashlib.sha256(pdf).hexdigest()
        published.save(update_fields=["pdf", "pdf_sha256"])
    return pdf


def read_stored(published: PublishedReport) -> bytes:
    with published.pdf.open("rb") as stored:
        data: bytes = stored.read()
    if hashlib.sha256(data).hexdigest() != published.pdf_sha256:
        # Served all the same (it is the only copy), but someone must look at the storage.
        logger.error(
            "The stored PDF of published report %s does not match its SHA-256", published.pk
        )
    return data


def pdf_response(published: PublishedReport, pdf: bytes) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{file_name(published)}"'
    return response
