"""Evaluation cycles and evaluations: forms, the service, the measure page's section."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from measures.models import Evaluation, EvaluationCorrection, EvaluationCycle
from measures.services import evaluation_cycle_set, evaluation_record, snapshot_percent
from measures.views.evaluations import measure_section
from organizations.records import RecordIsFinal
from tests.factories import (
    EvaluationCycleFactory,
    EvaluationFactory,
    GoalFactory,
    IndicatorFactory,
    MeasureFactory,
    MeasurementFactory,
    ProgramFactory,
)

TODAY = dt.date(2027, 1, 10)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(dt.datetime(2027, 1, 10, 12, 0), tick=False):
        yield


@pytest.fixture
def english(admin_user, coordinator, team_lead, member, viewer):
    """Assertions read the English texts, whatever the translators make of them."""
    for user in (admin_user, coordinator, team_lead, member, viewer):
        user.language = "en"
        user.save(update_fields=["language"])


@pytest.fixture
def measure(organization, team_lead):
    return MeasureFactory(program=ProgramFactory(organization=organization), team_lead=team_lead)


def cycle_url(measure):
    return reverse("evaluation_cycle", args=[measure.organization.slug, measure.pk])


def create_url(measure):
    return reverse("evaluation_create", args=[measure.organization.slug, measure.pk])


def detail_url(evaluation):
    measure = evaluation.measure
    return reverse("evaluation_detail", args=[measure.organization.slug, measure.pk, evaluation.pk])


EVALUATION = {
    "period_start": "15.08.2026",
    "period_end": "18.12.2026",
    "tried": "Faste voksne i friminuttene",
    "worked": "Færre konflikter",
    "did_not_work": "Vikarene kjente ikke ordningen",
    "lessons": "Opplæring av vikarer må inn i rutinen",
    "decision": "continue",
    "next_steps": "",
}


# --- the evaluation cycle -------------------------------------------------------------------


def test_the_team_lead_sets_the_rhythm_and_the_next_due_date_is_stored(
    login, team_lead, measure, english
):
    response = login(team_lead).post(
        cycle_url(measure), {"rhythm": "term", "first_due": "01.12.2026"}, follow=True
    )
    cycle = EvaluationCycle.objects.get(measure=measure)
    measure.refresh_from_db()
    assert (cycle.rhythm, cycle.first_due, cycle.rrule) == ("term", dt.date(2026, 12, 1), "")
    assert measure.next_evaluation_due == dt.date(2026, 12, 20)
    assert "The next evaluation is due 20.12.2026." in response.content.decode()
    assert cycle.history.get().history_user == team_lead
    assert measure.history.first().history_user == team_lead


def test_changing_the_rhythm_takes_the_evaluations_into_account(login, coordinator, measure):
    EvaluationCycleFactory(measure=measure, rhythm="term", first_due=dt.date(2026, 6, 1))
    EvaluationFactory(measure=measure, period_end=dt.date(2026, 12, 18))
    login(coordinator).post(cycle_url(measure), {"rhythm": "monthly", "first_due": "15.12.2026"})
    measure.refresh_from_db()
    assert EvaluationCycle.objects.get().rhythm == "monthly"
    # 18 December is nearest to 15 December, so January is next.
    assert measure.next_evaluation_due == dt.date(2027, 1, 15)


def test_a_custom_rule_is_normalized(login, coordinator, measure):
    login(coordinator).post(
        cycle_url(measure),
        {"rhythm": "custom", "first_due": "01.02.2027", "rrule": "rrule:freq=monthly;interval=2"},
    )
    cycle = EvaluationCycle.objects.get()
    measure.refresh_from_db()
    assert cycle.rrule == "FREQ=MONTHLY;INTERVAL=2"
    assert measure.next_evaluation_due == dt.date(2027, 2, 1)


def test_a_custom_rule_is_read_in_words_not_as_code(login, coordinator, measure, english):
    EvaluationCycleFactory(
        measure=measure,
        rhythm="custom",
        first_due=dt.date(2027, 2, 1),
        rrule="FREQ=MONTHLY;INTERVAL=2",
    )
    page = login(coordinator).get(cycle_url(measure)).content.decode()
    assert "every other month" in page
    assert "<code>FREQ=" not in page


def test_an_invalid_rule_is_a_form_error_and_nothing_is_saved(login, coordinator, measure, english):
    response = login(coordinator).post(
        cycle_url(measure), {"rhythm": "custom", "first_due": "01.02.2027", "rrule": "FREQ=HOURLY"}
    )
    assert response.status_code == 200
    assert "FREQ must be DAILY, WEEKLY, MONTHLY or YEARLY" in str(
        response.context["form"].errors["rrule"]
    )
    assert not EvaluationCycle.objects.exists()
    measure.refresh_from_db()
    assert measure.next_evaluation_due is None


def test_a_custom_rhythm_needs_a_rule(login, coordinator, measure, english):
    response = login(coordinator).post(
        cycle_url(measure), {"rhythm": "custom", "first_due": "01.02.2027", "rrule": ""}
    )
    assert "Write a recurrence rule" in str(response.context["form"].errors["rrule"])


def test_a_rule_is_dropped_for_a_fixed_rhythm(login, coordinator, measure):
    login(coordinator).post(
        cycle_url(measure),
        {"rhythm": "quarterly", "first_due": "01.02.2027", "rrule": "FREQ=DAILY"},
    )
    assert EvaluationCycle.objects.get().rrule == ""


def test_the_first_due_date_must_be_reasonable(login, coordinator, measure, english):
    response = login(coordinator).post(
        cycle_url(measure), {"rhythm": "monthly", "first_due": "01.01.1999"}
    )
    assert "between 1 January 2000 and ten years from today" in response.content.decode()
    assert not EvaluationCycle.objects.exists()


def test_the_cycle_page_shows_the_coming_due_dates(login, team_lead, measure):
    evaluation_cycle_set(
        measure=measure, user=team_lead, rhythm="term", first_due=dt.date(2026, 12, 1)
    )
    response = login(team_lead).get(cycle_url(measure))
    assert response.context["upcoming"] == [
        dt.date(2026, 12, 20),
        dt.date(2027, 6, 20),
        dt.date(2027, 12, 20),
    ]
    assert response.context["form"].initial["rhythm"] == "term"


def test_a_team_lead_cannot_set_the_rhythm_of_a_measure_someone_else_leads(
    login, team_lead, organization
):
    other = MeasureFactory(program=ProgramFactory(organization=organization))
    assert login(team_lead).post(cycle_url(other), {"rhythm": "term"}).status_code == 403
    assert login(team_lead).get(create_url(other)).status_code == 403


def test_another_organisations_measure_gives_404(login, coordinator, other_organization):
    foreign = MeasureFactory(program=ProgramFactory(organization=other_organization))
    client = login(coordinator)
    slug = "testvik"
    for name in ("evaluation_cycle", "evaluation_create"):
        assert client.get(reverse(name, args=[slug, foreign.pk])).status_code == 404
    evaluation = EvaluationFactory(measure=foreign)
    url = reverse("evaluation_detail", args=[slug, foreign.pk, evaluation.pk])
    assert client.get(url).status_code == 404


def test_an_evaluation_of_another_measure_gives_404(login, member, measure, organization):
    elsewhere = EvaluationFactory(measure=MeasureFactory(program=measure.program))
    url = reverse("evaluation_detail", args=[organization.slug, measure.pk, elsewhere.pk])
    assert login(member).get(url).status_code == 404


# --- recording an evaluation ----------------------------------------------------------------


@pytest.fixture
def indicator(measure):
    indicator = IndicatorFactory(
        goal=GoalFactory(measure=measure, title="Trygge friminutt"),
        name="Elever som trives",
        baseline_value=Decimal(40),
        target_value=Decimal(80),
    )
    MeasurementFactory(indicator=indicator, date=dt.date(2026, 10, 1), value=Decimal("50"))
    MeasurementFactory(indicator=indicator, date=dt.date(2026, 12, 1), value=Decimal("60.5"))
    MeasurementFactory(indicator=indicator, date=dt.date(2027, 1, 5), value=Decimal("70"))
    return indicator


def test_the_team_lead_records_an_evaluation_with_the_indicators_as_they_stood(
    login, team_lead, measure, indicator
):
    evaluation_cycle_set(
        measure=measure, user=team_lead, rhythm="term", first_due=dt.date(2026, 12, 1)
    )
    response = login(team_lead).post(create_url(measure), EVALUATION)
    evaluation = Evaluation.objects.get()
    assert response.status_code == 302
    assert response["Location"] == detail_url(evaluation)
    assert (evaluation.created_by, evaluation.tried) == (team_lead, EVALUATION["tried"])
    # The latest value on or before the end of the period, not the January one.
    assert evaluation.indicator_snapshot == [
        {
            "indicator": indicator.pk,
            "goal": "Trygge friminutt",
            "name": "Elever som trives",
            "unit": "%",
            "direction": "higher",
            "baseline": "40",
            "target": "80",
            "value": "60.5",
            "date": "2026-12-01",
            "attainment_percent": 51,  # 51.25 %, as the team saw it
        }
    ]
    measure.refresh_from_db()
    assert measure.next_evaluation_due == dt.date(2027, 6, 20)


def test_the_snapshot_stays_as_it_was_when_measurements_are_corrected(
    login, team_lead, measure, indicator, english
):
    login(team_lead).post(create_url(measure), EVALUATION)
    evaluation = Evaluation.objects.get()
    indicator.measurements.filter(date=dt.date(2026, 12, 1)).update(value=Decimal(99))
    response = login(team_lead).get(detail_url(evaluation))
    (row,) = response.context["indicators"]
    assert row["value"] == Decimal("60.5")
    assert row["attainment_percent"] == 51
    body = response.content.decode()
    assert "60,5 %" in body
    assert "Færre konflikter" in body


def test_an_indicator_without_values_is_kept_without_a_value(team_lead, measure):
    IndicatorFactory(goal=GoalFactory(measure=measure))
    data = {**EVALUATION, "period_start": dt.date(2026, 8, 15), "period_end": dt.date(2026, 12, 18)}
    evaluation = evaluation_record(measure=measure, user=team_lead, data=data)
    (item,) = evaluation.indicator_snapshot
    assert (item["value"], item["date"], item["attainment_percent"]) == (None, None, None)


@pytest.mark.parametrize(
    ("kept", "shown"),
    [
        # What older snapshots kept: the share, rounded half-even to four decimals. Read
        # from the snapshot's own frozen numbers, as every other page works them out.
        ({"baseline": "0", "target": "200", "value": "25", "attainment": "0.1250"}, 13),
        # 12.495 % was kept as 0.1250: rounding that again would say 13.
        ({"baseline": "0", "target": "200", "value": "24.99", "attainment": "0.1250"}, 12),
        # Only the share left (never written so, but read): rounded once, half up.
        ({"attainment": "0.1250"}, 13),
        ({"baseline": "0", "target": "200", "value": None, "attainment": None}, None),
        # What snapshots keep now: the percentage the team saw, as it was.
        ({"baseline": "0", "target": "200", "value": "25", "attainment_percent": 13}, 13),
        ({"baseline": "0", "target": "200", "value": None, "attainment_percent": None}, None),
    ],
)
def test_old_and_new_snapshots_show_the_attainment_every_other_page_shows(kept, shown):
    assert snapshot_percent(kept) == shown


def test_an_older_snapshot_is_shown_like_every_other_page_shows_it(
    login, team_lead, measure, indicator, english
):
    evaluation = EvaluationFactory(
        measure=measure,
        indicator_snapshot=[
            {
                "indicator": indicator.pk,
                "goal": "Trygge friminutt",
                "name": "Elever som trives",
                "unit": "%",
                "direction": "higher",
                "baseline": "0",
                "target": "200",
                "value": "25",
                "date": "2026-12-01",
                "attainment": "0.1250",  # shown as 12 % before: half-even, twice
            }
        ],
    )
    response = login(team_lead).get(detail_url(evaluation))
    (row,) = response.context["indicators"]
    assert row["attainment_percent"] == 13
    assert re.search(r'<td class="text-end">13 %</td>', response.content.decode())


def test_without_a_rhythm_an_evaluation_sets_no_due_date(team_lead, measure):
    data = {**EVALUATION, "period_start": dt.date(2026, 8, 15), "period_end": dt.date(2026, 12, 18)}
    evaluation_record(measure=measure, user=team_lead, data=data)
    measure.refresh_from_db()
    assert measure.next_evaluation_due is None


def test_adjusting_needs_next_steps(login, team_lead, measure, english):
    response = login(team_lead).post(create_url(measure), {**EVALUATION, "decision": "adjust"})
    assert "Describe the adjustments you decided on." in str(
        response.context["form"].errors["next_steps"]
    )
    assert not Evaluation.objects.exists()


def test_the_period_must_make_sense(login, team_lead, measure, english):
    client = login(team_lead)
    backwards = client.post(create_url(measure), {**EVALUATION, "period_end": "01.08.2026"})
    assert "The period cannot end before it starts." in backwards.content.decode()
    far = client.post(create_url(measure), {**EVALUATION, "period_end": "01.06.2028"})
    assert "more than a year from today" in far.content.decode()
    missing = client.post(create_url(measure), {**EVALUATION, "tried": ""})
    assert "tried" in missing.context["form"].errors
    assert not Evaluation.objects.exists()


def test_the_form_starts_where_the_last_evaluation_ended(login, team_lead, measure):
    EvaluationFactory(measure=measure, period_end=dt.date(2026, 12, 18))
    response = login(team_lead).get(create_url(measure))
    assert response.context["form"].initial == {
        "period_start": dt.date(2026, 12, 19),
        "period_end": TODAY,
    }


def test_members_and_viewers_read_evaluations_but_cannot_add_them(login, member, viewer, measure):
    evaluation = EvaluationFactory(measure=measure)
    for user in (member, viewer):
        client = login(user)
        assert client.get(detail_url(evaluation)).status_code == 200
        assert client.post(create_url(measure), EVALUATION).status_code == 403
        page = client.get(measure.get_absolute_url()).content.decode()
        assert create_url(measure) not in page
        assert cycle_url(measure) not in page
        client.logout()
    assert not Evaluation.objects.exclude(pk=evaluation.pk).exists()


# --- the measure page and the lists ---------------------------------------------------------


def test_the_measure_page_flags_an_overdue_evaluation(login, member, measure, english):
    EvaluationCycleFactory(measure=measure, rhythm="term", first_due=dt.date(2026, 12, 1))
    measure.next_evaluation_due = dt.date(2026, 12, 20)
    measure.save()
    EvaluationFactory(measure=measure, decision="adjust", next_steps="Flere voksne ute")
    response = login(member).get(measure.get_absolute_url())
    body = response.content.decode()
    assert 'id="evaluations"' in body
    assert "overdue" in body.split('id="evaluations"')[1]
    assert "Each school term" in body
    (section,) = [s for s in response.context["sections"] if "evaluations" in s.template]
    assert section.context["upcoming"] == [dt.date(2027, 6, 20), dt.date(2027, 12, 20)]


def test_the_measure_list_filters_overdue_evaluations(login, coordinator, measure, team_lead):
    evaluation_cycle_set(
        measure=measure, user=team_lead, rhythm="term", first_due=dt.date(2026, 12, 1)
    )
    on_time = MeasureFactory(program=measure.program)
    evaluation_cycle_set(
        measure=on_time, user=team_lead, rhythm="term", first_due=dt.date(2027, 6, 1)
    )
    url = reverse("measure_list", args=[measure.organization.slug]) + "?overdue=on"
    response = login(coordinator).get(url)
    assert list(response.context["measures"]) == [measure]


def add_evaluations(measure, user, count):
    for n in range(count):
        EvaluationFactory(
            measure=measure,
            created_by=user,
            period_start=dt.date(2020, 1, 1) + dt.timedelta(days=30 * n),
            period_end=dt.date(2020, 1, 20) + dt.timedelta(days=30 * n),
        )


def test_the_measure_page_runs_the_same_queries_for_few_and_many_evaluations(
    login, team_lead, measure, django_assert_num_queries
):
    EvaluationCycleFactory(measure=measure)
    add_evaluations(measure, team_lead, 1)
    client = login(team_lead)
    client.get(measure.get_absolute_url())  # warms the session and the caches
    with CaptureQueriesContext(connection) as few:
        client.get(measure.get_absolute_url())
    count = len(few)  # read now: the next request empties the query log
    add_evaluations(measure, team_lead, 12)
    with django_assert_num_queries(count):
        response = client.get(measure.get_absolute_url())
    (section,) = [s for s in response.context["sections"] if "evaluations" in s.context]
    assert len(section.context["evaluations"]) == 13


def test_the_section_runs_three_queries(rf, team_lead, measure, django_assert_num_queries):
    add_evaluations(measure, team_lead, 5)
    request = rf.get("/")
    request.user = team_lead
    team_lead.has_perm("measures.view_measures", measure)  # membership cached, as in a request
    # The cycle, the evaluations with who recorded them, and their corrections.
    with django_assert_num_queries(3):
        section = measure_section(request, measure)
    assert len(section.context["evaluations"]) == 5


@pytest.mark.parametrize("url_name", ["evaluation_create", "evaluation_detail"])
def test_evaluation_pages_run_the_same_queries_for_few_and_many_indicators(
    url_name, login, team_lead, measure, django_assert_num_queries
):
    def add_indicators(count):
        for n in range(count):
            indicator = IndicatorFactory(goal=GoalFactory(measure=measure))
            MeasurementFactory(indicator=indicator, date=dt.date(2026, 1, 1) + dt.timedelta(n))

    def url():
        if url_name == "evaluation_create":
            return create_url(measure)
        data = {**EVALUATION, "period_start": dt.date(2026, 1, 1), "period_end": TODAY}
        return detail_url(evaluation_record(measure=measure, user=team_lead, data=data))

    add_indicators(1)
    client = login(team_lead)
    first = url()
    client.get(first)
    with CaptureQueriesContext(connection) as few:
        client.get(first)
    count = len(few)  # read now: the next request empties the query log
    add_indicators(15)
    second = url()
    client.get(second)
    with django_assert_num_queries(count):
        response = client.get(second)
    assert len(response.context["indicators"]) == 16


# --- corrections -----------------------------------------------------------------------------


def correct_url(evaluation):
    measure = evaluation.measure
    return reverse(
        "evaluation_correct", args=[measure.organization.slug, measure.pk, evaluation.pk]
    )


def test_an_evaluation_is_corrected_by_a_new_version_and_the_recorded_one_stays(
    login, team_lead, measure, english
):
    evaluation = EvaluationFactory(
        measure=measure, decision="continue", lessons="Faste voksne virker.", created_by=team_lead
    )
    snapshot = evaluation.indicator_snapshot
    client = login(team_lead)
    form = client.get(correct_url(evaluation)).context["form"]
    assert form.initial["decision"] == "continue" and "period_end" not in form.fields
    data = {
        "tried": evaluation.tried,
        "worked": "",
        "did_not_work": "",
        "lessons": "Faste voksne virker.",
        "decision": "adjust",
        "next_steps": "Færre voksne på store friminutt.",
    }
    response = client.post(correct_url(evaluation), data)
    assert "Say why the record is corrected." in " ".join(
        response.context["form"].errors["correction_reason"]
    )
    assert not EvaluationCorrection.objects.exists()
    # Adjusting needs its next steps, on a correction as on the first recording.
    response = client.post(
        correct_url(evaluation), {**data, "next_steps": "", "correction_reason": "Feil."}
    )
    assert "Describe the adjustments you decided on." in response.content.decode()
    response = client.post(
        correct_url(evaluation), {**data, "correction_reason": "Teamet vedtok justering."}
    )
    assert response.status_code == 302
    evaluation.refresh_from_db()
    assert evaluation.decision == "continue"  # version 1 as recorded
    assert evaluation.indicator_snapshot == snapshot
    current = Evaluation.objects.prefetch_related("corrections").get().current()
    assert (current.number, current.decision, current.recorded_by) == (2, "adjust", team_lead)
    page = client.get(detail_url(evaluation)).content.decode()
    assert "Teamet vedtok justering." in page and "Færre voksne på store friminutt." in page
    assert "One earlier version" in page
    section = client.get(
        reverse("measure_detail", args=[measure.organization.slug, measure.pk])
    ).content.decode()
    assert "Adjust" in section and "(corrected)" in section


def test_an_evaluation_is_never_saved_over(measure):
    evaluation = EvaluationFactory(measure=measure)
    evaluation.decision = "stop"
    with pytest.raises(RecordIsFinal):
        evaluation.save()
