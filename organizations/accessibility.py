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
LAST_REVIEWED = date(2026, 12, 7)
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
            "The PDFs of the annual wheel and of meeting minutes are not tagged, so a screen "
            "reader cannot tell their headings and tables apart. The same content is on the "
            "wheel's agenda page and the meeting page."
        ),
        found=date(2026, 12, 7),
        fix_expected=date(2027, 2, 28),
    ),
    Deviation(
        criterion="3.1.2",
        criterion_name=_("Language of parts"),
        description=_(
            "With the interface in English, names and texts written by the organisation in "
            "Norwegian are not marked as Norwegian, so a screen reader may read them with an "
            "English voice."
        ),
        found=date(2026, 12, 7),
        fix_expected=date(2027, 2, 28),
    ),
    Deviation(
        criterion="2.4.7",
        criterion_name=_("Focus visible"),
        description=_(
            "On some buttons, form fields and the current menu item the keyboard focus is "
            "hard to see."
        ),
        found=date(2026, 12, 7),
        fix_expected=date(2027, 2, 28),
    ),
    Deviation(
        criterion="1.4.10",
        criterion_name=_("Reflow"),
        description=_(
            "At some window widths the main menu does not fit, and on phones some tables "
            "(the status dashboard, the measure's history, action items) must be scrolled "
            "sideways."
        ),
        found=date(2026, 12, 7),
        fix_expected=date(2027, 2, 28),
    ),
    Deviation(
        criterion="1.4.3",
        criterion_name=_("Contrast (minimum)"),
        description=_(
            "In the list of annual wheels, the link and buttons of the highlighted current "
            "wheel have too little contrast."
        ),
        found=date(2026, 12, 7),
        fix_expected=date(2027, 2, 28),
    ),
)
