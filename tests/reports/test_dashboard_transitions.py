"""The status dashboard's filter by a transition between services: the measures that improve
a hand-over from or to a unit, a partner's unit included while the partnership lasts."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import (
    MeasureFactory,
    OrganizationFactory,
    PartnershipFactory,
    ProgramFactory,
    UnitFactory,
)


@pytest.fixture
def program(organization):
    return ProgramFactory(organization=organization, name="Trygg oppvekst")


@pytest.fixture
def measure(program):
    return MeasureFactory(program=program, name="Trygg skolestart")


@pytest.fixture
def kindergarten(organization):
    return UnitFactory(organization=organization, name="Solsikken barnehage", kind="kindergarten")


@pytest.fixture
def school(organization):
    return UnitFactory(organization=organization, name="Sentrum skole", kind="school")


@pytest.fixture
def partnership(organization, other_organization, program):
    """Nabo kommune takes part in the programme."""
    granted = PartnershipFactory(grantor=organization, partner=other_organization)
    program.partnerships.add(granted)
    return granted


@pytest.fixture
def partner_school(other_organization):
    return UnitFactory(organization=other_organization, name="Sentrum skole", kind="school")


@pytest.fixture
def hand_overs(program, kindergarten, school, organization):
    """A measure on each side of the kindergarten's hand-overs, and two that do not touch it."""
    health = UnitFactory(organization=organization, name="Helsestasjonen", kind="health_clinic")
    into = MeasureFactory(program=program, name="Inn i barnehagen")
    into.service_transitions.create(from_unit=health, to_unit=kindergarten)
    out = MeasureFactory(program=program, name="Ut av barnehagen")
    out.service_transitions.create(from_unit=kindergarten, to_unit=school)
    out.service_transitions.create(from_unit=kindergarten, to_unit=health)
    other = MeasureFactory(program=program, name="Helse til skole")
    other.service_transitions.create(from_unit=health, to_unit=school)
    MeasureFactory(program=program, name="Uten overgang")


def dashboard(client, organization, **query):
    return client.get(reverse("status_dashboard", kwargs={"org_slug": organization.slug}), query)


def test_the_dashboard_is_filtered_by_a_service_in_the_address(
    login, viewer, organization, hand_overs, kindergarten
):
    client = login(viewer)
    response = dashboard(client, organization, service=kindergarten.pk)
    names = sorted(m["name"] for m in response.context["measures"])
    assert names == ["Inn i barnehagen", "Ut av barnehagen"]
    assert response.context["filtered"]
    # Both views: the compact table (the default) and the cards.
    cards = dashboard(client, organization, service=kindergarten.pk, view="cards")
    assert sorted(m["name"] for m in cards.context["measures"]) == names
    everything = dashboard(client, organization)
    assert len(everything.context["measures"]) == 4


def test_the_dashboard_filter_offers_partner_units_while_the_partnership_lasts(
    login, viewer, organization, school, partnership, partner_school
):
    client = login(viewer)
    field = dashboard(client, organization).context["form"].fields["service"]
    assert [label for _, label in field.choices][1:] == [
        "Sentrum skole",
        "Sentrum skole (Nabo kommune)",
    ]
    partnership.is_active = False
    partnership.save()
    field = dashboard(client, organization).context["form"].fields["service"]
    assert [label for _, label in field.choices][1:] == ["Sentrum skole"]


def test_the_dashboard_finds_a_hand_over_to_a_partner_unit(
    login, viewer, organization, measure, school, partnership, partner_school
):
    measure.service_transitions.create(from_unit=school, to_unit=partner_school)
    MeasureFactory(program=measure.program, name="Annet")
    response = dashboard(login(viewer), organization, service=partner_school.pk)
    assert [m["name"] for m in response.context["measures"]] == ["Trygg skolestart"]


def test_a_unit_of_a_stranger_is_left_out_of_the_dashboard_filter(
    login, viewer, organization, hand_overs
):
    stranger = UnitFactory(organization=OrganizationFactory())
    response = dashboard(login(viewer), organization, service=stranger.pk)
    assert len(response.context["measures"]) == 4
    assert response.context["form"].errors


def test_the_filtered_dashboard_runs_the_same_queries_for_5_and_50_measures(
    login, viewer, organization, program, kindergarten, school, django_assert_num_queries
):
    def add(count):
        for _ in range(count):
            measure = MeasureFactory(program=program)
            measure.service_transitions.create(from_unit=kindergarten, to_unit=school)

    add(5)
    client = login(viewer)
    client.get(reverse("status_dashboard", kwargs={"org_slug": organization.slug}))  # warms
    cache.clear()
    with CaptureQueriesContext(connection) as few:
        response = dashboard(client, organization, service=school.pk)
    count = len(few)
    assert len(response.context["measures"]) == 5
    add(45)
    cache.clear()
    with django_assert_num_queries(count):
        response = dashboard(client, organization, service=school.pk)
    assert len(response.context["measures"]) == 50


def test_writing_a_summary_comes_back_to_the_service_filter():
    from reports.forms_dashboard import dashboard_query

    assert dashboard_query("service=12&view=cards&other=1") == "service=12&view=cards"
