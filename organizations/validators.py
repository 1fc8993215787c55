"""Official Norwegian organisation numbers (kommunenummer and fylkesnummer)."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# County numbers in force from 1 January 2024: the fifteen county municipalities.
COUNTY_NUMBERS = frozenset(
    {"03", "11", "15", "18", "31", "32", "33", "34", "39", "40", "42", "46", "50", "55", "56"}
)


def validate_municipality_number(value: str) -> None:
    """Four digits: the county's two, then the municipality's own two (never 00)."""
    if not re.fullmatch(r"\d{4}", value or ""):
        raise ValidationError(
            _("A municipality number has exactly four digits, for example 4601."),
            code="format",
        )
    if value[:2] not in COUNTY_NUMBERS or value[2:] == "00":
        raise ValidationError(
            _("%(number)s is not a municipality number: it must start with a county number."),
            code="county",
            params={"number": value},
        )


def validate_county_number(value: str) -> None:
    if not re.fullmatch(r"\d{2}", value or ""):
        raise ValidationError(
            _("A county number has exactly two digits, for example 46."), code="format"
        )
    if value not in COUNTY_NUMBERS:
        raise ValidationError(
            _("%(number)s is not the number of a county municipality."),
            code="unknown",
            params={"number": value},
        )
