"""The PDF of a published report: made once by a worker (reports/pdfjobs.py) and kept.

The PDF is rendered from the frozen content in the report's written standard, tagged (PDF/UA)
where WeasyPrint can, and stored on the ``PublishedReport`` with its SHA-256. Every download,
by members or through a share link, serves the stored bytes, so the PDF a council member got
last month is the PDF they get today.
"""

from __future__ import annotations

import hashlib
import logging

from django.core.files.base import ContentFile
from django.http import FileResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.text import slugify

from reports.body import stored_body
from reports.models import PublishedReport
from yearwheel.pdf import html_to_pdf

logger = logging.getLogger(__name__)

TEMPLATE = "reports/pdf.html"


def file_name(published: PublishedReport) -> str:
    return f"{slugify(published.title) or 'rapport'}-v{published.version}.pdf"


def render_html(published: PublishedReport) -> str:
    """The print page the PDF is made from, wholly in the report's written standard (the
    PDF is a document: it has no reader's language), around the stored body."""
    with translation.override(published.written_standard):
        return render_to_string(
            TEMPLATE,
            {"published": published, "content": published.content, "body": stored_body(published)},
        )


def render_pdf(published: PublishedReport, *, base_url: str = "") -> bytes:
    """Makes the PDF (minutes of CPU for a large report: only ever in a worker).

    Raises ``yearwheel.pdf.PdfUnavailable`` when WeasyPrint cannot be loaded."""
    return html_to_pdf(render_html(published), base_url=base_url)


def attach(published: PublishedReport, pdf: bytes) -> None:
    """Stores ``pdf`` in the storage and its name and SHA-256 on ``published`` (not saved)."""
    published.pdf.save(file_name(published), ContentFile(pdf), save=False)
    published.pdf_sha256 = hashlib.sha256(pdf).hexdigest()


def pdf_response(published: PublishedReport) -> FileResponse:
    """The stored PDF, streamed from the storage (never read whole into the web process)."""
    response = FileResponse(
        published.pdf.open("rb"),
        as_attachment=True,
        filename=file_name(published),
        content_type="application/pdf",
    )
    # The same bytes for ever: the SHA-256 is a strong validator.
    response["ETag"] = f'"{published.pdf_sha256}"'
    return response
