"""The wheel page, its print view and the PDF renderer: content from every source, filters, zoom,
permissions and a fixed number of queries."""

from __future__ import annotations

import re
from datetime import date
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dataversion import versions
from phases.models import ImplementationPlan, MaintenanceRoutine, PlannedActivity
from tests.factories import (
    EvaluationCycleFactory,
    EventFactory,
    MeasureFactory,
    RingFactory,
    WheelFactory,
)
from yearwheel import pdf
from yearwheel.models import Event, Recurrence, Ring
from yearwheel.occurrences import sources

pytestmark = pytest.mark.django_db


@pytest.fixture
def wheel(organization):
    return WheelFactory(organization=organization, year=2026, start_month=8)


@pytest.fixture
def politics(organization):
    return RingFactory(
        organization=organization, name="Politisk styring", colour="#7a1f5c", position=1
    )


@pytest.fixture
def school(organization):
    return RingFactory(
        organization=organization,
        name="Skole",
        colour="#1f5f8b",
        position=2,
        default_kind=Event.Kind.MEETING,
    )


@pytest.fixture
def measure(organization):
    return MeasureFactory(organization=organization, name="Tidlig innsats", phase=4)


@pytest.fixture
def filled(organization, wheel, politics, school, measure):
    """Events from every source: own events in two rings, an evaluation cycle, a planned
    activity and a maintenance routine."""
    EventFactory(
        organization=organization,
        ring=politics,
        kind=Event.Kind.CHECKPOINT,
        title="Budsjettseminar",
        start_date=date(2026, 10, 15),
        place="Kommunestyresalen",
    )
    EventFactory(
        organization=organization,
        ring=school,
        kind=Event.Kind.ACTIVITY,
        title="Høstferie",
        start_date=date(2026, 10, 5),
        end_date=date(2026, 10, 9),
    )
    EventFactory(
        organization=organization,
        ring=school,
        kind=Event.Kind.MEETING,
        title="Ukemøte",
        start_date=date(2026, 9, 1),
        recurrence=Recurrence.WEEKLY,
        repeat_until=date(2026, 9, 29),
        measure=measure,
    )
    EvaluationCycleFactory(measure=measure, rhythm="quarterly", first_due=date(2026, 3, 31))
    plan = ImplementationPlan.objects.create(measure=measure)
    PlannedActivity.objects.create(
        plan=plan, what="Kurs for lærere", start_date=date(2026, 11, 3), end_date=date(2026, 11, 4)
    )
    MaintenanceRoutine.objects.create(
        measure=measure,
        kind="training",
        description="Opplæring av nye ansatte",
        recurrence="term",
        first_date=date(2026, 1, 1),
    )


def page(client, wheel, query=""):
    return client.get(wheel.get_absolute_url() + query)


def svg_of(response) -> str:
    return re.search(r"<svg class=\"wheel-svg\".*?</svg>", response.content.decode(), re.S)[0]


def item_titles(response) -> list[str]:
    return [
        unescape(t)
        for t in re.findall(r'class="wheel-item[^"]*"[^>]*data-title="([^"]*)"', svg_of(response))
    ]


# --- the page --------------------------------------------------------------------------------


def test_a_member_sees_every_source_on_the_wheel(login, member, wheel, filled):
    response = page(login(member), wheel)
    assert response.status_code == 200
    titles = item_titles(response)
    assert "Budsjettseminar" in titles
    assert "Høstferie" in titles
    # A weekly series is one arc in the year (its five dates counted in the view).
    assert titles.count("Ukemøte") == 1
    assert "Kurs for lærere" in titles
    assert any(t.startswith("Evaluation due") or "Tidlig innsats" in t for t in titles)
    assert any("Opplæring av nye ansatte" in t for t in titles)
    html = response.content.decode()
    # Every single date is a link with an accessible name and details.
    assert re.search(
        r'<a href="/o/testvik/wheel/events/\d+/" id="wheel-event-\d+-2026-10-15" '
        r'class="wheel-item" aria-label="[^"]*: Budsjettseminar, 15. oktober 2026, '
        r'ring Politisk styring"',
        html,
    )
    assert 'data-place="Kommunestyresalen"' in html
    assert 'aria-live="polite"' in html
    assert "js/wheel.js" in html and "css/wheel.css" in html
    drawing = response.context["drawing"]
    count = drawing.count
    assert count == sum(len(shape.series) or 1 for shape in drawing.shapes)
    assert len(drawing.shapes) == len(titles)
    assert f"{count} " in html.split('id="wheel-summary"')[1]


def test_the_svg_is_labelled_and_its_numbers_are_not_localised(login, member, wheel, filled):
    svg = svg_of(page(login(member), wheel))
    assert 'aria-labelledby="wheel-svg-title wheel-svg-desc"' in svg
    assert 'role="img"' not in svg
    view_box = re.search(r'viewBox="([^"]*)"', svg)[1]
    assert re.fullmatch(r"0 0 \d+\.\d \d+\.\d", view_box)
    for d in re.findall(r' d="([^"]*)"', svg):
        assert re.fullmatch(r"[MLAZahv\d., -]+", d), d


def test_planners_get_add_links_members_do_not(login, coordinator, member, wheel, filled):
    html = page(login(member), wheel).content.decode()
    assert "wheel-cell" not in html
    assert reverse("event_create", args=["testvik"]) not in html
    assert reverse("ring_list", args=["testvik"]) not in html

    response = page(login(coordinator), wheel)
    html = response.content.decode()
    politics = Ring.objects.get(name="Politisk styring")
    cell = re.search(
        rf'<a href="([^"]*)" class="wheel-cell" tabindex="-1" aria-hidden="true" '
        rf'data-ring="{politics.pk}" data-month="2026-10-01"',
        html,
    )
    assert cell
    assert unescape(cell[1]) == (
        f"/o/testvik/wheel/events/new/?ring={politics.pk}&date=2026-10-01&kind=activity"
        "&next=%2Fo%2Ftestvik%2Fwheel%2F2026%2F"
    )
    system = Ring.objects.get(organization=wheel.organization, source=Ring.Source.EVALUATIONS)
    assert f'data-ring="{system.pk}" data-month' not in html
    for name in ("ring_list", "event_import"):
        assert reverse(name, args=["testvik"]) in html
    assert reverse("wheel_update", args=["testvik", 2026]) in html


def test_links_to_neighbouring_years_only_when_they_exist(login, member, organization, wheel):
    html = page(login(member), wheel).content.decode()
    assert "/wheel/2025/" not in html and "/wheel/2027/" not in html
    WheelFactory(organization=organization, year=2027, start_month=8)
    html = page(login(member), wheel).content.decode()
    assert 'href="/o/testvik/wheel/2027/"' in html
    assert "/wheel/2025/" not in html
    for name in ("wheel_agenda", "wheel_print", "wheel_pdf", "wheel_ics"):
        assert reverse(name, args=["testvik", 2026]) in html
    assert reverse("wheel_index", args=["testvik"]) in html


def test_the_filter_narrows_what_is_drawn(login, member, wheel, filled, school, measure):
    client = login(member)
    titles = item_titles(page(client, wheel, "?kind=meeting"))
    assert set(titles) == {"Ukemøte"}
    titles = item_titles(page(client, wheel, f"?ring={school.pk}"))
    assert set(titles) == {"Ukemøte", "Høstferie"}
    response = page(client, wheel, f"?measure={measure.pk}")
    titles = item_titles(response)
    assert "Budsjettseminar" not in titles and "Høstferie" not in titles
    assert "Ukemøte" in titles
    # The filter travels with the zoom links, the print view and the PDF.
    html = response.content.decode()
    assert f"?measure={measure.pk}&amp;zoom=q1" in html
    assert f"/print/?measure={measure.pk}" in html
    assert f'<input type="hidden" name="measure" value="{measure.pk}">' in html
    assert '<details class="wheel-filter no-print" open>' in html


def test_zoom_to_a_quarter_and_a_month(login, member, wheel, filled):
    client = login(member)
    response = page(client, wheel, "?zoom=q1")
    drawing = response.context["drawing"]
    assert (drawing.start, drawing.end) == (date(2026, 8, 1), date(2026, 10, 31))
    assert len(drawing.sectors) == 3
    assert "Kurs for lærere" not in item_titles(response)  # in November
    assert 'href="/o/testvik/wheel/2026/?zoom=q1" class="wheel-zoom-link" aria-current="page"' in (
        response.content.decode()
    )
    response = page(client, wheel, "?zoom=m3")
    drawing = response.context["drawing"]
    assert (drawing.start, drawing.end) == (date(2026, 10, 1), date(2026, 10, 31))
    assert set(item_titles(response)) == {"Budsjettseminar", "Høstferie"}
    response = page(client, wheel, "?zoom=m99")
    assert len(response.context["drawing"].sectors) == 12


def test_the_wheel_needs_membership_and_only_answers_get(client, login, outsider, member, wheel):
    url = wheel.get_absolute_url()
    assert client.get(url).status_code == 302  # to the login page
    assert login(outsider).get(url).status_code == 404
    client = login(member)
    for name in ("wheel_detail", "wheel_print"):
        assert client.post(reverse(name, args=["testvik", 2026])).status_code == 405
    # The PDF is asked for with a POST (tests/yearwheel/test_wheel_pdf.py).
    assert client.get(reverse("wheel_pdf", args=["testvik", 2026])).status_code == 405
    assert client.get(reverse("wheel_detail", args=["testvik", 2031])).status_code == 404


def test_the_page_costs_the_same_queries_for_5_and_50_events(
    login, member, organization, wheel, politics, school, django_assert_num_queries
):
    def add(count):
        for n in range(count):
            EventFactory(
                organization=organization,
                ring=politics if n % 2 else school,
                start_date=date(2026, 8, 1 + n % 28),
                end_date=date(2026, 8, 3 + n % 28) if n % 3 == 0 else None,
            )

    add(5)
    client = login(member)
    page(client, wheel)  # makes the system rings and warms the session
    versions.bump([organization.pk])  # gathered afresh, as after any write
    with CaptureQueriesContext(connection) as few:
        page(client, wheel)
    count = len(few)
    add(45)
    with django_assert_num_queries(count):
        response = page(client, wheel)
    assert response.context["drawing"].count == 50
    # One query per source (six: own events, evaluations, plans, routines, learning meetings,
    # action items) besides the rings, the wheel and the session.
    assert count <= 18


def test_a_page_seen_again_reads_the_filter_fields_from_the_cache(
    login, member, organization, wheel, django_assert_num_queries
):
    client = login(member)
    page(client, wheel)  # makes the system rings and warms the session
    versions.bump([organization.pk])
    with CaptureQueriesContext(connection) as fresh:
        page(client, wheel)
    # Nothing written: the occurrences come from the memo and the filter's fields from the
    # cache, without the four lists of programmes, measures, units and rings.
    with django_assert_num_queries(len(fresh) - len(sources()) - 4):
        page(client, wheel)


def test_the_wheel_filter_shows_a_new_measure_at_once_and_keeps_the_choice(
    login, member, organization, wheel
):
    client = login(member)
    first = MeasureFactory(organization=organization, name="Første tiltak")
    assert "Første tiltak" in page(client, wheel).content.decode()
    MeasureFactory(organization=organization, name="Nytt tiltak")
    assert "Nytt tiltak" in page(client, wheel).content.decode()
    chosen = f'<option value="{first.pk}" selected>'
    assert chosen in page(client, wheel, f"?measure={first.pk}").content.decode()
    assert chosen not in page(client, wheel).content.decode()


def test_a_filter_not_understood_is_said_and_the_wheel_shows_everything(login, member, wheel):
    member.language = "en"
    member.save(update_fields=["language"])
    html = page(login(member), wheel, "?measure=999999").content.decode()
    assert "Some choices were not understood; the wheel shows everything." in html


# --- print view and PDF ----------------------------------------------------------------------


def test_the_print_view_is_an_a3_poster_with_legend_then_the_agenda(login, member, wheel, filled):
    response = login(member).get(reverse("wheel_print", args=["testvik", 2026]))
    assert response.status_code == 200
    html = response.content.decode()
    # Its print rules come from its own stylesheet (no inline style: the CSP allows none).
    assert '<link rel="stylesheet" href="/static/css/wheel-print.css">' in html
    css = static_text("css/wheel-print.css")
    assert "@page { size: A3 landscape; margin: 10mm; }" in css
    # The wheel fills the height of the sheet under the header; the agenda starts on the next.
    assert ".sheet-wheel svg { display: block; width: 258mm; height: 258mm; }" in css
    assert ".agenda { break-before: page; }" in css
    assert "navbar" not in html
    assert 'class="wheel-svg"' in html and "wheel-cell" not in html
    assert "Politisk styring" in html.split('class="wheel-legend"')[1]
    # Reading order: the title, the wheel, the legend, then the agenda.
    assert html.index("<h1>") < html.index('class="wheel-svg"') < html.index("wheel-legend")
    assert html.index("wheel-legend") < html.index('id="agenda-heading"')
    agenda = html.split('id="agenda-heading"')[1]
    assert "<h3>oktober 2026</h3>" in agenda
    assert '<th scope="col" class="agenda-day">Dato</th>' in agenda
    assert '<tr><th scope="row">15.10.</th><td>' in agenda and "Budsjettseminar" in agenda
    assert '<th scope="row">5.10.–9.10.</th>' in agenda
    assert [month.label for month in response.context["agenda"]][:3] == [
        "september 2026",
        "oktober 2026",
        "november 2026",
    ]


def test_the_print_agenda_gives_a_series_one_line_a_month(login, member, wheel, filled):
    response = login(member).get(reverse("wheel_print", args=["testvik", 2026]))
    september = response.context["agenda"][0]
    [weekly] = [row for row in september.rows if row.title == "Ukemøte"]
    assert weekly.day == "1.9., 8.9., 15.9., 22.9., 29.9."
    assert weekly.symbol == "■"
    html = response.content.decode()
    assert '<th scope="row">1.9., 8.9., 15.9., 22.9., 29.9.</th>' in html
    assert "Ukemøte (Skole)" in html


def test_same_titled_activities_of_two_measures_keep_their_own_lines(
    login, member, organization, wheel
):
    for name in ("Leseløftet", "Trygg skolevei"):
        plan = ImplementationPlan.objects.create(
            measure=MeasureFactory(organization=organization, name=name)
        )
        PlannedActivity.objects.create(plan=plan, what="Oppstartsmøte", month=3)
    response = login(member).get(reverse("wheel_print", args=["testvik", 2026]))
    html = unescape(response.content.decode())
    assert html.count("Oppstartsmøte – Leseløftet") == 1
    assert html.count("Oppstartsmøte – Trygg skolevei") == 1
    assert "1.3.–31.3., 1.3.–31.3." not in html


def test_a_long_agenda_is_cut_into_sheets_of_columns(login, member, organization, wheel, school):
    for n in range(400):
        EventFactory(organization=organization, ring=school, start_date=date(2026, 8, 1 + n % 28))
    response = login(member).get(reverse("wheel_print", args=["testvik", 2026]))
    sheets = response.context["agenda_sheets"]
    assert len(sheets) == 3
    assert sum(len(month.rows) for sheet in sheets for month in sheet) == 400
    # August is split where a sheet is full, and goes on under its own heading.
    assert [month.label for sheet in sheets for month in sheet] == ["august 2026"] * 3
    html = response.content.decode()
    assert html.count('<div class="agenda-sheet">') == 3
    css = static_text("css/wheel-print.css")
    assert ".agenda-sheet { columns: 3;" in css
    assert ".agenda-sheet + .agenda-sheet { break-before: page; }" in css


def test_a_sheet_holds_what_three_columns_hold():
    from yearwheel.views.wheel import (
        COLUMN_HEIGHT,
        MONTH_HEADING_HEIGHT,
        ROW_LINE_HEIGHT,
        SHEET_COLUMNS,
        AgendaMonth,
        AgendaRow,
        agenda_sheets,
    )

    def month(rows, title="Møte"):
        row = AgendaRow(["1.9."], title, "Møte", "meeting", "■", "Skole", "")
        return AgendaMonth(date(2026, 9, 1), "september 2026", [row] * rows)

    fits = int((SHEET_COLUMNS * COLUMN_HEIGHT - MONTH_HEADING_HEIGHT) // ROW_LINE_HEIGHT)
    assert [len(sheet[0].rows) for sheet in agenda_sheets([month(fits)])] == [fits]
    assert [len(s[0].rows) for s in agenda_sheets([month(fits + 1)])] == [fits, 1]
    # A title that wraps takes two lines.
    long = "Hendelse med en tittel som er lang nok til å gå over to linjer i agendaen"
    assert len(agenda_sheets([month(fits // 2, long)])) == 1
    assert len(agenda_sheets([month(fits // 2 + 1, long)])) == 2
    assert agenda_sheets([]) == []


def static_text(name: str) -> str:
    from django.contrib.staticfiles import finders

    with open(finders.find(name), encoding="utf-8") as file:
        return file.read()


def test_pdfs_read_static_files_from_disk_and_fetch_nothing_else(settings):
    base = "https://tiltak.example/"
    assert pdf.static_file("/static/css/wheel.css", base) is not None
    assert pdf.static_file("https://tiltak.example/static/css/wheel.css", base) is not None
    assert pdf.static_file("https://elsewhere.example/static/css/wheel.css", base) is None
    assert pdf.static_file("https://tiltak.example/o/testvik/", base) is None
    assert pdf.static_file("/static/../config/settings.py", base) is None
    assert pdf.static_file("ftp://tiltak.example/static/css/wheel.css", base) is None
    html = (
        '<link rel="stylesheet" href="/static/css/wheel.css">'
        '<img src="https://elsewhere.example/tracker.png" alt="">'
        "<p>Årshjul</p>"
    )
    assert pdf.html_to_pdf(html, base_url=base).startswith(b"%PDF")
