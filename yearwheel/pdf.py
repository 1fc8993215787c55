"""HTML to PDF with WeasyPrint, never over the network.

:func:`html_to_pdf` renders an HTML string (a print template) to PDF bytes. Static files
(``{% static %}`` URLs) are read from ``STATIC_ROOT`` or found by the staticfiles finders;
every other URL is refused, so a PDF never waits on the network nor leaks a request. Links
in the document stay absolute (``base_url``), so they still work from the PDF.

WeasyPrint needs Pango from the system. When it cannot be loaded, :class:`PdfUnavailable` is
raised and the caller shows a message instead of a crash.

``tagged=True`` asks for a tagged PDF/UA-1 document (structure, reading order, language) for
readers with screen readers, where the installed WeasyPrint can make one. Reports and the
wheel's A3 sheet use it: the sheet's drawing is one figure whose alternative text (the SVG's
``<title>``) sums the wheel up, and its agenda is headed tables in reading order.
"""

from __future__ import annotations

import logging
import mimetypes
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders


class PdfUnavailable(RuntimeError):
    """WeasyPrint or the system libraries it needs (Pango) cannot be loaded."""


def _weasyprint() -> Any:
    try:
        # Loaded on use: it is heavy, and fails without Pango.
        import weasyprint  # type: ignore[import-untyped]
    except (OSError, ImportError) as error:
        raise PdfUnavailable(str(error)) from error
    # Font subsetting logs some thirty lines at INFO for every PDF: keep the log readable.
    logging.getLogger("fontTools").setLevel(logging.WARNING)
    return weasyprint


def static_file(url: str, base_url: str = "") -> Path | None:
    """The file behind a static URL (absolute, or relative to ``base_url``), or None."""
    parts = urlsplit(url)
    if parts.scheme not in ("", "http", "https") and not url.startswith("file:"):
        return None
    if parts.scheme in ("http", "https") and base_url:
        base = urlsplit(base_url)
        if (parts.scheme, parts.netloc) != (base.scheme, base.netloc):
            return None
    path = unquote(parts.path)
    static_url = urlsplit(str(settings.STATIC_URL)).path
    if not path.startswith(static_url):
        return None
    relative = path[len(static_url) :]
    if not relative or ".." in Path(relative).parts:
        return None
    if settings.STATIC_ROOT:
        root = Path(settings.STATIC_ROOT).resolve()
        candidate = (root / relative).resolve()
        if candidate.is_file() and candidate.is_relative_to(root):
            return candidate
    found = finders.find(relative)
    if isinstance(found, list):
        found = found[0] if found else None
    return Path(found) if found else None


def _fetcher_class(weasyprint: Any, base_url: str) -> Any:
    urls = weasyprint.urls

    def read(url: str) -> tuple[bytes, str]:
        if url.startswith("data:"):
            raise ValueError("data: URLs are handled by the default fetcher")
        found = static_file(url, base_url)
        if found is None:
            raise ValueError(f"not fetched for a PDF (only static files are): {url}")
        mime_type = mimetypes.guess_type(found.name)[0] or "application/octet-stream"
        return found.read_bytes(), mime_type

    if hasattr(urls, "URLFetcher"):  # WeasyPrint 67 and later

        class StaticOnlyFetcher(urls.URLFetcher):  # type: ignore[name-defined]
            def fetch(self, url: str, headers: Any = None) -> Any:
                if url.startswith("data:"):
                    return super().fetch(url, headers)
                body, mime_type = read(url)
                return urls.URLFetcherResponse(url, body, {"Content-Type": mime_type})

        return StaticOnlyFetcher()

    def fetch(url: str) -> dict[str, Any]:  # older WeasyPrint: a function returning a dict
        if url.startswith("data:"):
            return dict(urls.default_url_fetcher(url))
        body, mime_type = read(url)
        return {"string": body, "mime_type": mime_type, "redirected_url": url}

    return fetch


def _tagging_options(weasyprint: Any) -> dict[str, Any]:
    """The ``write_pdf`` options for a tagged document in this WeasyPrint: the PDF/UA-1
    variant where this WeasyPrint has it (70 does), else plain tags, else none (untagged)."""
    variants = getattr(getattr(weasyprint, "pdf", None), "VARIANTS", {})
    if "pdf/ua-1" in variants:
        return {"pdf_variant": "pdf/ua-1"}
    if "pdf_tags" in getattr(weasyprint, "DEFAULT_OPTIONS", {}):
        return {"pdf_tags": True}
    return {}


def tagged_pdf_supported() -> bool:
    """Whether ``html_to_pdf(..., tagged=True)`` makes a tagged PDF here."""
    return bool(_tagging_options(_weasyprint()))


def html_to_pdf(html: str, *, base_url: str = "", tagged: bool = False) -> bytes:
    """The PDF of ``html``. ``base_url`` (e.g. ``request.build_absolute_uri("/")``) makes
    relative links absolute; static files are read from disk, nothing else is fetched.
    ``tagged`` asks for a tagged PDF/UA document where WeasyPrint supports it."""
    weasyprint = _weasyprint()
    # The print pages link their stylesheet (no inline style: docs/security-headers.md); a
    # relative link needs a base to be read from disk, so there always is one.
    base_url = base_url or f"{settings.SITE_URL}/"
    document = weasyprint.HTML(
        string=html, base_url=base_url or None, url_fetcher=_fetcher_class(weasyprint, base_url)
    )
    options = _tagging_options(weasyprint) if tagged else {}
    pdf: bytes = document.write_pdf(**options)
    return pdf
