"""Dates as each language writes them (config/formats/, docs/architecture.md "Dates"):
"torsdag 4. mars 2027" and lower-case months in bokmål and nynorsk, "Thursday 4 March 2027"
and capitalised months in English; no template or module spells a date format out."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
import time_machine
from django.utils import translation
from django.utils.formats import date_format

from yearwheel.zoom import zoom_choices

ROOT = Path(__file__).resolve().parent.parent
THURSDAY = date(2027, 3, 4)

# (language, weekday and date, short month, day and month, date)
EXPECTED = [
    ("nb", "torsdag 4. mars 2027", "mar", "4.3.", "4. mars 2027"),
    ("nn", "torsdag 4. mars 2027", "mars", "4.3.", "4. mars 2027"),  # Django's nynorsk
    ("en", "Thursday 4 March 2027", "Mar", "4 Mar", "4 March 2027"),
]


@pytest.mark.parametrize(("language", "weekday", "month", "day", "plain"), EXPECTED)
def test_each_language_writes_dates_its_own_way(language, weekday, month, day, plain):
    with translation.override(language):
        assert date_format(THURSDAY, "WEEKDAY_DATE_FORMAT") == weekday
        assert date_format(THURSDAY, "SHORT_MONTH_FORMAT") == month
        assert date_format(THURSDAY, "DAY_MONTH_FORMAT") == day
        assert date_format(THURSDAY, "DATE_FORMAT") == plain
        assert date_format(THURSDAY, "SHORT_DATE_FORMAT") == "04.03.2027"


def test_every_language_defines_the_projects_own_formats():
    """A name missing from one module would be printed as it is ("WEEKDAY_DATE_FORMAT")."""
    from importlib import import_module

    names = {"WEEKDAY_DATE_FORMAT", "SHORT_MONTH_FORMAT", "DAY_MONTH_FORMAT"}
    for language in ("nb", "nn", "en"):
        module = import_module(f"config.formats.{language}.formats")
        assert names <= set(vars(module)), language


@pytest.mark.parametrize(
    ("language", "months", "long_label"),
    [
        ("nb", ["aug", "sep", "okt"], "august 2026"),
        ("nn", ["aug", "sep", "okt"], "august 2026"),
        ("en", ["Aug", "Sep", "Oct"], "August 2026"),
    ],
)
def test_the_wheels_month_chips_follow_the_language(language, months, long_label):
    with translation.override(language):
        chips = [c for c in zoom_choices(date(2026, 8, 1)) if c.kind == "month"]
    assert [chip.label for chip in chips[:3]] == months
    assert chips[0].long_label == long_label


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("nb", "tirsdag 24. november 2026"),
        ("nn", "tysdag 24. november 2026"),
        ("en", "Tuesday 24 November 2026"),
    ],
)
def test_an_events_next_dates_read_in_the_persons_language(
    login, member, organization, language, expected
):
    from tests.factories import EventFactory, RingFactory
    from yearwheel.models import Recurrence

    member.language = language
    member.save()
    event = EventFactory(
        organization=organization,
        ring=RingFactory(organization=organization),
        start_date=date(2026, 11, 24),
        recurrence=Recurrence.WEEKLY,
        repeat_until=date(2026, 12, 31),
    )
    from django.urls import reverse

    with time_machine.travel(date(2026, 11, 20)):
        page = login(member).get(reverse("event_detail", args=[organization.slug, event.pk]))
    assert expected in page.content.decode()


# Formats a template or module may write out: machine formats and a single name (the weekday,
# the month's name), which every language writes its own way.
MACHINE_FORMATS = {"Y-m-d", "Y-m", "Y", "H:i", "H:i:s", "l", "F", "c"}
TEMPLATE_FORMAT = re.compile(r"""\|date:["']([^"']+)["']""")
CODE_FORMAT = re.compile(r"""date_format\(\s*[^,()]+,\s*(?:"([^"]+)"|'([^']+)')""")


def allowed(format_string: str) -> bool:
    return format_string in MACHINE_FORMATS or re.fullmatch(r"[A-Z_]+", format_string) is not None


def test_no_template_spells_a_date_format_out():
    found = [
        f"{path.relative_to(ROOT)}: {match}"
        for path in (ROOT / "templates").rglob("*")
        if path.is_file()
        for match in TEMPLATE_FORMAT.findall(path.read_text(encoding="utf-8"))
        if not allowed(match)
    ]
    assert found == []


def test_no_module_spells_a_date_format_out():
    skip = {".venv", "node_modules", "tests", "migrations", "staticfiles"}
    found = [
        f"{path.relative_to(ROOT)}: {''.join(match)}"
        for path in ROOT.rglob("*.py")
        if not skip & set(path.relative_to(ROOT).parts)
        for match in CODE_FORMAT.findall(path.read_text(encoding="utf-8"))
        if not allowed("".join(match))
    ]
    assert found == []
