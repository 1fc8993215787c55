"""The wheel page's drawing, kept as markup under the organisation's data version.

Laying out a large municipality's year (some 13,000 occurrences: lanes, names along their
arcs, counts) takes about half a second and gives some two megabytes of SVG, the same for
everyone who sees the same view on the same day. So the page keeps the drawing's markup
(and the few figures the rest of the page reads from it) under a key made of the
organisation's data version (dataversion/versions.py) and everything else the drawing
depends on: the planning year and its title, the zoom and filter (the request's path and
query, which the click-to-add cells and the count badges link back to), the language,
today's date (the "today" line) and whether the reader may add events (the cells and the
move script's URL). Any write to what the wheel shows bumps the version on commit, so the
next reader draws afresh; an entry expires at the next midnight in any case. The key also
holds DRAWING_VERSION, raised whenever the drawing code changes what it draws, so a deploy of
a new layout is seen at once rather than at midnight or the next write.

The print view and the PDF draw afresh: they are rare, and the PDF is made by a worker.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.core.cache import cache
from django.utils import translation
from django.utils.safestring import SafeString

from dataversion import versions
from organizations.models import Organization
from reports.dashboard_cache import seconds_to_midnight
from yearwheel.drawing import Today
from yearwheel.wheel_text import LegendKind

# Raise when yearwheel/drawing.py, wheel_geometry.py, wheel_text.py or the wheel's SVG
# template draw differently: the drawings kept under the old number are then never read again.
DRAWING_VERSION = 2


@dataclass(frozen=True)
class DrawnWheel:
    """What the page reads of a drawing: its SVG, and for the legend and the summary the
    kinds shown, the "today" line (if the view holds today) and how many occurrences."""

    svg: SafeString
    count: int
    legend_kinds: list[LegendKind]
    today: Today | None


def drawn_wheel(
    organization: Organization,
    *,
    parts: tuple[object, ...],
    today: date,
    build: Callable[[], DrawnWheel],
) -> DrawnWheel:
    """The drawing for this view, from the cache while it is current, else ``build()``
    (which is stored). ``parts`` is what besides the data, the day and the language
    changes the drawing."""
    key = versions.key(
        "wheel-drawing",
        versions.current([organization.pk]),
        DRAWING_VERSION,
        organization.pk,
        today.isoformat(),
        translation.get_language(),
        *parts,
    )
    found: DrawnWheel | None = cache.get(key)
    if found is None:
        found = build()
        cache.set(key, found, seconds_to_midnight())
    return found
