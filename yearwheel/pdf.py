"""HTML to PDF with WeasyPrint, never over the network.

:func:`html_to_pdf` renders an HTML string (a print template) to PDF bytes. Static files
(``{% static %}`` URLs) are read from ``STATIC_ROOT`` or found by the staticfiles finders;
every other URL is refused, so a PDF never waits on the network nor leaks a request. Links
in the document stay absolute (``base_url``), so they still work from the PDF.

WeasyPrint needs Pango from the system. When it cannot be loaded, :class:`PdfUnavailable` is
raised and the caller shows a message instead of a crash.

Every PDF is a tagged PDF/UA-1 document (structure, reading order, language, the title as the
window title) for readers with screen readers, where the installed WeasyPrint can make one
(docs/pdf-accessibility.md). WeasyPrint tags from the HTML: ``<html lang>`` is /Lang, ``<title>``
the title, ``<meta name="author">`` and ``<meta name="description">`` the Author and Subject
(write them in words), h1–h6 the headings, ``<img alt>`` or an inline SVG's ``<title>`` a
figure's alternative text. Two things it leaves out are added here after tagging
(:func:`_finish_tags`):

- a table header's scope (``<th scope="row">`` → /Scope /Row, else /Column), which WeasyPrint
  only expresses through ids and /Headers;
- decoration: a figure with no alternative text (an ``aria-hidden`` SVG without ``<title>``,
  an ``<img alt="">``) becomes an artifact, so a screen reader neither stops at an empty
  figure nor reads it. A figure that means something must therefore say so in its title.
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


def _reference_number(reference: bytes) -> int:
    """The object number of a pydyf reference (``b"12 0 R"``)."""
    return int(reference.split()[0])


def _scope_table_headers(document: Any) -> None:
    """/Scope on every TH from the HTML's ``scope``. WeasyPrint keeps each cell's structure
    element on its box (``box.mark``) while tagging; a WeasyPrint without it leaves the
    headers as they are (tests/test_pdf_accessibility.py notices)."""
    for page in document.pages:
        for box in page._page_box.descendants():
            element = getattr(box, "mark", None)
            if box.element_tag != "th" or element is None or "A" not in element:
                continue
            scope = (box.element.get("scope") or "col").lower()
            element["A"]["Scope"] = "/Row" if scope in ("row", "rowgroup") else "/Column"


def _decoration_as_artifacts(pdf: Any) -> None:
    """Every figure without alternative text becomes an artifact: its marked content in the
    page's stream is marked /Artifact instead, and it leaves the structure tree and the
    parent tree (whose entry for it becomes null)."""
    objects = pdf.objects
    root = objects[_reference_number(pdf.catalog["StructTreeRoot"])]
    parent_tree = objects[_reference_number(root["ParentTree"])]
    page_numbers = [_reference_number(ref) for ref in pdf.page_references]
    page_of = {number: index for index, number in enumerate(page_numbers)}
    # Per page, the marked-content ids of decorative figures.
    decorative: dict[int, set[int]] = {}

    def walk(element: Any) -> None:
        kept = []
        for kid in element["K"]:
            if not isinstance(kid, bytes):  # a marked-content id
                kept.append(kid)
                continue
            child = objects[_reference_number(kid)]
            if child.get("Type") == "/StructElem" and "K" in child:
                if child.get("S") == "/Figure" and not child.get("Alt"):
                    page = page_of[_reference_number(child["Pg"])]
                    ids = [mcid for mcid in child["K"] if isinstance(mcid, int)]
                    decorative.setdefault(page, set()).update(ids)
                    continue
                walk(child)
            kept.append(kid)
        element["K"][:] = kept

    for kid in root["K"]:
        walk(objects[_reference_number(kid)])
    if not decorative:
        return
    nums = parent_tree["Nums"]
    for index in range(0, len(nums), 2):
        ids = decorative.get(nums[index])
        if ids and isinstance(nums[index + 1], list):
            for mcid in ids:
                nums[index + 1][mcid] = b"null"
    for page, ids in decorative.items():
        stream = objects[_reference_number(objects[page_numbers[page]]["Contents"])]
        items = stream.stream
        for position in range(len(items) - 2):
            properties = items[position + 1]
            if (
                items[position] == "/Figure"
                and items[position + 2] == b"BDC"
                and hasattr(properties, "get")
                and properties.get("MCID") in ids
            ):
                items[position : position + 3] = ["/Artifact", b"", b"BMC"]


def _finish_tags(document: Any, pdf: Any) -> None:
    """What WeasyPrint's tagging leaves out (see the module's docstring)."""
    if "StructTreeRoot" not in pdf.catalog:
        return
    _scope_table_headers(document)
    _decoration_as_artifacts(pdf)


def html_to_pdf(html: str, *, base_url: str = "", tagged: bool = True) -> bytes:
    """The PDF of ``html``. ``base_url`` (e.g. ``request.build_absolute_uri("/")``) makes
    relative links absolute; static files are read from disk, nothing else is fetched.
    The PDF is tagged (PDF/UA-1) where WeasyPrint supports it, unless ``tagged=False``."""
    weasyprint = _weasyprint()
    # The print pages link their stylesheet (no inline style: docs/security-headers.md); a
    # relative link needs a base to be read from disk, so there always is one.
    base_url = base_url or f"{settings.SITE_URL}/"
    document = weasyprint.HTML(
        string=html, base_url=base_url or None, url_fetcher=_fetcher_class(weasyprint, base_url)
    )
    options = _tagging_options(weasyprint) if tagged else {}
    pdf: bytes = document.write_pdf(finisher=_finish_tags if options else None, **options)
    return pdf
