"""One figure, one value everywhere: goal attainment at the rounding edge, as every output
shows it.

Each indicator below lands exactly on half a percent (or just below it), where half-up,
half-even ("banker's") rounding and truncation disagree. The dashboard, the measure page, the
indicator page, the CSV and Excel exports, the evaluation (its page and its kept snapshot) and
a published report (its page, its frozen content and its PDF) must all say the same whole
percentage, the one ``measures.attainment.attainment_percent`` gives. Switching any of them to
half-even or to truncation, or rounding a rounded share again, fails this test.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass
from decimal import Decimal
from html import unescape
from html.parser import HTMLParser

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from measures.models import Evaluation, Indicator
from measures.services import evaluation_record
from reports.pdfjobs import render_and_store
from reports.publishing import publish
from tests.factories import (
    GoalFactory,
    IndicatorFactory,
    MeasureFactory,
    MeasurementFactory,
    ProgramFactory,
    ReportFactory,
)

LOWER = Indicator.Direction.LOWER
HIGHER = Indicator.Direction.HIGHER


@dataclass(frozen=True)
class Case:
    measure: str
    indicator: str
    baseline: str
    target: str
    value: str
    direction: str
    percent: int  # half up: 12.5 → 13 (half-even and truncation say 12), 12.495 → 12


CASES = (
    Case("Trygge friminutt", "Trivsel", "0", "200", "25", HIGHER, 13),  # 12.5 %
    Case("Leseglede", "Lesing", "0", "8", "1", HIGHER, 13),  # 12.5 %
    Case("Godt oppmøte", "Oppmøte", "10", "50", "15", HIGHER, 13),  # 12.5 %
    Case("Mindre fravær", "Fravær", "100", "60", "95", LOWER, 13),  # 12.5 %, lower is better
    Case("Mindre mobbing", "Mobbing", "30", "10", "29.5", LOWER, 3),  # 2.5 %, lower is better
    # 12.495 %: just below the half. Rounding the share to four decimals first (0.1250) and
    # then to a whole percent would say 13.
    Case("Alle har venner", "Venner", "0", "200", "24.99", HIGHER, 12),
)
# A measure whose two indicators show 12 % and 13 %: their mean lands on 12.5.
MEAN_MEASURE = "Økt mestring"
MEAN_INDICATORS = (("Lekser", "24", 12), ("Fritid", "26", 13))

MEASURED_ON = dt.date(2026, 3, 1)
PERIOD_END = dt.date(2026, 4, 30)  # the report's (ReportFactory) and the evaluation's


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(dt.datetime(2026, 5, 10, 12, 0, tzinfo=dt.UTC), tick=False):
        yield


class _Text(HTMLParser):
    """A page's visible text (scripts and styles left out), whitespace collapsed."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def text_of(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return re.sub(r"\s+", " ", unescape(" ".join(parser.parts)).replace("\xa0", " "))


def percents_after(text: str, name: str) -> set[int]:
    """Every whole percentage that follows ``name`` before any other "%" (the units here are
    never "%", so the first percentage after an indicator's name is its attainment)."""
    found = {int(n) for n in re.findall(re.escape(name) + r"[^%]*?(\d+) ?%", text)}
    assert found, f"{name} and its percentage are not on the page"
    return found


@pytest.fixture
def world(organization, coordinator):
    program = ProgramFactory(organization=organization, name="Trygg oppvekst")
    indicators: dict[str, Indicator] = {}

    def add(measure, name, baseline, target, value, direction):
        indicator = IndicatorFactory(
            goal=GoalFactory(measure=measure),
            name=name,
            unit="elever",
            direction=direction,
            baseline_value=Decimal(baseline),
            target_value=Decimal(target),
        )
        MeasurementFactory(indicator=indicator, date=MEASURED_ON, value=Decimal(value))
        indicators[name] = indicator

    for case in CASES:
        measure = MeasureFactory(program=program, name=case.measure)
        add(measure, case.indicator, case.baseline, case.target, case.value, case.direction)
    both = MeasureFactory(program=program, name=MEAN_MEASURE)
    for name, value, _percent in MEAN_INDICATORS:
        add(both, name, "0", "200", value, HIGHER)

    evaluations = {
        measure.pk: evaluation_record(
            measure=measure,
            user=coordinator,
            data={
                "period_start": dt.date(2026, 1, 1),
                "period_end": PERIOD_END,
                "tried": "Faste voksne",
                "worked": "",
                "did_not_work": "",
                "lessons": "",
                "decision": Evaluation.Decision.CONTINUE,
                "next_steps": "",
            },
        )
        for measure in organization.measures.all()
    }
    published = publish(ReportFactory(organization=organization), coordinator)
    return indicators, evaluations, published


def expected() -> dict[str, int]:
    figures = {case.indicator: case.percent for case in CASES}
    figures.update({name: percent for name, _value, percent in MEAN_INDICATORS})
    return figures


def assert_page_agrees(html: str) -> None:
    text = text_of(html)
    for name, percent in expected().items():
        assert percents_after(text, name) == {percent}, name


def test_every_output_shows_the_same_attainment_at_the_rounding_edge(
    login, coordinator, organization, world
):
    indicators, evaluations, published = world
    client = login(coordinator)
    slug = organization.slug

    # The status dashboard (live) and every measure page's goals section.
    dashboard = reverse("status_dashboard", args=[slug])
    assert_page_agrees(client.get(f"{dashboard}?view=cards").content.decode())
    for indicator in indicators.values():
        measure_page = client.get(reverse("measure_detail", args=[slug, indicator.measure_id]))
        text = text_of(measure_page.content.decode())
        assert percents_after(text, indicator.name) == {expected()[indicator.name]}

    # The indicator page: the figure "now" and the measurement's row.
    for name, indicator in indicators.items():
        page = client.get(
            reverse("indicator_detail", args=[slug, indicator.measure_id, indicator.pk])
        )
        html = page.content.decode()
        now = re.search(r'id="attainment-now">(\d+)&nbsp;%', html)
        assert now and int(now.group(1)) == expected()[name], name
        row = re.search(r'<td class="text-end">(\d+)&nbsp;%</td>', html)
        assert row and int(row.group(1)) == expected()[name], name

    # The CSV and Excel exports.
    response = client.get(reverse("export_indicators_csv", args=[slug]) + "?headers=keys")
    body = b"".join(response.streaming_content).decode("utf-8").lstrip("\ufeff")
    header, *rows = csv.reader(io.StringIO(body), delimiter=";")
    by_name = {row[header.index("name")]: row[header.index("attainment_percent")] for row in rows}
    assert by_name == {name: str(percent) for name, percent in expected().items()}
    response = client.get(reverse("export_indicators_xlsx", args=[slug]) + "?headers=keys")
    sheet = load_workbook(io.BytesIO(response.content), read_only=True).worksheets[0]
    header, *cells = [list(row) for row in sheet.iter_rows(values_only=True)]
    by_name = {row[header.index("name")]: row[header.index("attainment_percent")] for row in cells}
    assert by_name == expected()

    # The evaluation: the snapshot it keeps, its page, and the page of a new evaluation.
    for measure_pk, evaluation in evaluations.items():
        for item in evaluation.indicator_snapshot:
            assert item["attainment_percent"] == expected()[item["name"]], item["name"]
        page = client.get(reverse("evaluation_detail", args=[slug, measure_pk, evaluation.pk]))
        text = text_of(page.content.decode())
        for item in evaluation.indicator_snapshot:
            assert percents_after(text, item["name"]) == {expected()[item["name"]]}
        page = client.get(reverse("evaluation_create", args=[slug, measure_pk]))
        text = text_of(page.content.decode())
        for item in evaluation.indicator_snapshot:
            assert percents_after(text, item["name"]) == {expected()[item["name"]]}

    # The published report: its frozen content, its page and its PDF.
    frozen = {
        indicator["name"]: indicator["attainment_percent"]
        for measure in published.content["measures"]
        for indicator in measure["indicators"]
    }
    assert frozen == expected()
    page = client.get(reverse("published_report", args=[slug, published.pk]))
    assert_page_agrees(page.content.decode())
    render_and_store(published.pk)  # the worker's render, queued when it was published
    response = client.get(reverse("published_report_pdf", args=[slug, published.pk]))
    pdf = b"".join(response.streaming_content)
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert_page_agrees_in_text(re.sub(r"\s+", " ", text.replace("\xa0", " ")))


def assert_page_agrees_in_text(text: str) -> None:
    for name, percent in expected().items():
        assert percents_after(text, name) == {percent}, name


def test_the_dashboard_sorts_by_the_mean_rounded_half_up(login, coordinator, organization, world):
    """The mean of 12 % and 13 % is 12.5, which is 13 like the other measures at 13 %: it
    sorts among them by name (last: "Ø"), not among the measures at 12 % as half-even or
    truncation would put it."""
    response = login(coordinator).get(
        reverse("status_dashboard", args=[organization.slug]) + "?sort=attainment"
    )
    names = [measure["name"] for measure in response.context["measures"]]
    assert names == [
        "Mindre mobbing",  # 3 %
        "Alle har venner",  # 12 %
        "Godt oppmøte",  # 13 % from here on, by name
        "Leseglede",
        "Mindre fravær",
        "Trygge friminutt",
        MEAN_MEASURE,
    ]
