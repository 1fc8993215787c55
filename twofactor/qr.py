"""The set-up QR code, drawn here as SVG: the secret never leaves the server for a QR service."""

from __future__ import annotations

import segno


def qr_svg(data: str, *, title: str) -> str:
    """An inline ``<svg>`` (no style attribute, no script) sized by the ``twofactor-qr`` class."""
    code = segno.make(data, error="m")
    svg: str = code.svg_inline(
        scale=4, border=4, dark="#000", light="#fff", svgclass="twofactor-qr", title=title
    )
    return svg
