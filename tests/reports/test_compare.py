"""Comparing two published reports: pure functions on two contents, and the page."""

from __future__ import annotations

import copy
import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from reports.compare import compare, decisions_since, indicator_changes
from reports.publishing import previous_published, publish
from tests.factories import MeasureFactory, ProgramFactory, ReportFactory


def indicator(id, value="50", day="2026-04-01", attainment=25, **kwargs):
    return {
        "id": id,
        "name": f"Indikator {id}",
        "unit": "%",
        "direction": "higher",
        "baseline": "40",
        "target": "80",
        "target_date": "2027-06-30",
        "latest": {"value": value, "date": day} if value is not None else None,
        "previous": None,
        "attainment_percent": attainment,
        "trend": "unknown",
        **kwargs,
    }


def measure(id, name=None, phase=2, status="green", indicators=(), decisions=(), **kwargs):
    return {
        "id": id,
        "name": name or f"Tiltak {id}",
        "program": "Trygg oppvekst",
        "unit": None,
        "phase": phase,
        "phase_since": "2026-01-10",
        "status": status,
        "status_explanation": "",
        "summary": "",
        "comment": "",
        "indicators": list(indicators),
        "readiness": None,
        "continuation": None,
        "next_checkpoints": [],
        "decisions": list(decisions),
        **kwargs,
    }


def content(*measures, start="2026-01-01", end="2026-04-30"):
    return {
        "schema": 1,
        "organization": {"name": "Testvik kommune", "written_standard": "nb"},
        "title": "Tertialrapport",
        "kind": "four_months",
        "period": {"start": start, "end": end},
        "program": None,
        "introduction": "",
        "as_of": end,
        "published_at": None,
        "totals": {"measures": len(measures), "by_phase": {}, "by_status": {}},
        "measures": list(measures),
    }


def decision(day, kind="phase", **kwargs):
    base = {
        "date": day,
        "kind": kind,
        "from_phase": None,
        "to_phase": None,
        "outcome": None,
        "text": "",
        "by": "Kari Koordinator",
    }
    return {**base, **kwargs}


# --- pure functions ----------------------------------------------------------------------------


def test_it_finds_phase_moves_and_status_changes():
    older = content(measure(1, phase=2, status="green"), measure(2, phase=3, status="red"))
    newer = content(
        measure(1, phase=3, status="yellow", status_explanation="Mangler vikarer."),
        measure(2, phase=3, status="green"),
        start="2026-05-01",
        end="2026-08-31",
    )
    result = compare(older, newer)
    first, second = result.changes
    assert (first.phase_from, first.phase_to, first.phase_moved) == (2, 3, True)
    assert (first.status_from, first.status_to, first.status_direction) == (
        "green",
        "yellow",
        "worse",
    )
    assert first.status_explanation == "Mangler vikarer."
    assert not second.phase_moved
    assert second.status_direction == "better"
    assert (result.phase_moves, result.status_changes) == (1, 2)
    assert result.older_period == {"start": "2026-01-01", "end": "2026-04-30"}
    assert result.newer_period["end"] == "2026-08-31"


def test_a_measure_without_changes_is_listed_as_unchanged():
    same = measure(1, indicators=[indicator(10)])
    result = compare(content(same), content(copy.deepcopy(same)))
    assert result.changed == []
    assert [change.id for change in result.unchanged] == [1]
    assert result.changes[0].status_direction == ""


def test_indicators_are_matched_by_id_and_compared_as_numbers():
    older = measure(1, indicators=[indicator(10, "50"), indicator(11, "12.50"), indicator(12)])
    newer = measure(
        1,
        indicators=[
            indicator(10, "60", day="2026-08-01", attainment=50),
            indicator(11, "12.5"),  # the same value, written differently
            indicator(13, "70", attainment=75),  # new since
        ],
    )
    changes, gone = indicator_changes(older, newer)
    assert [(c.id, c.is_new) for c in changes] == [(10, False), (13, True)]
    changed = changes[0]
    assert (changed.before_value, changed.now_value) == ("50", "60")
    assert (changed.before_date, changed.now_date) == ("2026-04-01", "2026-08-01")
    assert (changed.before_attainment, changed.now_attainment, changed.attainment_change) == (
        25,
        50,
        25,
    )
    assert changes[1].before_value is None
    assert changes[1].attainment_change is None
    assert gone == ["Indikator 12"]


def test_a_first_measurement_counts_as_a_change():
    older = measure(1, indicators=[indicator(10, None, attainment=None)])
    newer = measure(1, indicators=[indicator(10, "45", attainment=13)])
    (change,), _gone = indicator_changes(older, newer)
    assert (change.before_value, change.now_value, change.now_attainment) == (None, "45", 13)


def test_decisions_since_are_those_after_the_older_period_end():
    decisions = [
        decision("2026-04-30", to_phase=3, from_phase=2),  # on the older report's last day
        decision("2026-06-15", kind="evaluation", outcome="adjust"),
        decision("2026-05-01", kind="continuation", outcome="continue"),
    ]
    found = decisions_since(measure(1, decisions=decisions), "2026-04-30")
    assert [d["date"] for d in found] == ["2026-05-01", "2026-06-15"]


def test_measures_added_and_no_longer_in_scope():
    older = content(measure(1), measure(2, name="Leksehjelp", phase=4, status="yellow"))
    newer = content(
        measure(1),
        measure(
            3, name="Familieteam", decisions=[decision("2026-06-01", from_phase=1, to_phase=2)]
        ),
    )
    result = compare(older, newer)
    assert [(e.id, e.name) for e in result.added] == [(3, "Familieteam")]
    assert len(result.added[0].decisions) == 1
    assert [(e.id, e.name, e.phase, e.status) for e in result.removed] == [
        (2, "Leksehjelp", 4, "yellow")
    ]
    assert result.decision_count == 1


def test_changes_follow_the_newer_reports_order_and_count_everything():
    older = content(measure(1, indicators=[indicator(10)]), measure(2))
    newer = content(
        measure(2, decisions=[decision("2026-07-01", kind="evaluation", outcome="continue")]),
        measure(1, indicators=[indicator(10, "70", attainment=75)]),
    )
    result = compare(older, newer)
    assert [c.id for c in result.changes] == [2, 1]
    assert [c.id for c in result.changed] == [2, 1]
    assert result.indicator_changes == 1
    assert result.decision_count == 1


def test_empty_and_older_contents_compare_without_errors():
    result = compare(content(), content(measure(1)))
    assert [e.id for e in result.added] == [1]
    assert result.removed == []
    # A content missing optional keys (an older schema) still compares.
    bare = {"measures": [{"id": 1, "name": "Tiltak", "phase": 1, "status": "green"}]}
    assert compare(bare, bare).changed == []


# --- the page ---------------------------------------------------------------------------------


@pytest.fixture
def english(viewer, coordinator):
    for user in (viewer, coordinator):
        user.language = "en"
        user.save()


def publish_at(report, user, when):
    with time_machine.travel(when, tick=False):
        return publish(report, user)


def test_the_previous_report_has_the_same_scope_and_was_published_before(organization, coordinator):
    program = ProgramFactory(organization=organization)
    other_program = ProgramFactory(organization=organization)
    MeasureFactory(program=program)
    MeasureFactory(program=other_program)
    whole = ReportFactory(organization=organization)
    scoped = ReportFactory(organization=organization, program=program)
    other = ReportFactory(organization=organization, program=other_program)
    may = dt.datetime(2026, 5, 5, 10, tzinfo=dt.UTC)
    first_whole = publish_at(whole, coordinator, may)
    first_scoped = publish_at(scoped, coordinator, may)
    publish_at(other, coordinator, may + dt.timedelta(days=1))
    second_scoped = publish_at(scoped, coordinator, may + dt.timedelta(days=100))
    later_whole_of_another_report = publish_at(
        ReportFactory(organization=organization), coordinator, may + dt.timedelta(days=120)
    )
    assert previous_published(first_scoped) is None
    assert previous_published(second_scoped) == first_scoped
    # The same scope (the whole organisation) counts, even from another composition.
    assert previous_published(later_whole_of_another_report) == first_whole


def test_the_page_shows_what_changed(login, viewer, coordinator, organization, english):
    program = ProgramFactory(organization=organization, name="Trygg oppvekst")
    stays = MeasureFactory(program=program, name="Trygge friminutt")
    leaves = MeasureFactory(program=program, name="Leksehjelp")
    report = ReportFactory(organization=organization)
    first = publish_at(report, coordinator, dt.datetime(2026, 5, 2, 9, tzinfo=dt.UTC))
    stays.phase, stays.status, stays.status_explanation = 3, "red", "Mangler folk."
    stays.save()
    leaves.is_archived = True
    leaves.save()
    MeasureFactory(program=program, name="Familieteam")
    second = publish_at(report, coordinator, dt.datetime(2026, 9, 2, 9, tzinfo=dt.UTC))

    response = login(viewer).get(
        reverse("published_report_compare", args=[organization.slug, second.pk])
    )
    assert response.status_code == 200
    comparison = response.context["comparison"]
    assert response.context["previous"] == first
    (change,) = comparison.changed
    assert (change.name, change.phase_from, change.phase_to) == ("Trygge friminutt", 1, 3)
    assert [e.name for e in comparison.added] == ["Familieteam"]
    assert [e.name for e in comparison.removed] == ["Leksehjelp"]
    html = response.content.decode()
    assert "Trygge friminutt" in html
    assert "Familieteam" in html
    assert "Leksehjelp" in html


def test_nothing_to_compare_with_is_said_plainly(login, viewer, coordinator, organization, english):
    MeasureFactory(program=ProgramFactory(organization=organization))
    published = publish(ReportFactory(organization=organization), coordinator)
    response = login(viewer).get(
        reverse("published_report_compare", args=[organization.slug, published.pk])
    )
    assert response.status_code == 200
    assert response.context["comparison"] is None
    assert "nothing to compare with" in response.content.decode()


def test_another_organisations_report_is_not_found(
    login, viewer, coordinator, organization, other_organization
):
    MeasureFactory(program=ProgramFactory(organization=other_organization))
    theirs = publish(ReportFactory(organization=other_organization), coordinator)
    response = login(viewer).get(
        reverse("published_report_compare", args=[organization.slug, theirs.pk])
    )
    assert response.status_code == 404
