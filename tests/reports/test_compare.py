"""Comparing two published reports: pure functions on two contents, and the page."""

from __future__ import annotations

import copy
import datetime as dt
import re
import zoneinfo
from decimal import Decimal
from html import unescape

import pytest
import time_machine
from django.urls import reverse

from measures.models import Evaluation
from phases.models import PhaseTransition
from reports.compare import compare, decisions_since, indicator_changes
from reports.publishing import previous_published, publish
from tests.factories import (
    EvaluationFactory,
    GoalFactory,
    IndicatorFactory,
    MeasureFactory,
    MeasurementFactory,
    ProgramFactory,
    ReportFactory,
)


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
    assert [(g.name, g.is_removed) for g in gone] == [("Indikator 12", True)]


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


def test_a_decision_recorded_after_the_older_report_was_published_is_since_whatever_its_date():
    published = "2026-05-03T09:00:00+00:00"
    decisions = [
        # Dated in the older period and recorded before it was published: the older report
        # had it.
        {**decision("2026-04-20"), "recorded": "2026-04-21T08:00:00+00:00"},
        # Dated in the older period but recorded after it was published: new to the reader.
        {**decision("2026-04-28", kind="continuation"), "recorded": "2026-05-03T09:00:01+00:00"},
        # Recorded at the very moment of publishing: the older report could have had it.
        {**decision("2026-04-29", kind="evaluation"), "recorded": published},
    ]
    found = decisions_since(measure(1, decisions=decisions), "2026-04-30", published)
    assert [(d["date"], d.get("late")) for d in found] == [("2026-04-28", True)]
    # Without the older report's publishing moment (or the decision's), the date decides.
    assert decisions_since(measure(1, decisions=decisions), "2026-04-30") == []


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


# --- what counts as a change: each case a politician may meet ----------------------------------


def one_indicator_change(old, new):
    changes, gone = indicator_changes(measure(1, indicators=[old]), measure(1, indicators=[new]))
    assert gone == []
    return changes


def test_a_decision_dated_inside_the_older_reports_period_is_not_since():
    """The newer report covers the whole year so far, and so holds the decisions of the older
    report's period too: only those dated after that period are "since"."""
    decisions = [
        decision("2026-03-10", from_phase=1, to_phase=2),  # inside the older period
        decision("2026-04-30", kind="evaluation", outcome="adjust"),  # its last day
        decision("2026-05-01", from_phase=2, to_phase=3),  # the day after
    ]
    older = content(measure(1), measure(2), end="2026-04-30")
    newer = content(
        measure(1, decisions=decisions),
        measure(2, decisions=[decision("2026-04-02", kind="continuation", outcome="stop")]),
        measure(3, decisions=[decision("2026-01-15"), decision("2026-06-01")]),  # added
        start="2026-01-01",
        end="2026-08-31",
    )
    result = compare(older, newer)
    first, second = result.changes
    assert [d["date"] for d in first.decisions] == ["2026-05-01"]
    assert second.decisions == []
    assert not second.has_changes
    assert [d["date"] for d in result.added[0].decisions] == ["2026-06-01"]
    assert result.decision_count == 2


def test_a_new_measurement_with_the_same_value_is_listed_as_measured_again_not_as_a_change():
    (change,) = one_indicator_change(
        indicator(10, "50", day="2026-04-01"), indicator(10, "50.0", day="2026-08-01")
    )
    assert change.measured_again
    assert not change.changed
    assert not change.value_changed
    assert change.attainment_change == 0
    result = compare(
        content(measure(1, indicators=[indicator(10, "50", day="2026-04-01")])),
        content(measure(1, indicators=[indicator(10, "50", day="2026-08-01")])),
    )
    assert (result.indicator_changes, result.measured_again) == (0, 1)
    # The measure is shown (its figure is current), not among those without changes.
    assert [c.id for c in result.changed] == [1]


def test_the_same_value_on_the_same_date_is_no_change_at_all():
    assert one_indicator_change(indicator(10, "50"), indicator(10, "50")) == []


def test_a_changed_target_is_a_change_even_with_the_same_latest_value():
    (change,) = one_indicator_change(
        indicator(10, "50", attainment=25, target="80"),
        indicator(10, "50", attainment=50, target="60"),
    )
    assert change.changed and change.target_changed
    assert not (change.value_changed or change.measured_again or change.baseline_changed)
    assert (change.before_target, change.now_target) == ("80", "60")
    assert (change.before_attainment, change.now_attainment, change.attainment_change) == (
        25,
        50,
        25,
    )
    # Still below the baseline: the attainment stays 0 %, but the target moved.
    (change,) = one_indicator_change(
        indicator(10, "30", attainment=0, target="80"),
        indicator(10, "30", attainment=0, target="90"),
    )
    assert change.changed and change.target_changed
    # The same target written differently is no change.
    assert one_indicator_change(indicator(10, target="80"), indicator(10, target="80.00")) == []


def test_a_changed_baseline_is_a_change():
    (change,) = one_indicator_change(
        indicator(10, "50", attainment=25, baseline="40"),
        indicator(10, "50", attainment=50, baseline="30"),
    )
    assert change.changed and change.baseline_changed and not change.target_changed


def test_an_attainment_that_moved_alone_is_still_shown():
    # An older report kept a percentage worked out otherwise: the reader sees both.
    (change,) = one_indicator_change(indicator(10, attainment=24), indicator(10, attainment=25))
    assert change.changed and change.attainment_change == 1


def test_a_removed_indicator_is_listed_with_what_the_older_report_showed():
    older = measure(1, indicators=[indicator(10), indicator(11, "47.5", attainment=19)])
    changes, gone = indicator_changes(older, measure(1, indicators=[indicator(10)]))
    assert changes == []
    (removed,) = gone
    assert removed.is_removed and not removed.changed
    assert (removed.name, removed.before_value, removed.before_date) == (
        "Indikator 11",
        "47.5",
        "2026-04-01",
    )
    assert (removed.before_attainment, removed.now_value, removed.now_attainment) == (
        19,
        None,
        None,
    )
    result = compare(content(older), content(measure(1, indicators=[indicator(10)])))
    assert (result.removed_indicators, result.indicator_changes) == (1, 0)
    assert [c.id for c in result.changed] == [1]


def test_a_new_indicator_without_a_measurement_is_listed_as_new():
    older = measure(1, indicators=[indicator(10)])
    newer = measure(1, indicators=[indicator(10), indicator(11, None, attainment=None)])
    (change,), gone = indicator_changes(older, newer)
    assert gone == []
    assert (change.id, change.is_new, change.now_value, change.now_attainment) == (
        11,
        True,
        None,
        None,
    )
    assert not (change.changed or change.first_measurement or change.measured_again)
    result = compare(content(older), content(newer))
    assert (result.new_indicators, result.indicator_changes) == (1, 0)


def test_a_first_measurement_and_a_lost_one_are_changes():
    (first,) = one_indicator_change(
        indicator(10, None, attainment=None), indicator(10, "45", attainment=13)
    )
    assert first.first_measurement and first.changed
    (lost,) = one_indicator_change(indicator(10, "45"), indicator(10, None, attainment=None))
    assert lost.no_longer_measured and lost.changed


@pytest.mark.parametrize(
    ("before", "now", "changed"),
    [
        ("12.5", "12.50", False),
        ("12.5", "12.5000", False),
        ("12.5", "12.51", True),
        ("12.51", "12.5", True),
        ("0.0001", "0", True),
    ],
)
def test_only_a_different_number_is_a_change_whatever_its_decimals(before, now, changed):
    found = one_indicator_change(indicator(10, before), indicator(10, now))
    assert bool(found) == changed
    if changed:
        (change,) = found
        assert (change.before_value, change.now_value) == (before, now)  # as written
        assert change.value_changed and change.corrected  # the same date: a correction


# --- the page, in every language ----------------------------------------------------------------


def moved(measure_, from_phase, to_phase, at, user):
    move = PhaseTransition.objects.create(
        measure=measure_, from_phase=from_phase, to_phase=to_phase, decided_by=user
    )
    PhaseTransition.objects.filter(pk=move.pk).update(decided_at=at)


OSLO = zoneinfo.ZoneInfo("Europe/Oslo")


@pytest.fixture
def two_reports(organization, coordinator):
    """A four-month report (January to April), then one for the year so far (January to
    August), with every kind of indicator change and decisions either side of 30 April."""
    program = ProgramFactory(organization=organization, name="Trygg oppvekst")
    measure_ = MeasureFactory(program=program, name="Trygge friminutt", phase=2)

    def add(name, **kwargs):
        return IndicatorFactory(
            goal=GoalFactory(measure=measure_), name=name, unit="elever", **kwargs
        )

    again = add("Trivsel")
    MeasurementFactory(indicator=again, date=dt.date(2026, 4, 1), value=Decimal(50))
    target = add("Lesing")
    MeasurementFactory(indicator=target, date=dt.date(2026, 4, 1), value=Decimal(50))
    decimals = add(
        "Fravær", direction="lower", baseline_value=Decimal(20), target_value=Decimal(10)
    )
    MeasurementFactory(indicator=decimals, date=dt.date(2026, 4, 1), value=Decimal("12.5"))
    gone = add("Oppmøte")
    MeasurementFactory(indicator=gone, date=dt.date(2026, 4, 1), value=Decimal("47.5"))
    # Decisions: inside the first period, on its last day (late evening in Oslo) and on the
    # day after (just after midnight in Oslo, still 30 April in UTC).
    moved(measure_, 1, 2, dt.datetime(2026, 3, 10, 10, tzinfo=OSLO), coordinator)
    moved(measure_, 2, 3, dt.datetime(2026, 4, 30, 23, 30, tzinfo=OSLO), coordinator)
    moved(measure_, 3, 2, dt.datetime(2026, 5, 1, 0, 30, tzinfo=OSLO), coordinator)
    for end, outcome in ((dt.date(2026, 4, 30), "adjust"), (dt.date(2026, 5, 1), "stop")):
        evaluation = EvaluationFactory(measure=measure_, period_end=end, decision=outcome)
        # Recorded on the day it ends, as a team would: none of them came in late.
        Evaluation.objects.filter(pk=evaluation.pk).update(
            created_at=dt.datetime.combine(end, dt.time(15), tzinfo=OSLO)
        )
    first = publish_at(
        ReportFactory(organization=organization),
        coordinator,
        dt.datetime(2026, 5, 2, 9, tzinfo=dt.UTC),
    )

    MeasurementFactory(indicator=again, date=dt.date(2026, 8, 1), value=Decimal("50.00"))
    target.target_value = Decimal(60)
    target.save()
    MeasurementFactory(indicator=decimals, date=dt.date(2026, 8, 1), value=Decimal("12.51"))
    gone.delete()
    add("Venner")  # new, not measured yet
    year = ReportFactory(
        organization=organization,
        title="Året så langt",
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2026, 8, 31),
    )
    second = publish_at(year, coordinator, dt.datetime(2026, 9, 2, 9, tzinfo=dt.UTC))
    return first, second


def test_the_frozen_reports_compare_as_a_politician_needs(two_reports):
    first, second = two_reports
    result = compare(first.content, second.content)
    (change,) = result.changes
    # The newer report holds every decision of its period; only those after 30 April count.
    assert len(second.content["measures"][0]["decisions"]) == 5
    assert [(d["date"], d["kind"]) for d in change.decisions] == [
        ("2026-05-01", "phase"),
        ("2026-05-01", "evaluation"),
    ]
    by_name = {indicator.name: indicator for indicator in change.indicators}
    assert set(by_name) == {"Trivsel", "Lesing", "Fravær", "Venner"}
    assert by_name["Trivsel"].measured_again and not by_name["Trivsel"].changed
    assert by_name["Lesing"].target_changed
    assert (by_name["Lesing"].before_attainment, by_name["Lesing"].now_attainment) == (25, 50)
    assert (by_name["Fravær"].before_value, by_name["Fravær"].now_value) == ("12.5", "12.51")
    # 12.5 and 12.51 of 20 → 10 are both 75 % (74.9 rounds to 75): only the value moved.
    assert by_name["Fravær"].attainment_change == 0 and by_name["Fravær"].changed
    assert by_name["Venner"].is_new and by_name["Venner"].now_value is None
    assert [g.name for g in change.removed_indicators] == ["Oppmøte"]
    assert (
        result.indicator_changes,
        result.measured_again,
        result.new_indicators,
        result.removed_indicators,
        result.decision_count,
    ) == (2, 1, 1, 1, 2)


PAGE_WORDS = {
    "en": (
        "1 indicator measured again with the same value",
        "Unchanged value, measured again on 01.08.2026",
        "Target changed from 80 to 60 elever",
        "New indicator, not measured yet",
        "No longer in the report",
        "Decisions since the previous report (dated after 30.04.2026, the end of its period)",
    ),
    "nb": (
        "1 indikator er målt på nytt med samme verdi",
        "Uendret verdi, målt på nytt 01.08.2026",
        "Målverdien er endret fra 80 til 60 elever",
        "Ny indikator, ikke målt ennå",
        "Ikke lenger med i rapporten",
        "Beslutninger siden forrige rapport (datert etter 30.04.2026, da den rapportens periode"
        " sluttet)",
    ),
    "nn": (
        "1 indikator er målt på nytt med same verdi",
        "Uendra verdi, målt på nytt 01.08.2026",
        "Målverdien er endra frå 80 til 60 elever",
        "Ny indikator, ikkje målt enno",
        "Ikkje lenger med i rapporten",
        "Avgjerder sidan førre rapport (datert etter 30.04.2026, då perioden til den rapporten"
        " slutta)",
    ),
}


@pytest.mark.parametrize("language", ["en", "nb", "nn"])
def test_the_page_says_each_change_in_words_in_every_language(
    login, viewer, organization, two_reports, language
):
    _first, second = two_reports
    viewer.language = language
    viewer.save()
    response = login(viewer).get(
        reverse("published_report_compare", args=[organization.slug, second.pk])
    )
    html = response.content.decode()
    text = re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html))).replace("\xa0", " ")
    for words in PAGE_WORDS[language]:
        assert words in text, words
    # The decimals are shown as they are, never rounded away: 12,5 before, 12,51 now.
    # The name may be in a <span lang> (the organisation's words in another language's page).
    assert re.search(r"Fravær(</span>)?\s*</th>\s*<td>12,5 elever", html)
    assert "12,51 elever" in text
    # Both decisions after 30 April, none before.
    assert text.count("01.05.2026:") == 2
    assert "10.03.2026:" not in text and "30.04.2026:" not in text
