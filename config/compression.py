"""gzip for the pages and files we render (docs/operations-logs.md, "Compression").

Django's GZipMiddleware does the work: it compresses only when the browser asks
(``Accept-Encoding: gzip``), leaves bodies under 200 bytes alone, keeps streaming responses
streaming, and pads each compressed body with a random number of bytes so that its length
does not reveal a secret byte by byte (BREACH). We add two choices of our own: only the
content types that compress well and are ours to render (static files are compressed ahead
of time by whitenoise; uploaded files such as PDFs and images are already compressed), and
never a page marked ``@uncompressed`` because it shows a lasting secret next to text from the
request (the authenticator key, recovery codes).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.middleware.gzip import GZipMiddleware

COMPRESSED_TYPES = frozenset(
    {
        "text/html",
        "application/json",
        "text/calendar",
        "text/csv",
        "image/svg+xml",
    }
)

View = TypeVar("View", bound=Callable[..., Any])


def uncompressed(view: View) -> View:
    """Marks a view whose responses are never compressed (use with ``method_decorator`` on
    ``dispatch`` for a class-based view: Django copies the mark onto ``as_view()``)."""
    view.uncompressed = True  # type: ignore[attr-defined]
    return view


class CompressionMiddleware(GZipMiddleware):
    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> None:
        if getattr(view_func, "uncompressed", False):
            request.uncompressed = True  # type: ignore[attr-defined]

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        if getattr(request, "uncompressed", False):
            return response
        content_type = response.get("Content-Type", "").split(";")[0].strip().lower()
        if content_type not in COMPRESSED_TYPES:
            return response
        return super().process_response(request, response)
