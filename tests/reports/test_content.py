"""The status of measures as plain data: values, scope, JSON and a fixed number of queries."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from django.utils.translation import gettext

from measures.models import Evaluation, EvaluationCorrection, Indicator
from phases.models import PhaseTransition, TransitionCorrection
from reports.content import measures_content, report_content
from tests.factories import (
    ContinuationDecisionFactory,
    EvaluationCycleFactory,
    EvaluationFactory,
    EventFactory,
    IndicatorFactory,
    MeasureFactory,
    MeasurementFactory,
    MeasureSummaryFactory,
    PilotIterationFactory,
    ProgramFactory,
    ReportCommentFactory,
    ReportFactory,
    ServiceComponentFactory,
    UnitFactory,
)

TODAY = dt.date(2026, 5, 10)
NOW = "2026-05-10T12:00:00+00:00"  # the frozen moment, as the content writes it


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(dt.datetime(2026, 5, 10, 12, 0, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def program(organization):
    return ProgramFactory(organization=organization, name="Trygg oppvekst")


def measure_in(program, **kwargs):
    return MeasureFactory(program=program, **kwargs)


def move(measure, user, from_phase, to_phase, when, reason=""):
    transition = PhaseTransition.objects.create(
        measure=measure, from_phase=from_phase, to_phase=to_phase, decided_by=user, reason=reason
    )
    # decided_at is auto_now_add: set the moment afterwards.
    PhaseTransition.objects.filter(pk=transition.pk).update(decided_at=when)
    return transition


def at(day):
    return dt.datetime.combine(day, dt.time(10, 0), tzinfo=dt.UTC)


def only(content, measure):
    (found,) = [m for m in content if m["id"] == measure.pk]
    return found


# --- the measure -----------------------------------------------------------------------------


def test_it_describes_a_measure_in_plain_data(organization, program, coordinator):
    unit = UnitFactory(organization=organization, name="Nordbyen skole")
    measure = measure_in(
        program,
        name="Trygge friminutt",
        phase=2,
        status="yellow",
        status_explanation="Mangler vikarer.",
        responsible_unit=unit,
    )
    MeasureSummaryFactory(measure=measure, text="Godt i gang.")
    move(measure, coordinator, 1, 2, at(dt.date(2026, 2, 3)))

    (found,) = measures_content(organization)

    assert found["id"] == measure.pk
    assert found["name"] == "Trygge friminutt"
    assert found["program"] == "Trygg oppvekst"
    assert found["unit"] == "Nordbyen skole"
    assert found["phase"] == 2
    assert found["phase_since"] == "2026-02-03"
    assert found["status"] == "yellow"
    assert found["status_explanation"] == "Mangler vikarer."
    assert found["summary"] == "Godt i gang."
    assert found["comment"] == ""
    assert found["readiness"] is None
    assert found["continuation"] is None
    assert found["decisions"] == []


def test_without_summary_unit_or_transition(organization, program):
    measure = measure_in(program)
    (found,) = measures_content(organization)
    assert found["summary"] == ""
    assert found["unit"] is None
    assert found["phase_since"] == timezone.localdate(measure.created_at).isoformat()


def test_phase_since_is_the_last_move_into_the_current_phase(organization, program, coordinator):
    measure = measure_in(program, phase=3)
    move(measure, coordinator, 2, 3, at(dt.date(2025, 9, 1)))
    move(measure, coordinator, 3, 2, at(dt.date(2025, 11, 1)), reason="Back to planning")
    move(measure, coordinator, 2, 3, at(dt.date(2026, 1, 15)))
    move(measure, coordinator, 1, 2, at(dt.date(2026, 3, 1)))  # into another phase: ignored
    assert only(measures_content(organization), measure)["phase_since"] == "2026-01-15"


def test_measures_are_sorted_by_programme_then_name(organization):
    second = ProgramFactory(organization=organization, name="B-programmet")
    first = ProgramFactory(organization=organization, name="A-programmet")
    measure_in(second, name="Alfa")
    measure_in(first, name="Omega")
    measure_in(first, name="Beta")
    names = [(m["program"], m["name"]) for m in measures_content(organization)]
    assert names == [
        ("A-programmet", "Beta"),
        ("A-programmet", "Omega"),
        ("B-programmet", "Alfa"),
    ]


def test_archived_measures_and_other_organisations_are_left_out(
    organization, other_organization, program
):
    kept = measure_in(program)
    measure_in(program, is_archived=True)
    elsewhere = MeasureFactory(program=ProgramFactory(organization=other_organization))
    IndicatorFactory(measure=elsewhere, goal__measure=elsewhere)
    content = measures_content(organization)
    assert [m["id"] for m in content] == [kept.pk]
    assert content[0]["indicators"] == []


def test_a_programme_narrows_the_scope(organization, program):
    inside = measure_in(program)
    measure_in(ProgramFactory(organization=organization))
    assert [m["id"] for m in measures_content(organization, program=program)] == [inside.pk]


# --- indicators ------------------------------------------------------------------------------


def indicator_of(measure, **kwargs):
    return IndicatorFactory(goal__measure=measure, **kwargs)


def test_latest_and_previous_are_taken_as_of_a_date(organization, program):
    measure = measure_in(program)
    indicator = indicator_of(
        measure, baseline_value=Decimal("40"), target_value=Decimal("80"), name="Trives"
    )
    for day, value in [
        (dt.date(2026, 1, 10), "45.5000"),
        (dt.date(2026, 2, 10), "50"),
        (dt.date(2026, 3, 10), "60"),
    ]:
        MeasurementFactory(indicator=indicator, date=day, value=Decimal(value))

    (now,) = only(measures_content(organization), measure)["indicators"]
    assert now["latest"] == {"value": "60", "date": "2026-03-10"}
    assert now["previous"] == {"value": "50", "date": "2026-02-10"}
    assert now["attainment_percent"] == 50
    assert now["trend"] == "improving"
    assert now["baseline"] == "40"
    assert now["target"] == "80"
    assert now["target_date"] == "2027-06-30"
    assert now["name"] == "Trives"
    assert now["unit"] == "%"
    assert now["direction"] == "higher"

    (then,) = only(measures_content(organization, as_of=dt.date(2026, 2, 28)), measure)[
        "indicators"
    ]
    assert then["latest"] == {"value": "50", "date": "2026-02-10"}
    assert then["previous"] == {"value": "45.5", "date": "2026-01-10"}
    assert then["attainment_percent"] == 25

    (first,) = only(measures_content(organization, as_of=dt.date(2026, 1, 10)), measure)[
        "indicators"
    ]
    assert first["latest"] == {"value": "45.5", "date": "2026-01-10"}
    assert first["previous"] is None
    assert first["trend"] == "unknown"


def test_an_indicator_without_measurements(organization, program):
    measure = measure_in(program)
    indicator_of(measure)
    (found,) = only(measures_content(organization), measure)["indicators"]
    assert found["latest"] is None
    assert found["previous"] is None
    assert found["attainment_percent"] is None
    assert found["trend"] == "unknown"


def test_trend_follows_the_direction(organization, program):
    measure = measure_in(program)
    lower = indicator_of(
        measure,
        direction=Indicator.Direction.LOWER,
        baseline_value=Decimal("30"),
        target_value=Decimal("10"),
    )
    higher = indicator_of(measure)
    flat = indicator_of(measure)
    for indicator, values in [(lower, ["25", "20"]), (higher, ["60", "55"]), (flat, ["50", "50"])]:
        for day, value in zip([dt.date(2026, 1, 1), dt.date(2026, 2, 1)], values, strict=True):
            MeasurementFactory(indicator=indicator, date=day, value=Decimal(value))

    found = {i["id"]: i for i in only(measures_content(organization), measure)["indicators"]}
    assert found[lower.pk]["trend"] == "improving"
    assert found[lower.pk]["attainment_percent"] == 50  # 30 → 20 of 30 → 10
    assert found[higher.pk]["trend"] == "worsening"
    assert found[flat.pk]["trend"] == "flat"


def test_attainment_is_clamped(organization, program):
    measure = measure_in(program)
    beyond = indicator_of(measure)
    behind = indicator_of(measure)
    MeasurementFactory(indicator=beyond, value=Decimal("95"), date=dt.date(2026, 3, 1))
    MeasurementFactory(indicator=behind, value=Decimal("30"), date=dt.date(2026, 3, 1))
    found = {i["id"]: i for i in only(measures_content(organization), measure)["indicators"]}
    assert found[beyond.pk]["attainment_percent"] == 100
    assert found[behind.pk]["attainment_percent"] == 0


# --- readiness, continuation, checkpoints ----------------------------------------------------


def test_readiness_counts_the_components_of_phase_iii(organization, program):
    measure = measure_in(program, phase=3)
    lap = PilotIterationFactory(measure=measure)
    ServiceComponentFactory(measure=measure, described_on=TODAY, piloted_in=lap)
    ServiceComponentFactory(measure=measure, described_on=TODAY)
    ServiceComponentFactory(measure=measure, piloted_in=lap)
    ServiceComponentFactory(measure=measure)
    empty = measure_in(program, phase=3)
    earlier = measure_in(program, phase=2)
    ServiceComponentFactory(measure=earlier, described_on=TODAY)

    content = measures_content(organization)
    assert only(content, measure)["readiness"] == {
        "components": 4,
        "described": 2,
        "piloted": 2,
        "ready": 1,
        "missing_kinds": ["work_process", "role", "responsibility"],
        "exit_rule_met": False,
    }
    assert only(content, empty)["readiness"] == {
        "components": 0,
        "described": 0,
        "piloted": 0,
        "ready": 0,
        "missing_kinds": ["work_process", "role", "responsibility", "routine"],
        "exit_rule_met": False,
    }
    assert only(content, earlier)["readiness"] is None


def test_continuation_is_pending_or_made(organization, program):
    pending = measure_in(program, phase=4)
    made = measure_in(program, phase=4)
    ContinuationDecisionFactory(
        measure=made, outcome="adjust", decision_maker="Kommunestyret", decided_on=TODAY
    )
    content = measures_content(organization)
    assert only(content, pending)["continuation"] is None
    assert only(content, made)["continuation"] == {
        "outcome": "adjust",
        "decision_maker": "Kommunestyret",
        "decided_on": "2026-05-10",
        "version": 1,
        "corrections": [],
    }


def test_the_continuation_is_the_latest_version_with_every_correction(
    organization, program, coordinator
):
    coordinator.full_name = "Kari Koordinator"
    coordinator.save()
    measure = measure_in(program, phase=4)
    ContinuationDecisionFactory(measure=measure, outcome="adjust", decided_on=TODAY)
    ContinuationDecisionFactory(
        measure=measure,
        number=2,
        outcome="stop",
        decided_on=TODAY,
        correction_reason="Feil vedtak registrert.",
        recorded_by=coordinator,
        recorded_at=at(dt.date(2026, 5, 12)),
    )
    continuation = only(measures_content(organization), measure)["continuation"]
    assert (continuation["outcome"], continuation["version"]) == ("stop", 2)
    assert continuation["corrections"] == [
        {
            "date": "2026-05-12",
            "recorded": "2026-05-12T10:00:00+00:00",
            "outcome": "stop",
            "was": "adjust",
            "reason": "Feil vedtak registrert.",
            "by": "Kari Koordinator",
        }
    ]


def test_next_checkpoints_are_the_first_three_within_120_days(organization, program):
    measure = measure_in(program)
    other = measure_in(program)
    for day, title in [
        (dt.date(2026, 7, 1), "C"),
        (dt.date(2026, 5, 20), "A"),
        (dt.date(2026, 6, 1), "B"),
        (dt.date(2026, 8, 1), "D"),  # a fourth: left out
        (dt.date(2026, 5, 1), "Past"),
        (dt.date(2026, 12, 1), "Too far"),
    ]:
        EventFactory(organization=organization, measure=measure, start_date=day, title=title)
    EventFactory(organization=organization, start_date=dt.date(2026, 5, 15), title="Common")

    content = measures_content(organization)
    assert only(content, measure)["next_checkpoints"] == [
        {"title": "A", "date": "2026-05-20", "kind": "checkpoint"},
        {"title": "B", "date": "2026-06-01", "kind": "checkpoint"},
        {"title": "C", "date": "2026-07-01", "kind": "checkpoint"},
    ]
    assert only(content, other)["next_checkpoints"] == []


# --- decisions within a period ---------------------------------------------------------------

PERIOD = (dt.date(2026, 1, 1), dt.date(2026, 4, 30))


def test_decisions_are_listed_only_inside_the_period(organization, program, coordinator):
    coordinator.full_name = "Kari Koordinator"
    coordinator.save()
    measure = measure_in(program, phase=4)
    move(measure, coordinator, 2, 3, at(dt.date(2025, 12, 31)))  # before
    move(measure, coordinator, 3, 4, at(dt.date(2026, 3, 1)), reason="Klar")
    move(measure, coordinator, 4, 3, at(dt.date(2026, 5, 2)))  # after
    ContinuationDecisionFactory(
        measure=measure, outcome="continue", decided_on=dt.date(2026, 4, 30)
    )
    EvaluationFactory(
        measure=measure,
        period_start=dt.date(2025, 12, 1),
        period_end=dt.date(2026, 1, 31),
        decision="adjust",
        next_steps="Flere voksne ute",
        created_by=coordinator,
    )
    EvaluationFactory(
        measure=measure, period_start=dt.date(2026, 4, 1), period_end=dt.date(2026, 5, 31)
    )
    late = measure_in(program, phase=4)
    ContinuationDecisionFactory(measure=late, decided_on=dt.date(2026, 5, 1))

    content = measures_content(organization, period=PERIOD)
    assert only(content, measure)["decisions"] == [
        {
            "date": "2026-01-31",
            "kind": "evaluation",
            "from_phase": None,
            "to_phase": None,
            "outcome": "adjust",
            "text": "Flere voksne ute",
            "by": "Kari Koordinator",
            "corrected": False,
            "recorded": NOW,
        },
        {
            "date": "2026-03-01",
            "kind": "phase",
            "from_phase": 3,
            "to_phase": 4,
            "outcome": None,
            "text": "Klar",
            "by": "Kari Koordinator",
            "overridden": False,
            "registration": False,
            "corrected": False,
            "recorded": "2026-03-01T10:00:00+00:00",
        },
        {
            "date": "2026-04-30",
            "kind": "continuation",
            "from_phase": None,
            "to_phase": None,
            "outcome": "continue",
            "text": "",
            "by": "Kommunestyret",
            "corrected": False,
            "recorded": NOW,
        },
    ]
    assert only(content, late)["decisions"] == []
    assert only(measures_content(organization), measure)["decisions"] == []


def test_decisions_stand_as_corrected_and_each_correction_is_a_decision_of_its_period(
    organization, program, coordinator
):
    coordinator.full_name = "Kari Koordinator"
    coordinator.save()
    measure = measure_in(program, phase=4)
    moved = move(measure, coordinator, 3, 4, at(dt.date(2026, 2, 1)), reason="Vedtatt.")
    moved.overridden = True
    PhaseTransition.objects.filter(pk=moved.pk).update(overridden=True)
    TransitionCorrection.objects.create(
        transition=moved,
        number=2,
        justification="Kommunestyret vedtok videreføring 28.01.",
        correction_reason="Begrunnelsen manglet vedtaket.",
        recorded_by=coordinator,
        recorded_at=at(dt.date(2026, 4, 2)),
    )
    evaluation = EvaluationFactory(
        measure=measure,
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2026, 3, 31),
        decision="continue",
    )
    EvaluationCorrection.objects.create(
        evaluation=evaluation,
        number=2,
        tried=evaluation.tried,
        decision="adjust",
        next_steps="Færre møter.",
        correction_reason="Feil beslutning registrert.",
        recorded_by=coordinator,
        recorded_at=at(dt.date(2026, 4, 20)),
    )
    # A correction outside the period is not one of its decisions.
    EvaluationCorrection.objects.create(
        evaluation=evaluation,
        number=3,
        tried=evaluation.tried,
        decision="adjust",
        next_steps="Færre møter, kortere møter.",
        correction_reason="Presisert.",
        recorded_by=coordinator,
        recorded_at=at(dt.date(2026, 5, 2)),
    )
    decisions = only(measures_content(organization, period=PERIOD), measure)["decisions"]
    phase, evaluated, corrected_move, corrected_evaluation = decisions
    assert (phase["kind"], phase["overridden"], phase["corrected"]) == ("phase", True, True)
    assert phase["text"] == "Kommunestyret vedtok videreføring 28.01."
    # The evaluation as it stands now (version 3), though corrected after the period.
    assert (evaluated["outcome"], evaluated["text"]) == ("adjust", "Færre møter, kortere møter.")
    assert corrected_move == {
        "date": "2026-04-02",
        "kind": "correction",
        "record": "phase",
        "from_phase": 3,
        "to_phase": 4,
        "outcome": None,
        "text": "Begrunnelsen manglet vedtaket.",
        "by": "Kari Koordinator",
        "recorded": "2026-04-02T10:00:00+00:00",
    }
    assert (corrected_evaluation["record"], corrected_evaluation["date"]) == (
        "evaluation",
        "2026-04-20",
    )
    assert corrected_evaluation["text"] == "Feil beslutning registrert."


def test_a_decision_dated_before_the_period_but_recorded_in_it_is_listed(
    organization, program, coordinator
):
    """A decision typed in late must not fall between two reports: dated 20 December, recorded
    on 5 January, it is one of the January–April report's decisions."""
    measure = measure_in(program, phase=4)
    ContinuationDecisionFactory(
        measure=measure, decided_on=dt.date(2025, 12, 20), recorded_at=at(dt.date(2026, 1, 5))
    )
    late_evaluation = EvaluationFactory(
        measure=measure, period_start=dt.date(2025, 9, 1), period_end=dt.date(2025, 12, 31)
    )
    Evaluation.objects.filter(pk=late_evaluation.pk).update(created_at=at(dt.date(2026, 1, 6)))
    on_time = EvaluationFactory(
        measure=measure, period_start=dt.date(2025, 5, 1), period_end=dt.date(2025, 8, 31)
    )
    Evaluation.objects.filter(pk=on_time.pk).update(created_at=at(dt.date(2025, 9, 2)))
    decisions = only(measures_content(organization, period=PERIOD), measure)["decisions"]
    assert [(d["kind"], d["date"]) for d in decisions] == [
        ("continuation", "2025-12-20"),
        ("evaluation", "2025-12-31"),
    ]
    assert decisions[0]["recorded"] == "2026-01-05T10:00:00+00:00"


def test_a_registered_or_overridden_phase_shows_how_the_measure_came_there(
    organization, program, coordinator
):
    registered = measure_in(program, phase=3)
    PhaseTransition.objects.filter(
        pk=move(registered, coordinator, 1, 3, at(dt.date(2026, 1, 5)), reason="x").pk
    ).update(kind="registration")
    overridden = measure_in(program, phase=4)
    PhaseTransition.objects.filter(
        pk=move(overridden, coordinator, 3, 4, at(dt.date(2026, 2, 5)), reason="y").pk
    ).update(overridden=True)
    walked = measure_in(program, phase=2)
    move(walked, coordinator, 1, 2, at(dt.date(2026, 3, 5)))
    started = measure_in(program, phase=1)
    content = measures_content(organization)
    assert only(content, registered)["phase_entry"] == "registration"
    assert only(content, overridden)["phase_entry"] == "override"
    assert only(content, walked)["phase_entry"] == "gate"
    assert only(content, started)["phase_entry"] == ""


# --- the report ------------------------------------------------------------------------------


def test_report_content_has_the_whole_shape(organization, program, coordinator):
    measure = measure_in(program, phase=3, status="red", status_explanation="Stopp")
    quiet = measure_in(program, phase=1)
    measure_in(ProgramFactory(organization=organization))  # outside the report's programme
    indicator = indicator_of(measure)
    MeasurementFactory(indicator=indicator, date=dt.date(2026, 4, 1), value=Decimal("60"))
    MeasurementFactory(indicator=indicator, date=dt.date(2026, 5, 1), value=Decimal("70"))
    report = ReportFactory(
        organization=organization, program=program, title="Tertial 1", introduction="Innledning"
    )
    ReportCommentFactory(report=report, measure=measure, text="Følges opp.")

    content = report_content(report)

    assert content["schema"] == 1
    assert content["organization"] == {"name": "Testvik kommune", "written_standard": "nb"}
    assert content["title"] == "Tertial 1"
    assert content["kind"] == "four_months"
    assert content["period"] == {"start": "2026-01-01", "end": "2026-04-30"}
    assert content["program"] == {"id": program.pk, "name": "Trygg oppvekst"}
    assert content["introduction"] == "Innledning"
    assert content["as_of"] == "2026-04-30"
    assert content["published_at"] is None
    assert content["totals"] == {
        "measures": 2,
        "by_phase": {"1": 1, "2": 0, "3": 1, "4": 0},
        "by_status": {"green": 1, "yellow": 0, "red": 1},
    }
    assert [m["id"] for m in content["measures"]] == sorted([measure.pk, quiet.pk])
    assert only(content["measures"], measure)["comment"] == "Følges opp."
    assert only(content["measures"], quiet)["comment"] == ""
    # As of the period's end: the May measurement is not in it.
    (shown,) = only(content["measures"], measure)["indicators"]
    assert shown["latest"] == {"value": "60", "date": "2026-04-01"}
    assert json.loads(json.dumps(content)) == content


def test_report_on_the_whole_organisation(organization, program):
    measure_in(program)
    measure_in(ProgramFactory(organization=organization))
    content = report_content(ReportFactory(organization=organization))
    assert content["program"] is None
    assert content["totals"]["measures"] == 2


def test_derived_checkpoint_titles_are_in_the_written_standard(organization, program):
    organization.written_standard = "nn"
    organization.save()
    measure = measure_in(program, name="Leseglede")
    EvaluationCycleFactory(measure=measure, rhythm="monthly", first_due=dt.date(2026, 6, 1))
    report = ReportFactory(organization=organization)
    with_nn = only(report_content(report)["measures"], measure)["next_checkpoints"][0]["title"]
    with translation.override("nn"):
        expected = gettext("Evaluation due: %(measure)s") % {"measure": "Leseglede"}
    assert with_nn == expected


# --- JSON and queries ------------------------------------------------------------------------


def populate(organization, program, coordinator, count):
    """``count`` measures in every phase, each with indicators, measurements and the rest."""
    for n in range(count):
        phase = n % 4 + 1
        measure = measure_in(
            program, phase=phase, status=["green", "yellow", "red"][n % 3], status_explanation="x"
        )
        MeasureSummaryFactory(measure=measure)
        move(measure, coordinator, max(phase - 1, 1), phase, at(dt.date(2026, 2, 1)))
        for _ in range(2):
            indicator = indicator_of(measure)
            for month in (1, 2, 3):
                MeasurementFactory(indicator=indicator, date=dt.date(2026, month, 1))
        if phase == 3:
            ServiceComponentFactory(measure=measure, described_on=TODAY)
        if phase == 4:
            ContinuationDecisionFactory(measure=measure, decided_on=dt.date(2026, 3, 1))
        EvaluationFactory(
            measure=measure, period_start=dt.date(2026, 1, 1), period_end=dt.date(2026, 2, 1)
        )
        EventFactory(organization=organization, measure=measure, start_date=dt.date(2026, 6, 1))


def test_the_content_is_json_and_runs_the_same_queries_for_5_and_50_measures(
    organization, program, coordinator, django_assert_num_queries
):
    populate(organization, program, coordinator, 5)
    report = ReportFactory(organization=organization)
    with CaptureQueriesContext(connection) as few:
        content = report_content(report)
    assert len(content["measures"]) == 5
    json.dumps(content)  # raises on anything JSON cannot hold

    populate(organization, program, coordinator, 45)
    with django_assert_num_queries(len(few)):
        content = report_content(report)
    assert len(content["measures"]) == 50
    assert sum(len(m["indicators"]) for m in content["measures"]) == 100
    assert all(m["decisions"] for m in content["measures"])
    json.dumps(content)


def test_the_dashboard_content_runs_the_same_queries_for_5_and_50_measures(
    organization, program, coordinator, django_assert_num_queries
):
    populate(organization, program, coordinator, 5)
    with CaptureQueriesContext(connection) as few:
        measures_content(organization)
    populate(organization, program, coordinator, 45)
    with django_assert_num_queries(len(few)):
        assert len(measures_content(organization)) == 50
