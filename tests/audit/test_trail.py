"""The audit trail page and its CSV file: filters, boundaries, tenancy, reasons and cost."""

from __future__ import annotations

import csv
import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from simple_history.utils import update_change_reason

from measures.models import Measure
from organizations.models import Role
from tests.audit.helpers import audit_csv, audit_page, changes_of
from tests.factories import (
    EventFactory,
    GoalFactory,
    IndicatorFactory,
    LessonFactory,
    MeasureFactory,
    MeasurementFactory,
    MembershipFactory,
    PartnershipFactory,
    ProgramFactory,
    ReportFactory,
    TagFactory,
    UnitFactory,
    UserFactory,
)
from tests.second_factor import pass_second_factor

pytestmark = pytest.mark.django_db
OSLO = ZoneInfo("Europe/Oslo")


def at(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=OSLO)


def saved_by(obj, user, **changes):
    """Saves ``obj`` with ``changes`` as ``user`` (who the history records)."""
    for name, value in changes.items():
        setattr(obj, name, value)
    obj._history_user = user
    obj.save()
    return obj


@pytest.fixture
def measure(organization):
    return MeasureFactory(
        program=ProgramFactory(organization=organization), name="Trygge friminutt"
    )


def kinds_and_subjects(response):
    return [(entry.kind, entry.subject) for entry in response.context["entries"]]


# --- who may see it -----------------------------------------------------------------------


def test_coordinators_find_it_in_the_menu_and_team_leads_do_not(
    login, coordinator, team_lead, organization
):
    url = reverse("audit_trail", args=[organization.slug])
    home = reverse("organization_home", args=[organization.slug])
    assert url in login(coordinator).get(home).content.decode()
    assert url not in login(team_lead).get(home).content.decode()
    assert login(team_lead).get(url).status_code == 403


# --- what it shows ------------------------------------------------------------------------


def test_a_reason_given_for_a_change_is_shown_on_the_page_and_in_the_file(
    login, admin_user, organization, measure
):
    reason = "Feil saksnummer ble rettet etter vedtaket i kommunestyret 12. mars. " * 3
    saved_by(measure, admin_user, name="Trygge friminutt for alle")
    update_change_reason(measure, reason)  # as a correction of a decision sets it
    client = login(admin_user)
    page = audit_page(client, organization, kind="measures.measure")
    newest = page.context["entries"][0]
    assert len(reason) > 100  # kept whole: the reason is text, not a 100-character label
    assert newest.reason == reason
    assert "audit-reason" in page.content.decode()
    rows = list(
        csv.reader(io.StringIO(_csv(client, organization, kind="measures.measure")), delimiter=";")
    )
    assert rows[1][-1] == reason


def test_a_deleted_indicator_keeps_its_measurements_in_the_trail(
    login, coordinator, organization, measure
):
    indicator = IndicatorFactory(goal=GoalFactory(measure=measure), name="Andel som trives")
    measurement = MeasurementFactory(indicator=indicator, value="61.5", date=dt.date(2026, 3, 1))
    saved_by(measurement, coordinator, value="62.5")
    indicator.delete()
    page = audit_page(login(coordinator), organization, measure=measure.pk)
    measurements = [e for e in page.context["entries"] if e.kind == "measures.measurement"]
    assert [e.action for e in measurements] == ["slettet", "endret", "opprettet"]
    assert {e.subject for e in measurements} == {"Andel som trives – 01.03.2026"}
    assert changes_of(measurements[1])["verdi"] == ("61,5", "62,5")
    assert {e.measure for e in measurements} == {measure.name}
    assert not any(e.url for e in measurements), "no link to what no longer exists"


def test_many_to_many_changes_show_the_sets_before_and_after(
    login, coordinator, organization, measure
):
    school, health = (TagFactory(organization=organization, name=n) for n in ("skole", "helse"))
    measure.tags.add(school)
    measure.tags.add(health)
    measure.tags.remove(school)
    entries = audit_page(login(coordinator), organization, kind="measures.measure").context[
        "entries"
    ]
    assert [changes_of(e).get("stikkord") for e in entries[:3]] == [
        ("helse, skole", "helse"),
        ("skole", "helse, skole"),
        ("–", "skole"),
    ]


def test_a_creation_lists_the_values_it_was_created_with(login, coordinator, organization):
    program = ProgramFactory(organization=organization, name="Barn i bevegelse")
    entry = audit_page(login(coordinator), organization, kind="measures.program").context[
        "entries"
    ][0]
    assert entry.action == "opprettet"
    assert changes_of(entry)["navn"] == ("–", "Barn i bevegelse")
    assert changes_of(entry)["status"] == ("–", "Aktiv")
    assert entry.url == reverse("program_detail", args=[organization.slug, program.pk])


def test_another_organisations_changes_never_appear(
    login, admin_user, organization, other_organization
):
    foreign_measure = MeasureFactory(program=ProgramFactory(organization=other_organization))
    indicator = IndicatorFactory(goal=GoalFactory(measure=foreign_measure))
    MeasurementFactory(indicator=indicator)
    EventFactory(organization=other_organization, measure=foreign_measure)
    LessonFactory(organization=other_organization)
    ReportFactory(organization=other_organization)
    UnitFactory(organization=other_organization)
    MembershipFactory(organization=other_organization)
    saved_by(other_organization, admin_user, name="Nabo herad")
    client = login(admin_user)
    page = audit_page(client, organization)
    assert page.context["page_obj"].paginator.count == 2  # our organisation and its admin
    assert {e.kind for e in page.context["entries"]} == {
        "organizations.organization",
        "organizations.membership",
    }
    text = _csv(client, organization)
    for name in ("Nabo", foreign_measure.name, indicator.name):
        assert name not in text
    # A foreign measure's id is not a choice: refused, and nothing of it shown.
    page = audit_page(client, organization, measure=foreign_measure.pk)
    assert "measure" in page.context["filter_form"].errors
    assert {e.kind for e in page.context["entries"]} == {
        "organizations.organization",
        "organizations.membership",
    }


def test_a_partnership_is_in_the_trail_of_both_organisations(
    login, admin_user, outsider, organization, other_organization
):
    PartnershipFactory(grantor=organization, partner=other_organization)
    ours = audit_page(login(admin_user), organization, kind="organizations.partnership")
    theirs = audit_page(login(outsider), other_organization, kind="organizations.partnership")
    assert (
        kinds_and_subjects(ours)
        == kinds_and_subjects(theirs)
        == [("organizations.partnership", "Testvik kommune – Nabo kommune")]
    )


# --- filters ------------------------------------------------------------------------------


def test_the_person_filter_shows_only_that_persons_changes(
    login, admin_user, coordinator, organization, measure
):
    saved_by(measure, coordinator, name="Endret av koordinatoren")
    saved_by(measure, admin_user, name="Endret av administratoren")
    page = audit_page(login(admin_user), organization, person=coordinator.pk)
    assert [(e.who, e.subject) for e in page.context["entries"]] == [
        (coordinator.full_name, "Endret av koordinatoren")
    ]


def test_the_kind_filter_shows_only_that_kind(login, admin_user, organization, measure):
    EventFactory(organization=organization, title="Budsjettmøte")
    page = audit_page(login(admin_user), organization, kind="yearwheel.event")
    assert kinds_and_subjects(page) == [("yearwheel.event", "Budsjettmøte")]


def test_the_measure_filter_follows_every_path_to_the_measure(
    login, admin_user, organization, measure
):
    other = MeasureFactory(program=measure.program, name="Et annet tiltak")
    indicator = IndicatorFactory(goal=GoalFactory(measure=measure, title="Mål"), name="Trivsel")
    MeasurementFactory(indicator=indicator, date=dt.date(2026, 2, 1))
    EventFactory(organization=organization, measure=measure, title="Samling")
    IndicatorFactory(goal=GoalFactory(measure=other))
    EventFactory(organization=organization, title="Uten tiltak")
    page = audit_page(login(admin_user), organization, measure=measure.pk)
    assert sorted(kinds_and_subjects(page)) == [
        ("measures.goal", "Mål"),
        ("measures.indicator", "Trivsel"),
        ("measures.measure", "Trygge friminutt"),
        ("measures.measurement", "Trivsel – 01.02.2026"),
        ("yearwheel.event", "Samling"),
    ]


@pytest.mark.parametrize(
    ("moment", "inside"),
    [
        (at(2026, 2, 28, 23, 59, 59), False),  # the day before the period
        (at(2026, 3, 1, 0, 0), True),  # its first moment
        (at(2026, 3, 31, 23, 59), True),  # 23:59 on its last day
        (at(2026, 4, 1, 0, 0), False),  # 00:00 the day after
    ],
)
def test_the_period_is_whole_days_in_norwegian_time(
    login, admin_user, organization, moment, inside
):
    with time_machine.travel(moment, tick=False):
        UnitFactory(organization=organization, name="Skolen")
    page = audit_page(login(admin_user), organization, date_from="01.03.2026", date_to="31.03.2026")
    assert kinds_and_subjects(page) == ([("organizations.unit", "Skolen")] if inside else [])


def test_a_period_that_ends_before_it_starts_is_refused_with_a_message(
    login, admin_user, organization
):
    page = audit_page(login(admin_user), organization, date_from="02.03.2026", date_to="01.03.2026")
    assert "date_to" in page.context["filter_form"].errors
    assert page.context["page_obj"].paginator.count == 2  # the filters are not applied


# --- the CSV file -------------------------------------------------------------------------


def _csv(client, organization, **query) -> str:
    return audit_csv(client, organization, **query)


def _rich_history(organization, admin_user, coordinator, measure):
    saved_by(measure, coordinator, status="red", status_explanation="=Mangler vikarer")
    update_change_reason(measure, "Rettet etter møtet")
    measure.tags.add(TagFactory(organization=organization, name="skole"))
    indicator = IndicatorFactory(goal=GoalFactory(measure=measure))
    saved_by(indicator, admin_user, target_value="82.5")
    EventFactory(organization=organization, measure=measure)
    LessonFactory(organization=organization, measure=measure)


@pytest.mark.parametrize("query", [{}, {"kind": "measures.measure"}, {"measure": "MEASURE"}])
def test_the_csv_file_has_the_pages_entries_changes_and_reasons(
    login, admin_user, coordinator, organization, measure, query
):
    _rich_history(organization, admin_user, coordinator, measure)
    query = {k: measure.pk if v == "MEASURE" else v for k, v in query.items()}
    client = login(admin_user)
    page = audit_page(client, organization, **query)
    expected = []
    for e in page.context["entries"]:
        when = e.when.astimezone(OSLO).strftime("%Y-%m-%d %H:%M:%S")
        common = [when, e.who, e.kind_label, e.subject, str(e.object_id), e.measure, e.action]
        for change in e.changes or [None]:
            fields = [change.field, change.old, change.new] if change else ["", "", ""]
            expected.append([*common, *fields, e.reason])
    rows = list(csv.reader(io.StringIO(_csv(client, organization, **query)), delimiter=";"))
    assert rows[0][0] == "Når"
    unquoted = [[cell.removeprefix("'") for cell in row] for row in rows[1:]]
    assert unquoted == expected
    assert len(expected) > len(page.context["entries"]) > 1


def test_the_csv_file_is_safe_against_formulas(
    login, admin_user, coordinator, organization, measure
):
    _rich_history(organization, admin_user, coordinator, measure)
    text = _csv(login(admin_user), organization, kind="measures.measure")
    assert "'=Mangler vikarer" in text
    assert ";=Mangler" not in text


# --- cost ---------------------------------------------------------------------------------


def _history_of_every_kind(organization, user):
    program = ProgramFactory(organization=organization)
    for n in range(3):
        measure = MeasureFactory(program=program)
        saved_by(measure, user, name=f"Omdøpt {n}")
        measure.tags.add(TagFactory(organization=organization))
        measure.contributors.add(user)
        indicator = IndicatorFactory(goal=GoalFactory(measure=measure))
        for month in range(1, 5):
            MeasurementFactory(indicator=indicator, date=dt.date(2026, month, 1))
        EventFactory(organization=organization, measure=measure)
        LessonFactory(organization=organization, measure=measure)
        ReportFactory(organization=organization)
        UnitFactory(organization=organization)
        MembershipFactory(organization=organization, role=Role.MEMBER, user=UserFactory())


def test_the_page_costs_the_same_queries_for_a_small_and_a_large_history(
    login, admin_user, organization, django_assert_num_queries, django_assert_max_num_queries
):
    client = login(admin_user)
    url = reverse("audit_trail", args=[organization.slug])
    client.get(url)
    with django_assert_max_num_queries(12) as small:
        response = client.get(url)
    assert len(response.context["entries"]) == 2
    _history_of_every_kind(organization, admin_user)
    with django_assert_num_queries(len(small.captured_queries)):
        response = client.get(url)
    entries = response.context["entries"]
    assert len(entries) == 50
    assert len({entry.kind for entry in entries}) >= 8
    assert Measure.objects.count() == 3


def test_the_measure_page_links_planners_to_its_changes_in_the_trail(
    login, coordinator, team_lead, organization, measure
):
    link = f"{reverse('audit_trail', args=[organization.slug])}?measure={measure.pk}"
    page = reverse("measure_detail", args=[organization.slug, measure.pk])
    assert link in login(coordinator).get(page).content.decode()
    assert link not in login(team_lead).get(page).content.decode()


def test_pages_follow_one_order_without_gaps_or_overlaps(login, admin_user, organization):
    # Three kinds whose changes interleave in time: each page must take its share of each.
    start = at(2026, 5, 4, 9, 0)
    for n in range(60):
        with time_machine.travel(start + dt.timedelta(minutes=n), tick=False):
            if n % 3 == 0:
                UnitFactory(organization=organization, name=f"Enhet {n}")
            elif n % 3 == 1:
                EventFactory(organization=organization, title=f"Hendelse {n}")
            else:
                LessonFactory(organization=organization, title=f"Erfaring {n}")
    client = login(admin_user)
    query = {"date_from": "04.05.2026", "date_to": "04.05.2026"}
    pages = [audit_page(client, organization, page=n, **query) for n in (1, 2)]
    shown = [e.subject for page in pages for e in page.context["entries"]]
    rings = [s for s in shown if s.startswith("Ring")]  # each event brought its ring
    expected = [f"{('Enhet', 'Hendelse', 'Erfaring')[n % 3]} {n}" for n in reversed(range(60))]
    assert [s for s in shown if not s.startswith("Ring")] == expected
    assert len(shown) == 60 + len(rings) and pages[0].context["page_obj"].paginator.count == 80


def test_every_kind_in_the_demo_shows_on_the_trail_and_in_the_file(client):
    from django.core.management import call_command

    from organizations.audit.registry import audited_models
    from organizations.models import Organization, User

    call_command("seed_demo", password="demo-passord-1")
    organization = Organization.objects.get(slug="demo-kommune")
    client.force_login(User.objects.get(email="admin@demo-kommune.no"))
    pass_second_factor(client, User.objects.get(email="admin@demo-kommune.no"))
    shown = set()
    for kind in audited_models():
        entries = audit_page(client, organization, kind=kind).context["entries"]
        assert all(e.kind == kind and e.who and e.action for e in entries)
        if entries:
            shown.add(kind)
    text = _csv(client, organization)
    assert len(text.splitlines()) > 500
    # The demo has records of all forty kinds of 2026; kinds registered later may have none.
    assert len(shown) >= 40, sorted(set(audited_models()) - shown)
