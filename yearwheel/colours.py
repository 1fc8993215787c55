"""Ring colours that stay readable: WCAG contrast arithmetic on ``#rrggbb`` strings.

A ring's colour is drawn on the white page: as the ring's name in the legend and the agenda,
and as the arcs and marks of its events on the wheel. Text in the colour needs a contrast of
4.5:1 against white (WCAG 2.1, 1.4.3), which also clears the 3:1 that marks need (1.4.11).
"""

from __future__ import annotations

import re

HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
MINIMUM_CONTRAST = 4.5
WHITE = "#ffffff"


def rgb(colour: str) -> tuple[int, int, int]:
    if not HEX_COLOUR.match(colour):
        raise ValueError(f"not a #rrggbb colour: {colour!r}")
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def relative_luminance(colour: str) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in rgb(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(first: str, second: str) -> float:
    """The WCAG contrast ratio, from 1 (the same) to 21 (black on white)."""
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def readable_on_white(colour: str) -> bool:
    return contrast(colour, WHITE) >= MINIMUM_CONTRAST


def tint(colour: str, share: float) -> str:
    """The colour mixed with white: ``share`` of the colour, the rest white (ring bands)."""
    r, g, b = (round(255 - (255 - v) * share) for v in rgb(colour))
    return f"#{r:02x}{g:02x}{b:02x}"
