"""The status dashboard's compact overview: the default view, a table of every measure with
its phase, traffic light (in words and shape), attainment, trend and next checkpoint, red
first, the cards one click away, a fixed number of queries."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import (
    EventFactory,
    IndicatorFactory,
    MeasureFactory,
    MeasurementFactory,
    ProgramFactory,
)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(dt.datetime(2026, 5, 10, 12, 0, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def program(organization):
    return ProgramFactory(organization=organization, name="Trygg oppvekst")


def english(user):
    user.language = "en"
    user.save()
    return user


def dashboard_url(organization, query=""):
    url = reverse("status_dashboard", kwargs={"org_slug": organization.slug})
    return f"{url}?{query}" if query else url


def text_of(html):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def table_of(html):
    return html.split('id="overview-table"')[1].split("</table>")[0]


def row_names(response):
    return [row.measure["name"] for row in response.context["rows"]]


def test_the_default_view_is_a_table_with_every_figure_and_the_cards_one_click_away(
    login, viewer, organization, program
):
    english(viewer)
    red = MeasureFactory(
        program=program, name="Trygge friminutt", phase=3, status="red", status_explanation="x"
    )
    indicator = IndicatorFactory(goal__measure=red, name="Elever som trives", unit="%")
    MeasurementFactory(indicator=indicator, date=dt.date(2026, 2, 1), value=Decimal("50"))
    MeasurementFactory(indicator=indicator, date=dt.date(2026, 4, 1), value=Decimal("62.5"))
    EventFactory(
        organization=organization,
        measure=red,
        title="Status til kommunestyret",
        start_date=dt.date(2026, 6, 4),
    )
    MeasureFactory(program=program, name="Uten mål", phase=1, status="green")

    response = login(viewer).get(dashboard_url(organization))
    assert response.status_code == 200
    html = response.content.decode()
    table = table_of(html)
    # A caption, column headers with their scope and each measure's name as its row's header.
    assert "<caption" in table and "red first" in table
    assert table.count('scope="col"') == 6
    assert table.count('scope="row"') == 2
    text = text_of(table)
    assert "III Implement" in text
    assert "Red: off track" in text  # the traffic light in words …
    assert 'class="status-icon"' in table  # … and shape, never colour alone
    assert "56 %" in text  # measures.attainment.mean_percent of the card's 56 %
    assert "1 improving" in text
    assert "Status til kommunestyret" in text
    assert "Not measured" in text  # the measure without indicators
    # Each row's labels for the stacked layout on narrow screens.
    assert 'data-label="Next checkpoint"' in table
    # The cards are not on the page, but one click away, at the measure.
    assert f'id="measure-{red.pk}"' not in html.replace(table, "")
    assert f'href="?view=cards&amp;sort=status#measure-{red.pk}"' in table
    assert 'href="?view=cards&amp;sort=status">' in html
    cards = login(viewer).get(dashboard_url(organization, "view=cards&sort=status"))
    cards_html = cards.content.decode()
    assert 'id="overview-table"' not in cards_html
    assert f'id="measure-{red.pk}"' in cards_html
    assert 'href="?sort=status">' in cards_html  # and back to the table


def test_red_comes_first_then_yellow_and_green_ties_by_name_then_id(
    login, viewer, organization, program
):
    created = [
        ("Grønn", "green"),
        ("Gul", "yellow"),
        ("beta", "red"),
        ("Alfa", "red"),
        ("Alfa", "red"),
        ("Alfa", "green"),
    ]
    measures = [
        MeasureFactory(program=program, name=name, status=status, status_explanation="x")
        for name, status in created
    ]
    response = login(viewer).get(dashboard_url(organization))
    ids = [row.measure["id"] for row in response.context["rows"]]
    # The two "Alfa" are told apart by id, the older first; case does not matter.
    assert ids == [
        measures[3].pk,
        measures[4].pk,
        measures[2].pk,
        measures[1].pk,
        measures[5].pk,
        measures[0].pk,
    ]


def test_filters_and_a_chosen_sorting_apply_to_the_table(login, viewer, organization, program):
    MeasureFactory(program=program, name="Beta", phase=3, status="red", status_explanation="x")
    MeasureFactory(program=program, name="Alfa", phase=1, status="green")
    client = login(viewer)
    assert row_names(client.get(dashboard_url(organization, "sort=name"))) == ["Alfa", "Beta"]
    assert row_names(client.get(dashboard_url(organization, "phase=3"))) == ["Beta"]


def add_measures(program, count, start=0):
    statuses = ["red", "yellow", "green"]
    for n in range(start, start + count):
        measure = MeasureFactory(
            program=program,
            name=f"Tiltak {n}",
            phase=n % 4 + 1,
            status=statuses[n % 3],
            status_explanation="x",
        )
        indicator = IndicatorFactory(goal__measure=measure)
        MeasurementFactory(indicator=indicator, date=dt.date(2026, 1, 1))
        MeasurementFactory(indicator=indicator, date=dt.date(2026, 2, 1))
        EventFactory(
            organization=program.organization,
            measure=measure,
            title=f"Sjekkpunkt {n}",
            start_date=dt.date(2026, 6, 1),
        )


def test_the_table_runs_the_same_queries_for_8_and_40_measures(
    login, viewer, organization, program, django_assert_num_queries
):
    add_measures(program, 8)
    client = login(viewer)
    url = dashboard_url(organization)
    client.get(url)  # warms the session
    cache.clear()  # built, not taken from the cache
    with CaptureQueriesContext(connection) as few:
        response = client.get(url)
    count = len(few)
    assert len(response.context["rows"]) == 8
    add_measures(program, 32, start=8)
    cache.clear()
    with django_assert_num_queries(count):
        response = client.get(url)
    assert len(response.context["rows"]) == 40
    print("\ndashboard table queries:", count)


def _selected(html: str, name: str) -> str:
    select = html[html.index(f'name="{name}"') :]
    select = select[: select.index("</select>")]
    found = re.search(r'<option value="([^"]*)"[^>]*selected', select)
    return found.group(1) if found else ""


@pytest.mark.parametrize(
    ("query", "sort"),
    [
        ("", "status"),  # the table, red first
        ("?phase=1", "status"),  # a filter alone keeps the table's order
        ("?view=cards", "program"),  # the cards keep the programme order
        ("?view=cards&sort=name", "name"),
        ("?sort=attainment", "attainment"),
    ],
)
def test_the_sort_field_shows_the_order_the_list_is_in(
    login, viewer, organization, program, query, sort
):
    english(viewer)
    MeasureFactory(program=program, name="Trygge friminutt", status="red")
    url = reverse("status_dashboard", args=[organization.slug]) + query
    html = login(viewer).get(url).content.decode()
    assert _selected(html, "sort") == sort


def test_the_filters_say_what_choosing_nothing_means(login, viewer, organization, program):
    english(viewer)
    html = login(viewer).get(reverse("status_dashboard", args=[organization.slug]))
    html = html.content.decode()
    for empty in ("All programmes", "All phases", "All statuses", "All units"):
        assert f'<option value="" selected>{empty}</option>' in html, empty
    assert "---------" not in html
