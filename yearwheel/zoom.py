"""The wheel's zoom: the whole planning year, a quarter or a month of it.

``?zoom=`` names it (``q1``…``q4``, ``m1``…``m12``, months of the planning year);
:func:`zoom_period` is the period it shows and :func:`zoom_choices` are the choices offered.
The views read it; the layout (yearwheel/drawing.py) only asks its kind, for the sectors and
ticks of the scale, so it lives apart from the layout.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Literal

from dateutil.relativedelta import relativedelta
from django.utils.formats import date_format
from django.utils.translation import gettext as _

ZoomKind = Literal["year", "quarter", "month"]


@dataclass(frozen=True)
class Zoom:
    value: str  # "" for the whole year, "q1"…"q4", "m1"…"m12"
    kind: ZoomKind
    index: int = 0  # 0-based quarter or month of the planning year


YEAR = Zoom("", "year")
_ZOOM = re.compile(r"^([qm])(\d{1,2})$")


def parse_zoom(value: str | None) -> Zoom:
    """The zoom of ``?zoom=``; anything unknown is the whole year."""
    match = _ZOOM.match(value or "")
    if match:
        number = int(match[2])
        if match[1] == "q" and 1 <= number <= 4:
            return Zoom(f"q{number}", "quarter", number - 1)
        if match[1] == "m" and 1 <= number <= 12:
            return Zoom(f"m{number}", "month", number - 1)
    return YEAR


def zoom_period(year_start: date, zoom: Zoom) -> tuple[date, date]:
    """The first and last day (inclusive) of the zoom in the planning year from ``year_start``."""
    if zoom.kind == "quarter":
        first, months = year_start + relativedelta(months=3 * zoom.index), 3
    elif zoom.kind == "month":
        first, months = year_start + relativedelta(months=zoom.index), 1
    else:
        first, months = year_start, 12
    return first, first + relativedelta(months=months, days=-1)


@dataclass(frozen=True)
class ZoomChoice:
    value: str
    label: str  # shown
    long_label: str  # for screen readers and tooltips
    first: date
    kind: ZoomKind


def zoom_choices(year_start: date) -> list[ZoomChoice]:
    """The whole year, its quarters and its months, in the order of the planning year."""
    choices = [ZoomChoice("", _("Whole year"), _("Whole year"), year_start, "year")]
    for n in range(4):
        first = year_start + relativedelta(months=3 * n)
        last = first + relativedelta(months=2)
        choices.append(
            ZoomChoice(
                f"q{n + 1}",
                _("Q%(number)d") % {"number": n + 1},
                _("Quarter %(number)d: %(first)s–%(last)s")
                % {
                    "number": n + 1,
                    "first": date_format(
                        first, "F" if first.year == last.year else "YEAR_MONTH_FORMAT"
                    ),
                    "last": date_format(last, "YEAR_MONTH_FORMAT"),
                },
                first,
                "quarter",
            )
        )
    for n in range(12):
        first = year_start + relativedelta(months=n)
        choices.append(
            ZoomChoice(
                f"m{n + 1}",
                date_format(first, "SHORT_MONTH_FORMAT"),  # "mar", "Mar": config/formats/
                date_format(first, "YEAR_MONTH_FORMAT"),
                first,
                "month",
            )
        )
    return choices
