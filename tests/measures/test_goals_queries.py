"""Every page of the goals area runs the same number of queries for 5 rows as for 50."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from measures.views.goals import measure_section
from tests.factories import (
    FuturePictureFactory,
    GoalFactory,
    GoalJudgementFactory,
    IndicatorFactory,
    LogicElementFactory,
    MeasureFactory,
    MeasurementFactory,
    ProgramFactory,
)


@pytest.fixture
def measure(organization, team_lead):
    return MeasureFactory(program=ProgramFactory(organization=organization), team_lead=team_lead)


def _day(n: int) -> dt.date:
    return dt.date(2020, 1, 1) + dt.timedelta(days=n)


class Rows:
    """Adds goals with logic elements, indicators and measurements, and future pictures."""

    def __init__(self, measure):
        self.measure = measure
        self.goal = GoalFactory(measure=measure)
        self.indicator = IndicatorFactory(goal=self.goal)
        self.picture = FuturePictureFactory(measure=measure)
        self.added = 0

    def add(self, count: int) -> None:
        for _ in range(count):
            n = self.added = self.added + 1
            element = LogicElementFactory(measure=self.measure)
            goal = GoalFactory(measure=self.measure)
            # Judged, and the judgement corrected: every version is shown.
            GoalJudgementFactory(goal=goal, recorded_by=self.measure.team_lead)
            GoalJudgementFactory(
                goal=goal, number=2, judgement="met", correction_reason="Nye tall fra skolen."
            )
            goal.logic_elements.add(element)
            self.goal.logic_elements.add(element)
            indicator = IndicatorFactory(goal=goal)
            MeasurementFactory(indicator=indicator, date=_day(n), value=Decimal(n))
            MeasurementFactory(indicator=self.indicator, date=_day(n), value=Decimal(n))
            IndicatorFactory(goal=self.goal)
            picture = FuturePictureFactory(measure=self.measure)
            picture.goals.add(goal, self.goal)


def _count_get(client, url: str) -> int:
    client.get(url)  # warm up: sessions, content types, translations
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


def _urls(measure, rows: Rows) -> dict[str, str]:
    slug = measure.organization.slug

    def url(name, *args):
        return reverse(name, args=[slug, measure.pk, *args])

    measurement = rows.indicator.measurements.first()
    return {
        "indicator_detail": url("indicator_detail", rows.indicator.pk),
        "measurement_create": url("measurement_create", rows.indicator.pk),
        "measurement_update": url("measurement_update", rows.indicator.pk, measurement.pk),
        "goal_create": url("goal_create"),
        "goal_update": url("goal_update", rows.goal.pk),
        "goal_judge": url("goal_judge", rows.goal.pk),
        "goal_delete": url("goal_delete", rows.goal.pk),
        "indicator_create": url("indicator_create", rows.goal.pk),
        "indicator_update": url("indicator_update", rows.indicator.pk),
        "indicator_delete": url("indicator_delete", rows.indicator.pk),
        "future_picture_create": url("future_picture_create"),
        "future_picture_update": url("future_picture_update", rows.picture.pk),
    }


def test_every_page_runs_the_same_number_of_queries_for_5_and_50_rows(login, team_lead, measure):
    client = login(team_lead)
    rows = Rows(measure)
    rows.add(5)
    urls = _urls(measure, rows)
    few = {name: _count_get(client, url) for name, url in urls.items()}
    rows.add(45)
    many = {name: _count_get(client, url) for name, url in urls.items()}
    assert many == few
    # The indicator page: session, user, membership, measure, indicator, measurements, and
    # the unread count of the notification bell.
    print("\nqueries per page:", few)
    assert few["indicator_detail"] <= 8


def _section_queries(measure, team_lead) -> tuple[int, str]:
    request = RequestFactory().get("/")
    request.user = team_lead
    request.organization = measure.organization
    # As on the measure page, the membership is already known (the middleware found it).
    team_lead.has_perm("measures.view_measures", measure)
    with CaptureQueriesContext(connection) as queries:
        section = measure_section(request, measure)
        # As on the measure page, whose context has the organisation.
        context = {"section": section.context, "organization": measure.organization}
        html = render_to_string(section.template, context, request=request)
    return len(queries), html


def test_the_measure_page_section_runs_a_fixed_number_of_queries(organization, team_lead, measure):
    rows = Rows(measure)
    rows.add(5)
    few, html = _section_queries(measure, team_lead)
    assert html.count('<article id="goal-') == 6
    rows.add(45)
    many, html = _section_queries(measure, team_lead)
    assert html.count('<article id="goal-') == 51
    assert many == few
    # Goals, their judgements (with who judged), logic elements, indicators, measurements,
    # future pictures and their goals.
    print("\nsection queries:", few)
    assert few == 7
