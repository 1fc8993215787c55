"""The status dashboard, the measure card and its charts, and the coordinator's summaries."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.formats import number_format

from phases.models import PhaseTransition
from reports import cards, charts
from reports.content import measures_content
from reports.models import MeasureSummary
from reports.templatetags.reports import time_in_phase
from reports.views.dashboard import DashboardView
from tests.factories import (
    ContinuationDecisionFactory,
    EventFactory,
    IndicatorFactory,
    MeasureFactory,
    MeasurementFactory,
    MeasureSummaryFactory,
    PilotIterationFactory,
    ProgramFactory,
    ServiceComponentFactory,
    UnitFactory,
)

TODAY = dt.date(2026, 5, 10)


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


def dashboard_url(organization, **query):
    url = reverse("status_dashboard", kwargs={"org_slug": organization.slug})
    if query:
        url += "?" + "&".join(f"{key}={value}" for key, value in query.items())
    return url


def summary_url(measure):
    return reverse(
        "measure_summary",
        kwargs={"org_slug": measure.organization.slug, "measure_pk": measure.pk},
    )


def names(response):
    return [m["name"] for m in response.context["measures"]]


# --- landing and navigation ------------------------------------------------------------------


def test_viewers_land_on_the_dashboard_after_login(client, viewer, organization, password):
    response = client.post(
        reverse("login"), {"username": viewer.email, "password": password}, follow=True
    )
    assert response.redirect_chain[-1][0] == dashboard_url(organization)
    assert response.status_code == 200


def test_viewers_are_sent_from_the_overview_to_the_dashboard(login, viewer, organization):
    home = reverse("organization_home", kwargs={"org_slug": organization.slug})
    response = login(viewer).get(home)
    assert response.status_code == 302
    assert response["Location"] == dashboard_url(organization)


@pytest.mark.parametrize("role", ["member", "coordinator", "admin_user"])
def test_others_keep_their_overview(role, request, login, organization):
    user = request.getfixturevalue(role)
    home = reverse("organization_home", kwargs={"org_slug": organization.slug})
    assert login(user).get(home).status_code == 200
    assert login(user).get(reverse("home"))["Location"] == home


def test_the_navigation_links_to_the_status(login, member, organization):
    response = login(member).get(reverse("organization_home", args=[organization.slug]))
    assert f'href="{dashboard_url(organization)}"' in response.content.decode()


# --- the page --------------------------------------------------------------------------------


def test_it_shows_every_active_measure_of_the_organisation(
    login, viewer, organization, other_organization, program
):
    MeasureFactory(program=program, name="Leseglede")
    MeasureFactory(program=program, name="Arkivert", is_archived=True)
    MeasureFactory(program=ProgramFactory(organization=other_organization), name="Nabotiltak")
    response = login(viewer).get(dashboard_url(organization))
    assert response.status_code == 200
    assert names(response) == ["Leseglede"]
    body = response.content.decode()
    assert "Leseglede" in body
    assert "Nabotiltak" not in body
    assert response.context["totals"]["measures"] == 1


def test_the_card_tells_the_state_in_words(login, viewer, organization, program, coordinator):
    english(viewer)
    implementing = MeasureFactory(
        program=program,
        name="Trygge friminutt",
        phase=3,
        status="red",
        status_explanation="For få voksne ute.",
    )
    lap = PilotIterationFactory(measure=implementing)
    for n in range(10):
        ServiceComponentFactory(
            measure=implementing,
            described_on=TODAY if n < 8 else None,
            piloted_in=lap if n < 7 else None,
        )
    move = PhaseTransition.objects.create(
        measure=implementing, from_phase=2, to_phase=3, decided_by=coordinator
    )
    PhaseTransition.objects.filter(pk=move.pk).update(
        decided_at=dt.datetime(2025, 12, 1, 10, tzinfo=dt.UTC)
    )
    indicator = IndicatorFactory(goal__measure=implementing, name="Elever som trives", unit="%")
    MeasurementFactory(indicator=indicator, date=dt.date(2026, 2, 1), value=Decimal("50"))
    MeasurementFactory(indicator=indicator, date=dt.date(2026, 4, 1), value=Decimal("62.5"))
    EventFactory(
        organization=organization,
        measure=implementing,
        title="Status til kommunestyret",
        start_date=dt.date(2026, 6, 4),
    )
    MeasureFactory(program=program, name="Venter", phase=4)
    decided = MeasureFactory(program=program, name="Vedtatt", phase=4)
    ContinuationDecisionFactory(
        measure=decided, decision_maker="Kommunestyret", decided_on=dt.date(2026, 3, 12)
    )

    body = login(viewer).get(dashboard_url(organization, view="cards")).content.decode()
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body))

    assert "III Implement" in text
    assert "for 5 months" in text
    assert "Red: off track" in text
    assert "For få voksne ute." in text
    assert "7 of 10 work processes, roles, responsibilities and routines described and piloted" in (
        text
    )
    assert "8 described, 7 piloted" in text
    assert "Elever som trives" in text
    assert "56 % of the way from baseline to target" in text  # 62.5 of 40 → 80
    assert "↑ Trend: improving" in text  # the arrow of measures.attainment.trend_arrow
    assert "Status til kommunestyret" in text
    assert "Decision pending" in text
    assert "Continue — decided by Kommunestyret, 12 March 2026" in text
    assert f'href="{implementing.get_absolute_url()}"' in body  # the name links to the measure
    # Every component here is a routine: the three other kinds are named as missing, and
    # "fully developed" is not said.
    assert "None registered yet: work process, role, responsibility." in text
    assert "fully developed" not in text


def test_the_card_tells_corrections_and_how_a_measure_came_into_its_phase(
    login, viewer, organization, program, coordinator
):
    english(viewer)
    coordinator.full_name = "Kari Koordinator"
    coordinator.save()
    overridden = MeasureFactory(program=program, name="Forbi porten", phase=4)
    PhaseTransition.objects.create(
        measure=overridden,
        from_phase=3,
        to_phase=4,
        decided_by=coordinator,
        overridden=True,
        reason="Vedtatt likevel.",
    )
    registered = MeasureFactory(program=program, name="Registrert", phase=2)
    PhaseTransition.objects.create(
        measure=registered,
        from_phase=1,
        to_phase=2,
        decided_by=coordinator,
        kind="registration",
        reason="Startet i 2025.",
    )
    ContinuationDecisionFactory(measure=overridden, outcome="adjust", decided_on=TODAY)
    ContinuationDecisionFactory(
        measure=overridden,
        number=2,
        outcome="stop",
        decided_on=TODAY,
        correction_reason="Feil utfall registrert.",
        recorded_by=coordinator,
        recorded_at=dt.datetime(2026, 5, 2, 10, tzinfo=dt.UTC),
    )
    body = login(viewer).get(dashboard_url(organization, view="cards")).content.decode()
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body))
    assert "entered through an overridden gate" in text
    assert "registered in this phase, not through the gates" in text
    assert "Stop — decided by Kommunestyret" in text
    assert (
        "Corrected 2 May 2026 by Kari Koordinator (was: Continue with adjustments): "
        "Feil utfall registrert." in text
    )


def test_the_charts_have_their_figures_in_a_table(login, viewer, organization, program):
    english(viewer)
    MeasureFactory(program=program, phase=1, status="green")
    MeasureFactory(program=program, phase=3, status="red", status_explanation="x")
    MeasureFactory(program=program, phase=3, status="yellow", status_explanation="x")
    body = login(viewer).get(dashboard_url(organization, view="cards")).content.decode()
    assert body.count("<svg") >= 2
    assert "Measures per phase" in body
    assert "Measures per status" in body
    rows = re.findall(r'<tr><th scope="row">([^<]+)</th><td class="text-end">(\d+)</td></tr>', body)
    assert ("III Implement", "2") in rows
    assert ("I Prepare", "1") in rows
    assert ("Red: off track", "1") in rows
    assert ("Green: on track", "1") in rows


# --- filters and sorting ---------------------------------------------------------------------


@pytest.fixture
def mixed(organization, program):
    other = ProgramFactory(organization=organization, name="Annet program")
    school = UnitFactory(organization=organization, name="Skolen")
    measures = {
        "Alfa": MeasureFactory(program=program, name="Alfa", phase=1, status="green"),
        "Beta": MeasureFactory(
            program=program,
            name="Beta",
            phase=3,
            status="red",
            status_explanation="x",
            responsible_unit=school,
        ),
        "Gamma": MeasureFactory(
            program=other, name="Gamma", phase=2, status="yellow", status_explanation="x"
        ),
    }
    return measures, other, school


def test_filters_narrow_the_list(login, viewer, organization, program, mixed):
    _measures, other, school = mixed
    client = login(viewer)
    assert names(client.get(dashboard_url(organization, program=other.pk))) == ["Gamma"]
    assert names(client.get(dashboard_url(organization, phase=3))) == ["Beta"]
    assert names(client.get(dashboard_url(organization, status="yellow"))) == ["Gamma"]
    assert names(client.get(dashboard_url(organization, unit=school.pk))) == ["Beta"]
    response = client.get(dashboard_url(organization, program=program.pk, status="green"))
    assert names(response) == ["Alfa"]
    assert response.context["totals"]["measures"] == 1
    assert response.context["program"] == program


def test_bad_filter_values_are_left_out_with_a_message(
    login, viewer, organization, other_organization, mixed
):
    foreign = ProgramFactory(organization=other_organization)
    english(viewer)
    response = login(viewer).get(
        dashboard_url(organization, program=foreign.pk, phase=9, status="purple", sort="x")
    )
    assert response.status_code == 200
    assert sorted(names(response)) == ["Alfa", "Beta", "Gamma"]
    form = response.context["form"]
    assert set(form.errors) == {"program", "phase", "status", "sort"}
    assert "Some of the filters were not understood" in response.content.decode()


def test_a_valid_filter_still_works_next_to_a_bad_one(login, viewer, organization, mixed):
    response = login(viewer).get(dashboard_url(organization, phase=3, status="purple"))
    assert names(response) == ["Beta"]


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        # The compact table, the default view: red first, then yellow, then green.
        ("", ["Beta", "Gamma", "Alfa"]),
        ("name", ["Alfa", "Beta", "Gamma"]),
        ("phase", ["Alfa", "Gamma", "Beta"]),
        ("status", ["Beta", "Gamma", "Alfa"]),
    ],
)
def test_sorting(sort, expected, login, viewer, organization, mixed):
    query = {"sort": sort} if sort else {}
    assert names(login(viewer).get(dashboard_url(organization, **query))) == expected


def test_the_cards_keep_the_programme_order_by_default(login, viewer, organization, mixed):
    response = login(viewer).get(dashboard_url(organization, view="cards"))
    # Programme ("Annet program" first), then name.
    assert names(response) == ["Gamma", "Alfa", "Beta"]


def test_sorting_by_time_in_phase_and_attainment(login, viewer, organization, mixed):
    measures, _other, _school = mixed
    for name, day in [("Alfa", dt.date(2026, 4, 1)), ("Gamma", dt.date(2025, 1, 1))]:
        move = PhaseTransition.objects.create(
            measure=measures[name],
            from_phase=1,
            to_phase=measures[name].phase,
            decided_by=viewer,
        )
        PhaseTransition.objects.filter(pk=move.pk).update(
            decided_at=dt.datetime.combine(day, dt.time(10), tzinfo=dt.UTC)
        )
    for name, value in [("Alfa", "70"), ("Beta", "50")]:
        MeasurementFactory(
            indicator=IndicatorFactory(goal__measure=measures[name]),
            value=Decimal(value),
            date=dt.date(2026, 3, 1),
        )
    client = login(viewer)
    by_time = names(client.get(dashboard_url(organization, sort="time_in_phase")))
    assert by_time == ["Gamma", "Alfa", "Beta"]  # Beta never moved: in its phase since today
    by_attainment = names(client.get(dashboard_url(organization, sort="attainment")))
    assert by_attainment == ["Beta", "Alfa", "Gamma"]  # lowest first, unmeasured last


# --- summaries -------------------------------------------------------------------------------


def test_only_planners_see_the_edit_link(login, viewer, coordinator, organization, program):
    measure = MeasureFactory(program=program)
    MeasureSummaryFactory(measure=measure)
    cards = login(viewer).get(dashboard_url(organization, view="cards")).content.decode()
    assert summary_url(measure) not in cards
    body = login(coordinator).get(dashboard_url(organization, view="cards")).content.decode()
    assert summary_url(measure) in body


def test_a_coordinator_writes_changes_and_removes_a_summary(login, coordinator, program):
    measure = MeasureFactory(program=program)
    client = login(coordinator)
    assert client.get(summary_url(measure)).status_code == 200

    response = client.post(summary_url(measure), {"text": "  Godt i gang.  "})
    assert response.status_code == 302
    assert response["Location"] == dashboard_url(measure.organization) + f"#measure-{measure.pk}"
    summary = MeasureSummary.objects.get(measure=measure)
    assert summary.text == "Godt i gang."
    assert summary.written_by == coordinator

    client.post(summary_url(measure), {"text": "Forsinket."})
    assert MeasureSummary.objects.get(measure=measure).text == "Forsinket."
    assert MeasureSummary.objects.count() == 1

    client.post(summary_url(measure), {"text": "   "})
    assert not MeasureSummary.objects.filter(measure=measure).exists()


def test_a_too_long_summary_is_refused_with_a_clear_message(login, coordinator, program):
    english(coordinator)
    measure = MeasureFactory(program=program)
    MeasureSummaryFactory(measure=measure, text="Før.")
    response = login(coordinator).post(summary_url(measure), {"text": "x" * 1001})
    assert response.status_code == 200
    assert "at most 1000 characters long; it has 1001" in response.content.decode()
    assert MeasureSummary.objects.get(measure=measure).text == "Før."


def test_summaries_of_other_organisations_and_archived_measures_are_404(
    login, coordinator, other_organization, program
):
    client = login(coordinator)
    archived = MeasureFactory(program=program, is_archived=True)
    elsewhere = MeasureFactory(program=ProgramFactory(organization=other_organization))
    assert client.get(summary_url(archived)).status_code == 404
    url = reverse(
        "measure_summary",
        kwargs={"org_slug": program.organization.slug, "measure_pk": elsewhere.pk},
    )
    assert client.post(url, {"text": "Hei"}).status_code == 404
    assert not MeasureSummary.objects.exists()


@pytest.mark.parametrize("role", ["viewer", "member", "team_lead"])
def test_others_cannot_write_summaries(role, request, login, program):
    measure = MeasureFactory(program=program)
    client = login(request.getfixturevalue(role))
    assert client.post(summary_url(measure), {"text": "Hei"}).status_code == 403
    assert not MeasureSummary.objects.exists()


# --- queries ---------------------------------------------------------------------------------


def add_measures(program, count):
    for n in range(count):
        measure = MeasureFactory(program=program, phase=n % 4 + 1)
        MeasureSummaryFactory(measure=measure)
        for _ in range(2):
            indicator = IndicatorFactory(goal__measure=measure)
            MeasurementFactory(indicator=indicator, date=dt.date(2026, 1, 1))
            MeasurementFactory(indicator=indicator, date=dt.date(2026, 2, 1))
        if n % 4 == 2:
            ServiceComponentFactory(measure=measure)
        if n % 4 == 3:
            ContinuationDecisionFactory(measure=measure)


@pytest.mark.parametrize("query", [{}, {"sort": "attainment", "phase": "3"}])
def test_the_dashboard_runs_the_same_queries_for_5_and_50_measures(
    query, login, coordinator, organization, program, django_assert_num_queries
):
    add_measures(program, 5)
    client = login(coordinator)
    url = dashboard_url(organization, **query)
    client.get(url)  # warms the session and the caches
    cache.clear()  # the content is built, not taken from the cache (reports/dashboard_cache.py)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    count = len(few)  # read now: the next request empties the query log
    add_measures(program, 45)
    cache.clear()
    with django_assert_num_queries(count):
        response = client.get(url)
    assert len(response.context["measures"]) == (50 if not query else 12)


# --- the card, the filters and the charts on their own --------------------------------------


def test_the_card_in_a_report_links_nothing_and_nests_its_headings(organization, program):
    measure = MeasureFactory(program=program, name="Leseglede")
    MeasureSummaryFactory(measure=measure, text="Bra.")
    (content,) = measures_content(organization)
    content["comment"] = "Kommentar i rapporten"
    with translation.override("en"):
        html = render_to_string(
            "reports/includes/measure_card.html",
            {"measure": content, "today": TODAY, "heading_level": 4, "organization": organization},
        )
    assert "<a " not in html
    assert re.search(r"<h4[^>]*>Leseglede</h4>", html)
    assert "<h5" in html and "<h3" not in html
    assert "Kommentar i rapporten" in html
    assert "Bra." in html


@pytest.mark.parametrize(
    ("since", "expected"),
    [
        ("2026-05-10", ""),
        ("2026-05-09", "for 1 day"),
        ("2026-04-20", "for 20 days"),
        ("2026-04-10", "for 1 month"),
        ("2025-12-01", "for 5 months"),
        ("2025-05-10", "for 1 year"),
        ("2024-03-01", "for 2 years and 2 months"),
        ("2026-06-01", ""),
        ("", ""),
    ],
)
def test_time_in_phase_in_words(since, expected):
    with translation.override("en"):
        assert time_in_phase(since, TODAY) == expected


def test_bars_scale_to_the_largest_count():
    chart = charts.status_chart({"green": 4, "yellow": 0, "red": 2})
    assert [bar.key for bar in chart.bars] == ["red", "yellow", "green"]
    widths = {bar.key: float(bar.width) for bar in chart.bars}
    assert widths["green"] == chart.width - charts.COUNT_ROOM
    assert widths["red"] == widths["green"] / 2
    assert widths["yellow"] == 0
    assert chart.total == 6
    empty = charts.phase_chart({})
    assert all(bar.width == "0.0" for bar in empty.bars)


def test_the_attainment_bar_is_clamped():
    assert charts.attainment_bar(150).filled == "160.0"
    assert charts.attainment_bar(-5).filled == "0.0"
    assert charts.attainment_bar(25, width=200).filled == "50.0"


def test_the_measures_come_a_page_at_a_time_with_totals_for_all(
    login, viewer, organization, program, monkeypatch
):
    monkeypatch.setattr(DashboardView, "paginate_by", 2)
    for name in ["A", "B", "C"]:
        MeasureFactory(program=program, name=name, phase=2)
    client = login(viewer)
    first = client.get(dashboard_url(organization, phase=2, sort="name"))
    assert names(first) == ["A", "B"]
    assert first.context["totals"]["measures"] == 3
    assert "phase=2&amp;sort=name&amp;page=2" in first.content.decode()
    second = client.get(dashboard_url(organization, phase=2, sort="name", page=2))
    assert names(second) == ["C"]
    assert names(client.get(dashboard_url(organization, page="x"))) == ["A", "B"]


def test_writing_a_summary_comes_back_to_the_same_view(login, coordinator, organization, program):
    measure = MeasureFactory(program=program, phase=3)
    client = login(coordinator)
    body = client.get(
        dashboard_url(organization, phase=3, sort="name", view="cards")
    ).content.decode()
    back = "phase%3D3%26sort%3Dname%26view%3Dcards"
    assert f"{summary_url(measure)}?back={back}" in body
    page = client.get(summary_url(measure) + f"?back={back}")
    assert 'value="phase=3&amp;sort=name&amp;view=cards"' in page.content.decode()
    response = client.post(
        summary_url(measure),
        {"text": "Ok.", "back": "phase=3&sort=name&view=cards&next=https://evil.test"},
    )
    assert response["Location"] == (
        dashboard_url(organization) + f"?phase=3&sort=name&view=cards#measure-{measure.pk}"
    )


@pytest.mark.parametrize("value", ["0", "5", "62.5", "-3.25", "1234", "12345.5", "-1234567.0001"])
@pytest.mark.parametrize("language", ["nb", "nn", "en"])
def test_numbers_read_as_django_would_write_them(value, language):
    with translation.override(language):
        expected = number_format(Decimal(value), use_l10n=True)
        assert cards.format_number(value, language) == expected


def test_the_card_lists_the_decisions_of_the_period_unless_told_not_to():
    measure = {
        "id": 7,
        "name": "Leseglede",
        "program": "Trygg oppvekst",
        "unit": None,
        "phase": 4,
        "phase_since": "2026-03-01",
        "status": "green",
        "status_explanation": "",
        "summary": "",
        "comment": "",
        "indicators": [],
        "readiness": None,
        "continuation": None,
        "next_checkpoints": [],
        "decisions": [
            {
                "date": "2026-03-01",
                "kind": "phase",
                "from_phase": 3,
                "to_phase": 4,
                "outcome": None,
                "text": "Klar <for> drift",
                "by": "Kari",
            },
            {
                "date": "2026-04-30",
                "kind": "evaluation",
                "from_phase": None,
                "to_phase": None,
                "outcome": "adjust",
                "text": "",
                "by": "",
            },
        ],
    }
    context = {"measure": measure, "today": "2026-05-10"}
    with translation.override("en"):
        html = render_to_string("reports/includes/measure_card.html", context)
        hidden = render_to_string(
            "reports/includes/measure_card.html", {**context, "hide_decisions": True}
        )
    assert "Decision pending" in html
    assert "for 2 months" in html
    assert (
        "1 March 2026: Moved from III Implement to IV Continue (by Kari). Klar &lt;for&gt; drift"
        in html
    )
    assert "30 April 2026: Evaluation: Adjust" in html
    assert "Decisions in the period" not in hidden


def test_what_people_wrote_is_shown_as_text_never_as_markup(
    login, viewer, coordinator, organization, program
):
    """The card is built in Python (reports/cards.py): every name and text must be escaped,
    on the dashboard and in a published report alike."""
    from reports.publishing import publish
    from tests.factories import GoalFactory, ReportCommentFactory, ReportFactory

    attack = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    measure = MeasureFactory(
        program=program, name=f"Tiltak {attack}", status="red", status_explanation=attack
    )
    MeasureSummaryFactory(measure=measure, text=attack)
    goal = GoalFactory(measure=measure)
    # The unit column holds 40 characters: a short tag is enough to tell.
    IndicatorFactory(measure=measure, goal=goal, name=f"Indikator {attack}", unit="<b>%</b>")
    report = ReportFactory(organization=organization, introduction=attack)
    ReportCommentFactory(report=report, measure=measure, text=attack)
    published = publish(report, coordinator, today=TODAY)
    for page in (dashboard_url(organization), published.get_absolute_url()):
        html = login(viewer).get(page).content.decode()
        assert "<script>alert" not in html and "<img src=x" not in html, page
        assert "<b>%</b>" not in html, page
        assert "&lt;script&gt;alert" in html, page
