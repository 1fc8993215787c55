"""The accessibility statement's facts, kept by the team where a review sees every change.

The Norwegian Authority for Universal Design of ICT (uutilsynet) asks of a statement: the
solution's name, the standard (WCAG 2.1 AA), the known deviations, each with the success
criterion it breaks, a way to give feedback that reaches someone, the authority's complaint
channel and the dates the statement was made and last reviewed. The page
(templates/pages/accessibility.html) renders this module. See docs/accessibility.md for how to
keep it current: add a deviation the day it is found, remove it in the change that fixes it,
and move LAST_REVIEWED whenever the list is checked against the product.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

STANDARD = "WCAG 2.1 AA"
STATEMENT_MADE = date(2026, 12, 7)
LAST_REVIEWED = date(2026, 12, 8)
# Where people complain when feedback to us does not help (the authority's own site).
AUTHORITY_URL = "https://www.uutilsynet.no/"


@dataclass(frozen=True)
class Deviation:
    criterion: str  # the WCAG success criterion's number, e.g. "1.4.10"
    criterion_name: Promise
    description: Promise
    found: date
    # None: not planned, with the reason in the description (an alternative exists).
    fix_expected: date | None


DEVIATIONS: tuple[Deviation, ...] = (
    Deviation(
        criterion="1.4.10",
        criterion_name=_("Reflow"),
        description=_(
            "On narrow screens the annual wheel drawing must be scrolled sideways. Its text "
            "equivalent, the agenda (“In words” and the agenda page), reflows and holds the "
            "same events."
        ),
        found=date(2026, 12, 7),
        fix_expected=None,
    ),
    Deviation(
        criterion="1.3.1",
        criterion_name=_("Info and relationships"),
        description=_(
            "In the report PDF the arrows that show a trend are read out as arrow characters "
            "before the words that say the same."
        ),
        found=date(2026, 12, 8),
        fix_expected=date(2027, 2, 28),
    ),
    Deviation(
        criterion="3.1.2",
        criterion_name=_("Language of parts"),
        description=_(
            "On the annual wheel each event's link has one spoken name that mixes the "
            "interface's words with the event's Norwegian title, so with the interface in "
            "English the title is read with an English voice. The agenda marks each title "
            "with its language."
        ),
        found=date(2026, 12, 8),
        fix_expected=date(2027, 2, 28),
    ),
)
