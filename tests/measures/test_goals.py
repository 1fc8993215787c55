"""Goals, indicators, measurements, judgements and future pictures: forms, rules, pages."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from measures.forms.goals import MeasurementForm
from measures.models import FuturePicture, Goal, GoalJudgement, Indicator, LogicColumn, Measurement
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

# Measurement dates may not lie in the future; tests that enter 31.12.2026 run after it.
AFTER_NEW_YEAR = dt.datetime(2027, 1, 15, 12, tzinfo=dt.UTC)


@pytest.fixture
def measure(organization, team_lead):
    return MeasureFactory(program=ProgramFactory(organization=organization), team_lead=team_lead)


@pytest.fixture
def goal(measure):
    return GoalFactory(measure=measure, title="Alle elever trives")


@pytest.fixture
def indicator(goal):
    return IndicatorFactory(
        goal=goal,
        name="Elever som trives",
        baseline_value=Decimal("40"),
        target_value=Decimal("80"),
        plausible_min=Decimal("0"),
        plausible_max=Decimal("100"),
    )


def url(name, measure, *args):
    return reverse(name, args=[measure.organization.slug, measure.pk, *args])


def indicator_data(for_goal, **overrides):
    data = {
        "goal": for_goal.pk,
        "name": "Elever som trives",
        "kind": "outcome",
        "unit": "%",
        "direction": "higher",
        "baseline_value": "40,5",
        "baseline_date": "01.08.2025",
        "target_value": "80",
        "target_date": "31.12.2026",
        "data_source": "Elevundersøkelsen",
        "frequency": "yearly",
        "plausible_min": "0",
        "plausible_max": "100",
    }
    data.update(overrides)
    return data


# --- goals -----------------------------------------------------------------------------------


def test_a_coordinator_creates_a_goal_linked_to_this_measures_logic_elements(
    login, coordinator, measure
):
    outcome = LogicElementFactory(measure=measure, column=LogicColumn.OUTCOMES, text="Trivsel")
    response = login(coordinator).post(
        url("goal_create", measure),
        {"title": "Alle elever trives", "description": "", "logic_elements": [outcome.pk]},
    )
    assert response.status_code == 302
    assert response["Location"].endswith("#goals")
    goal = Goal.objects.get()
    assert goal.measure == measure
    assert list(goal.logic_elements.all()) == [outcome]


def test_the_goal_form_offers_only_this_measures_logic_elements(
    login, coordinator, organization, other_organization, measure
):
    own = LogicElementFactory(measure=measure)
    sibling = LogicElementFactory(measure=MeasureFactory(program=measure.program))
    foreign = LogicElementFactory(
        measure=MeasureFactory(program=ProgramFactory(organization=other_organization))
    )
    client = login(coordinator)
    form = client.get(url("goal_create", measure)).context["form"]
    assert list(form.fields["logic_elements"].queryset) == [own]

    for element in (sibling, foreign):
        response = client.post(
            url("goal_create", measure), {"title": "Mål", "logic_elements": [element.pk]}
        )
        assert response.status_code == 200
        assert "logic_elements" in response.context["form"].errors
    assert not Goal.objects.exists()


def test_new_goals_go_last_and_move_up_and_down(login, coordinator, measure):
    client = login(coordinator)
    for title in ("Første", "Andre", "Tredje"):
        client.post(url("goal_create", measure), {"title": title})
    first, second, third = Goal.objects.order_by("position", "pk")
    assert [g.title for g in (first, second, third)] == ["Første", "Andre", "Tredje"]

    response = client.post(url("goal_move", measure, third.pk), {"direction": "up"})
    assert response.status_code == 302
    assert response["Location"].endswith(f"#goal-{third.pk}")
    assert list(Goal.objects.values_list("title", flat=True)) == ["Første", "Tredje", "Andre"]
    client.post(url("goal_move", measure, first.pk), {"direction": "down"})
    assert list(Goal.objects.values_list("title", flat=True)) == ["Tredje", "Første", "Andre"]
    # Already first, or an unknown direction: nothing moves.
    client.post(url("goal_move", measure, third.pk), {"direction": "up"})
    client.post(url("goal_move", measure, third.pk), {"direction": "sideways"})
    assert list(Goal.objects.values_list("title", flat=True)) == ["Tredje", "Første", "Andre"]


def test_moving_renumbers_goals_that_share_a_position(login, coordinator, measure):
    goals = GoalFactory.create_batch(3, measure=measure, position=0)
    login(coordinator).post(url("goal_move", measure, goals[2].pk), {"direction": "up"})
    assert list(Goal.objects.values_list("pk", "position")) == [
        (goals[0].pk, 0),
        (goals[2].pk, 1),
        (goals[1].pk, 2),
    ]


def test_a_judgement_records_who_and_when_and_needs_both_parts(
    login, team_lead, measure, goal, indicator
):
    client = login(team_lead)
    response = client.post(url("goal_judge", measure, goal.pk), {"judgement": "partly_met"})
    assert response.status_code == 200
    assert "narrative" in response.context["form"].errors
    assert not GoalJudgement.objects.exists()

    with time_machine.travel(dt.datetime(2026, 6, 20, 10, tzinfo=dt.UTC), tick=False):
        response = client.post(
            url("goal_judge", measure, goal.pk),
            {"judgement": "partly_met", "narrative": "Trivselen øker, men sakte."},
        )
    assert response.status_code == 302
    judgement = GoalJudgement.objects.get(goal=goal)
    assert judgement.judgement == Goal.Judgement.PARTLY_MET
    assert judgement.narrative == "Trivselen øker, men sakte."
    assert judgement.recorded_by == team_lead
    assert judgement.recorded_at == dt.datetime(2026, 6, 20, 10, tzinfo=dt.UTC)


def test_a_judgement_is_corrected_by_a_new_version_with_a_reason(
    login, team_lead, measure, goal, indicator
):
    GoalJudgementFactory(goal=goal, recorded_by=team_lead, narrative="Trivselen øker.")
    client = login(team_lead)
    page = client.get(url("goal_judge", measure, goal.pk))
    assert page.context["form"].initial == {
        "judgement": "partly_met",
        "narrative": "Trivselen øker.",
    }
    met = {"judgement": "met", "narrative": "Målet er nådd."}
    response = client.post(url("goal_judge", measure, goal.pk), met)
    assert "correction_reason" in response.context["form"].errors
    assert GoalJudgement.objects.count() == 1
    response = client.post(
        url("goal_judge", measure, goal.pk), {**met, "correction_reason": "Nye tall fra våren."}
    )
    assert response.status_code == 302
    first, second = GoalJudgement.objects.order_by("number")
    assert (first.judgement, second.judgement, second.number) == ("partly_met", "met", 2)
    html = client.get(url("measure_detail", measure)).content.decode()
    assert "Målet er nådd." in html and "Trivselen øker." in html
    assert "Nye tall fra våren." in html


def test_the_judgement_form_has_no_empty_choice(login, coordinator, measure, goal):
    form = login(coordinator).get(url("goal_judge", measure, goal.pk)).context["form"]
    assert [value for value, _label in form.fields["judgement"].choices] == [
        "met",
        "partly_met",
        "not_met",
    ]


def test_deleting_a_goal_asks_first_and_takes_its_indicators_with_it(
    login, coordinator, measure, goal, indicator
):
    MeasurementFactory.create_batch(2, indicator=indicator)
    client = login(coordinator)
    response = client.get(url("goal_delete", measure, goal.pk))
    assert response.status_code == 200
    assert response.context["consequences"]
    assert Goal.objects.exists()
    response = client.post(url("goal_delete", measure, goal.pk))
    assert response.status_code == 302
    assert not Goal.objects.exists()
    assert not Indicator.objects.exists() and not Measurement.objects.exists()


# --- indicators ------------------------------------------------------------------------------


def test_an_indicator_accepts_norwegian_numbers_and_dates(login, coordinator, measure, goal):
    response = login(coordinator).post(
        url("indicator_create", measure, goal.pk), indicator_data(goal)
    )
    assert response.status_code == 302
    indicator = Indicator.objects.get()
    assert response["Location"] == url("indicator_detail", measure, indicator.pk)
    assert indicator.measure == measure and indicator.goal == goal
    assert indicator.baseline_value == Decimal("40.5")
    assert indicator.baseline_date == dt.date(2025, 8, 1)
    assert indicator.target_date == dt.date(2026, 12, 31)
    assert indicator.plausible_max == Decimal("100")


def test_a_thousands_separator_with_a_space_is_accepted(login, coordinator, measure, goal):
    data = indicator_data(
        goal,
        unit="kr",
        baseline_value="1 200,5",
        target_value="12\xa0000",
        plausible_min="",
        plausible_max="",
    )
    assert (
        login(coordinator).post(url("indicator_create", measure, goal.pk), data).status_code == 302
    )
    indicator = Indicator.objects.get()
    assert (indicator.baseline_value, indicator.target_value) == (Decimal("1200.5"), 12000)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"target_date": "01.08.2025"}, "target_date"),  # the same day as the baseline
        ({"target_date": "31.12.2024"}, "target_date"),  # before the baseline
        ({"target_value": "30"}, "target_value"),  # higher is better, but the target is lower
        ({"direction": "lower"}, "target_value"),  # lower is better, but the target is higher
        ({"plausible_min": "100", "plausible_max": "0"}, "plausible_max"),
        ({"baseline_value": "140"}, "baseline_value"),  # outside the plausible range
        ({"target_value": "-5"}, "target_value"),
        ({"baseline_date": "31.02.2026"}, "baseline_date"),  # no such day
        ({"baseline_value": "12,34567"}, "baseline_value"),  # more than four decimals
        ({"name": ""}, "name"),
    ],
)
def test_bad_indicator_input_names_the_field_and_saves_nothing(
    login, coordinator, measure, goal, overrides, field
):
    response = login(coordinator).post(
        url("indicator_create", measure, goal.pk), indicator_data(goal, **overrides)
    )
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Indicator.objects.exists()


def test_narrowing_the_plausible_range_cannot_strand_earlier_measurements(
    login, coordinator, measure, goal, indicator
):
    MeasurementFactory(indicator=indicator, value=Decimal("95"))
    data = indicator_data(goal, baseline_value="40", plausible_max="90")
    response = login(coordinator).post(url("indicator_update", measure, indicator.pk), data)
    assert response.status_code == 200
    assert "plausible_max" in response.context["form"].errors
    indicator.refresh_from_db()
    assert indicator.plausible_max == Decimal("100")


def test_the_indicator_form_offers_only_this_measures_goals(
    login, coordinator, other_organization, measure, goal
):
    sibling_goal = GoalFactory(measure=MeasureFactory(program=measure.program))
    foreign_goal = GoalFactory(
        measure=MeasureFactory(program=ProgramFactory(organization=other_organization))
    )
    client = login(coordinator)
    form = client.get(url("indicator_create", measure, goal.pk)).context["form"]
    assert list(form.fields["goal"].queryset) == [goal]
    assert form.initial["goal"] == goal
    for other in (sibling_goal, foreign_goal):
        data = indicator_data(goal, goal=other.pk)
        response = client.post(url("indicator_create", measure, goal.pk), data)
        assert "goal" in response.context["form"].errors
    assert not Indicator.objects.exists()


def test_editing_shows_stored_numbers_without_trailing_zeros(
    login, coordinator, measure, indicator
):
    form = login(coordinator).get(url("indicator_update", measure, indicator.pk)).context["form"]
    assert form["baseline_value"].value() == Decimal("40")
    assert 'value="40"' in str(form["baseline_value"])
    assert 'value="01.08.2025"' in str(form["baseline_date"])


# --- measurements ----------------------------------------------------------------------------


@time_machine.travel(AFTER_NEW_YEAR, tick=False)
def test_a_team_lead_enters_a_measurement_with_a_decimal_comma(
    login, team_lead, measure, indicator
):
    response = login(team_lead).post(
        url("measurement_create", measure, indicator.pk),
        {"value": "12,5", "date": "31.12.2026", "comment": "Høstens undersøkelse"},
    )
    assert response.status_code == 302
    assert response["Location"] == url("indicator_detail", measure, indicator.pk) + "#measurements"
    measurement = Measurement.objects.get()
    assert measurement.value == Decimal("12.5")
    assert measurement.date == dt.date(2026, 12, 31)
    assert measurement.entered_by == team_lead
    assert measurement.indicator == indicator


@pytest.mark.parametrize("value", ["100,5", "-1"])
def test_a_value_outside_the_plausible_range_is_refused_and_nothing_is_saved(
    login, team_lead, measure, indicator, value
):
    response = login(team_lead).post(
        url("measurement_create", measure, indicator.pk), {"value": value, "date": "01.06.2026"}
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == ["value"]
    # The message states the range as people write it, with the unit.
    message = errors["value"][0]
    assert "100" in message and "100,0000" not in message and "%" in message
    assert not Measurement.objects.exists()


def test_a_second_measurement_on_the_same_date_is_a_field_error(
    login, team_lead, measure, indicator
):
    MeasurementFactory(indicator=indicator, date=dt.date(2026, 3, 1), value=Decimal(50))
    response = login(team_lead).post(
        url("measurement_create", measure, indicator.pk), {"value": "55", "date": "01.03.2026"}
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == ["date"]
    assert "01.03.2026" in errors["date"][0]
    assert Measurement.objects.get().value == Decimal(50)


def test_a_same_day_race_is_a_field_error_too(login, team_lead, measure, indicator, monkeypatch):
    """If another request saves the same date between the check and the save, the database's
    unique constraint answers; the person sees a field error, not a server error."""
    MeasurementFactory(indicator=indicator, date=dt.date(2026, 3, 1), value=Decimal(50))
    monkeypatch.setattr(MeasurementForm, "clean_date", lambda form: form.cleaned_data["date"])
    response = login(team_lead).post(
        url("measurement_create", measure, indicator.pk), {"value": "55", "date": "01.03.2026"}
    )
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["date"]
    assert Measurement.objects.count() == 1


@time_machine.travel(dt.datetime(2026, 6, 1, 12, tzinfo=dt.UTC), tick=False)
def test_a_measurement_cannot_be_dated_in_the_future(login, team_lead, measure, indicator):
    response = login(team_lead).post(
        url("measurement_create", measure, indicator.pk), {"value": "50", "date": "02.06.2026"}
    )
    assert list(response.context["form"].errors) == ["date"]
    assert not Measurement.objects.exists()


def test_changing_a_measurement_keeps_its_date_free_and_who_entered_it(
    login, coordinator, team_lead, measure, indicator
):
    measurement = MeasurementFactory(
        indicator=indicator, date=dt.date(2026, 3, 1), value=Decimal("50"), entered_by=team_lead
    )
    client = login(coordinator)
    form = client.get(url("measurement_update", measure, indicator.pk, measurement.pk)).context[
        "form"
    ]
    assert 'value="50"' in str(form["value"])
    response = client.post(
        url("measurement_update", measure, indicator.pk, measurement.pk),
        {"value": "52,25", "date": "01.03.2026", "comment": "Rettet"},
    )
    assert response.status_code == 302
    measurement.refresh_from_db()
    assert measurement.value == Decimal("52.25")
    assert measurement.entered_by == team_lead


def test_a_measurement_is_deleted_by_post_only(login, team_lead, measure, indicator):
    measurement = MeasurementFactory(indicator=indicator)
    client = login(team_lead)
    delete_url = url("measurement_delete", measure, indicator.pk, measurement.pk)
    assert client.get(delete_url).status_code == 405
    assert client.post(delete_url).status_code == 302
    assert not Measurement.objects.exists()


# --- future pictures -------------------------------------------------------------------------


def test_a_future_picture_links_only_this_measures_goals(
    login, coordinator, other_organization, measure, goal
):
    foreign_goal = GoalFactory(
        measure=MeasureFactory(program=ProgramFactory(organization=other_organization))
    )
    client = login(coordinator)
    form = client.get(url("future_picture_create", measure)).context["form"]
    assert list(form.fields["goals"].queryset) == [goal]
    response = client.post(
        url("future_picture_create", measure),
        {"horizon_year": "2030", "description": "Trygge barn", "goals": [foreign_goal.pk]},
    )
    assert "goals" in response.context["form"].errors
    response = client.post(
        url("future_picture_create", measure),
        {
            "horizon_year": "2030",
            "description": "Alle barn har en trygg voksen",
            "goals": [goal.pk],
        },
    )
    assert response.status_code == 302
    assert response["Location"].endswith("#future-pictures")
    picture = FuturePicture.objects.get()
    assert (picture.measure, picture.horizon_year) == (measure, 2030)
    assert list(picture.goals.all()) == [goal]


@pytest.mark.parametrize("year", ["1999", "2101", "tjue"])
def test_a_future_picture_needs_a_sensible_year(login, coordinator, measure, year):
    response = login(coordinator).post(
        url("future_picture_create", measure), {"horizon_year": year, "description": "Noe"}
    )
    assert "horizon_year" in response.context["form"].errors
    assert not FuturePicture.objects.exists()


# --- pages -----------------------------------------------------------------------------------


@time_machine.travel(AFTER_NEW_YEAR, tick=False)
def test_the_indicator_page_shows_attainment_trend_chart_and_table(
    login, member, measure, indicator
):
    MeasurementFactory(indicator=indicator, date=dt.date(2026, 1, 10), value=Decimal("50"))
    MeasurementFactory(indicator=indicator, date=dt.date(2026, 12, 31), value=Decimal("62.5"))
    response = login(member).get(url("indicator_detail", measure, indicator.pk))
    assert response.status_code == 200
    html = response.content.decode()
    summary = response.context["summary"]
    assert [row.percent for row in summary.rows] == [25, 56]
    assert summary.trend == "improving"
    # Norwegian numbers and dates in the text, plain numbers in the drawing.
    assert "62,5" in html and "31.12.2026" in html and "56&nbsp;%" in html
    assert 'role="img"' in html and "<title id=" in html and "<desc id=" in html
    assert 'data-line="baseline"' in html and 'data-line="target"' in html
    assert html.count("<circle ") == 2
    assert 'data-value="62.5"' in html
    assert "<caption>" in html
    # Members read; the measurement form is for the team lead and planners.
    assert response.context["can_enter"] is False
    assert 'id="measurement-form"' not in html


def test_the_team_lead_finds_the_measurement_form_on_the_indicator_page(
    login, team_lead, measure, indicator
):
    response = login(team_lead).get(url("indicator_detail", measure, indicator.pk))
    html = response.content.decode()
    assert 'id="measurement-form"' in html
    assert url("measurement_create", measure, indicator.pk) in html
    assert 'inputmode="decimal"' in html


def test_the_measure_page_shows_goals_judgements_attainment_and_future_pictures(
    login, viewer, coordinator, measure, goal, indicator
):
    GoalJudgementFactory(goal=goal, narrative="Vi er på god vei.", recorded_by=coordinator)
    MeasurementFactory(indicator=indicator, date=dt.date(2026, 1, 10), value=Decimal("70"))
    MeasurementFactory(indicator=indicator, date=dt.date(2026, 2, 10), value=Decimal("60.5"))
    picture = FuturePictureFactory(measure=measure, horizon_year=2030)
    picture.goals.add(goal)

    response = login(viewer).get(
        reverse("measure_detail", args=[measure.organization.slug, measure.pk])
    )
    html = response.content.decode()
    [section] = [
        s for s in response.context["sections"] if s.template.startswith("measures/goals/")
    ]
    [item] = section.context["goals"]
    [summary] = item.indicators
    assert summary.latest.value == Decimal("60.5") and summary.latest.percent == 51
    assert summary.trend == "worsening"
    assert "Alle elever trives" in html and "Vi er på god vei." in html
    assert "60,5" in html and "51&nbsp;%" in html and 'aria-valuenow="51"' in html
    assert "2030" in html and "2 030" not in html and "2\xa0030" not in html
    assert url("indicator_detail", measure, indicator.pk) in html
    # Viewers read only: no links to change anything.
    assert url("goal_create", measure) not in html
    assert url("goal_judge", measure, goal.pk) not in html


def test_the_team_lead_sees_the_links_to_change_goals(login, team_lead, measure, goal):
    response = login(team_lead).get(
        reverse("measure_detail", args=[measure.organization.slug, measure.pk])
    )
    html = response.content.decode()
    for link in (
        url("goal_create", measure),
        url("goal_update", measure, goal.pk),
        url("goal_judge", measure, goal.pk),
        url("indicator_create", measure, goal.pk),
        url("future_picture_create", measure),
    ):
        assert link in html
