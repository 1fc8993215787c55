"""Transitions between services: naming the hand-overs a measure improves (own units and a
partner's in the programme), and finding the measures by one of the units."""

from __future__ import annotations

import io

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

from measures.models import Measure, ServiceTransition
from measures.transitions import measures_improving_transition, transition_units
from measures.views.transitions import measure_section
from organizations.models import Unit
from orgarchive.exporter import export_organization
from orgarchive.importer import import_organization
from orgarchive.purge import delete_organization
from tests.factories import (
    MeasureFactory,
    OrganizationFactory,
    PartnershipFactory,
    ProgramFactory,
    UnitFactory,
)

NOT_A_CHOICE = "Choose a unit of your organisation, or of a partner organisation taking part"


@pytest.fixture(autouse=True)
def _in_english(coordinator, member):
    """The pages are read in English (the messages below are the English ones)."""
    for user in (coordinator, member):
        user.language = "en"
        user.save(update_fields=["language"])


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
    # The same name as the home school: the organisation's name tells them apart.
    return UnitFactory(organization=other_organization, name="Sentrum skole", kind="school")


def add_url(measure):
    return reverse("measure_transition_add", args=[measure.organization.slug, measure.pk])


def post(client, measure, start, end, note=""):
    return client.post(add_url(measure), {"from_unit": start.pk, "to_unit": end.pk, "note": note})


# --- naming a transition ----------------------------------------------------------------------


def test_it_names_a_transition_and_shows_it_on_the_measure_page(
    login, coordinator, measure, kindergarten, school
):
    client = login(coordinator)
    response = post(client, measure, kindergarten, school, note="Overføringsmøte i mai")
    assert response.status_code == 302
    assert response["Location"].endswith(f"/measures/{measure.pk}/#transitions")
    (saved,) = ServiceTransition.objects.all()
    assert (saved.measure, saved.from_unit, saved.to_unit) == (measure, kindergarten, school)
    page = client.get(measure.get_absolute_url()).content.decode()
    assert "Transitions between services" in page
    assert "From Solsikken barnehage to Sentrum skole" in page
    assert "Overføringsmøte i mai" in page


def test_it_offers_a_partners_units_in_the_programme_marked_with_its_name(
    login, coordinator, measure, school, partnership, partner_school
):
    response = login(coordinator).get(add_url(measure))
    labels = [label for _, label in response.context["form"].fields["to_unit"].choices]
    assert labels == ["---------", "Sentrum skole", "Sentrum skole (Nabo kommune)"]


def test_it_names_a_hand_over_to_a_partners_unit(
    login, coordinator, measure, school, partnership, partner_school
):
    client = login(coordinator)
    assert post(client, measure, school, partner_school).status_code == 302
    page = client.get(measure.get_absolute_url()).content.decode()
    assert "From Sentrum skole to Sentrum skole (Nabo kommune)" in page


def test_a_unit_of_an_organisation_that_is_no_partner_is_refused(
    login, coordinator, measure, school
):
    stranger = UnitFactory(organization=OrganizationFactory(name="Fjern kommune"))
    response = post(login(coordinator), measure, school, stranger)
    assert response.status_code == 200
    assert NOT_A_CHOICE in response.content.decode()
    assert not ServiceTransition.objects.exists()


def test_a_partner_in_another_programme_only_is_refused(
    login, coordinator, organization, other_organization, measure, school, partner_school
):
    elsewhere = ProgramFactory(organization=organization, name="Annet program")
    elsewhere.partnerships.add(PartnershipFactory(grantor=organization, partner=other_organization))
    response = post(login(coordinator), measure, school, partner_school)
    assert NOT_A_CHOICE in response.content.decode()
    assert not ServiceTransition.objects.exists()


def test_ending_the_partnership_takes_its_units_out_of_the_choices(
    login, coordinator, measure, school, partnership, partner_school
):
    assert partner_school in transition_units(measure.organization, measure.program)
    partnership.is_active = False
    partnership.save()
    client = login(coordinator)
    choices = client.get(add_url(measure)).context["form"].fields["to_unit"].queryset
    assert list(choices) == [school]
    response = post(client, measure, school, partner_school)
    assert NOT_A_CHOICE in response.content.decode()
    assert not ServiceTransition.objects.exists()


def test_a_partner_organisation_that_is_closed_offers_no_units(
    measure, school, partnership, partner_school
):
    partnership.partner.is_active = False
    partnership.partner.save()
    assert list(transition_units(measure.organization, measure.program)) == [school]


def test_archived_units_are_not_offered(measure, school, kindergarten):
    kindergarten.is_archived = True
    kindergarten.save()
    assert list(transition_units(measure.organization, measure.program)) == [school]


def test_the_same_unit_on_both_sides_is_refused(login, coordinator, measure, school):
    response = post(login(coordinator), measure, school, school)
    assert "A hand-over is between two different units." in response.content.decode()
    assert not ServiceTransition.objects.exists()


def test_the_same_hand_over_twice_is_refused(login, coordinator, measure, kindergarten, school):
    client = login(coordinator)
    post(client, measure, kindergarten, school)
    response = post(client, measure, kindergarten, school)
    assert "This measure already names this hand-over." in response.content.decode()
    assert ServiceTransition.objects.count() == 1
    # The other direction is another hand-over.
    assert post(client, measure, school, kindergarten).status_code == 302


def test_a_member_sees_the_transitions_but_no_way_to_change_them(
    login, member, measure, kindergarten, school
):
    transition = measure.service_transitions.create(from_unit=kindergarten, to_unit=school)
    page = login(member).get(measure.get_absolute_url()).content.decode()
    assert "From Solsikken barnehage to Sentrum skole" in page
    assert add_url(measure) not in page
    remove = reverse(
        "measure_transition_remove", args=[measure.organization.slug, measure.pk, transition.pk]
    )
    assert remove not in page


# --- removing ---------------------------------------------------------------------------------


def test_it_removes_a_transition(login, coordinator, measure, kindergarten, school):
    transition = measure.service_transitions.create(from_unit=kindergarten, to_unit=school)
    url = reverse(
        "measure_transition_remove", args=[measure.organization.slug, measure.pk, transition.pk]
    )
    response = login(coordinator).post(url)
    assert response.status_code == 302
    assert not ServiceTransition.objects.exists()


def test_a_transition_of_another_measure_is_not_found(
    login, coordinator, measure, program, kindergarten, school
):
    other = MeasureFactory(program=program)
    transition = other.service_transitions.create(from_unit=kindergarten, to_unit=school)
    url = reverse(
        "measure_transition_remove", args=[measure.organization.slug, measure.pk, transition.pk]
    )
    assert login(coordinator).post(url).status_code == 404
    assert ServiceTransition.objects.count() == 1


# --- the measure page's section ---------------------------------------------------------------


@pytest.mark.parametrize("count", [1, 6])
def test_the_section_runs_one_query_whatever_the_number(
    count, organization, coordinator, measure, partnership, django_assert_num_queries
):
    units = [UnitFactory(organization=organization) for _ in range(count)]
    partner_units = [UnitFactory(organization=partnership.partner) for _ in range(count)]
    for start, end in zip(units, partner_units, strict=True):
        measure.service_transitions.create(from_unit=start, to_unit=end)
    request = RequestFactory().get("/")
    request.organization = organization
    request.user = coordinator
    measure = Measure.objects.select_related("program").get(pk=measure.pk)
    measure.organization = organization
    request.user.has_perm("measures.change_measure", measure)  # warms the permission cache
    with django_assert_num_queries(1):
        section = measure_section(request, measure)
    assert len(section.context["transitions"]) == count


# --- the filter -------------------------------------------------------------------------------


@pytest.fixture
def hand_overs(program, kindergarten, school, organization):
    """A measure on each side of the kindergarten's hand-overs, and two that do not touch it."""
    health = UnitFactory(organization=organization, name="Helsestasjonen", kind="health_clinic")
    into = MeasureFactory(program=program, name="Inn i barnehagen")
    into.service_transitions.create(from_unit=health, to_unit=kindergarten)
    out = MeasureFactory(program=program, name="Ut av barnehagen")
    out.service_transitions.create(from_unit=kindergarten, to_unit=school)
    # Two hand-overs with the kindergarten: still listed once.
    out.service_transitions.create(from_unit=kindergarten, to_unit=health)
    other = MeasureFactory(program=program, name="Helse til skole")
    other.service_transitions.create(from_unit=health, to_unit=school)
    MeasureFactory(program=program, name="Uten overgang")
    return {"into": into, "out": out, "other": other}


def test_the_filter_finds_the_unit_on_either_side_of_the_hand_over(hand_overs, kindergarten):
    found = measures_improving_transition(Measure.objects.all(), kindergarten)
    assert sorted(m.name for m in found) == ["Inn i barnehagen", "Ut av barnehagen"]


def test_the_filter_keeps_the_queryset_it_is_given(hand_overs, kindergarten):
    narrowed = Measure.objects.filter(name__startswith="Ut")
    assert list(measures_improving_transition(narrowed, kindergarten)) == [hand_overs["out"]]


def test_the_filter_unit_choices_do_not_grow_with_partners(
    organization, program, django_assert_num_queries
):
    for _ in range(5):
        partner = OrganizationFactory()
        program.partnerships.add(PartnershipFactory(grantor=organization, partner=partner))
        UnitFactory(organization=partner)
    with django_assert_num_queries(1):
        units = list(transition_units(organization))
    assert len(units) == 5
    assert all(isinstance(unit, Unit) for unit in units)


# --- the demo ---------------------------------------------------------------------------------


def test_the_demo_names_hand_overs(db):
    from django.core.management import call_command

    call_command("seed_demo", password="demo-passord-1")
    call_command("seed_demo", password="demo-passord-1")  # idempotent
    pairs = {
        (t.measure.name, t.from_unit.name, t.to_unit.organization.slug, t.to_unit.name)
        for t in ServiceTransition.objects.select_related(
            "measure", "from_unit", "to_unit__organization"
        )
    }
    assert pairs == {
        ("Felles språkløft i barnehagene", "Solsiden barnehage", "demo-kommune", "Nordby skole"),
        ("Overgangsplan barnehage–skule", "Fjordtun barnehage", "demo-herad", "Heradet skule"),
    }


# --- an organisation archive ------------------------------------------------------------------


def _archive_round_trip(organization, *, drop=None, meanwhile=None):
    """Exports ``organization``, runs ``meanwhile``, deletes it (and ``drop``, another
    organisation) and restores it; returns the import's result."""
    archive = io.BytesIO()
    export_organization(organization, archive)
    if meanwhile is not None:
        meanwhile()
    delete_organization(organization)
    if drop is not None:
        delete_organization(drop)
    with translation.override("en"):  # the notes name the kind of record in the language
        return import_organization(io.BytesIO(archive.getvalue()))


def restored_pairs(organization):
    return [
        (
            t.from_unit.organization.slug,
            t.from_unit.name,
            t.to_unit.organization.slug,
            t.to_unit.name,
        )
        for t in ServiceTransition.objects.filter(measure__organization=organization)
    ]


def test_an_archive_restores_hand_overs_to_a_partners_unit(
    measure, kindergarten, school, partnership, partner_school
):
    measure.service_transitions.create(from_unit=kindergarten, to_unit=school)
    measure.service_transitions.create(from_unit=school, to_unit=partner_school)
    result = _archive_round_trip(measure.organization)
    assert restored_pairs(result.organization) == [
        ("testvik", "Solsikken barnehage", "testvik", "Sentrum skole"),
        ("testvik", "Sentrum skole", "nabo", "Sentrum skole"),
    ]
    assert ServiceTransition.objects.get(to_unit__organization__slug="nabo").to_unit == (
        partner_school
    )


def test_an_archive_leaves_out_a_hand_over_to_a_unit_that_is_gone_with_a_note(
    measure, kindergarten, school, partnership, partner_school
):
    measure.service_transitions.create(from_unit=kindergarten, to_unit=school)
    measure.service_transitions.create(from_unit=school, to_unit=partner_school)
    result = _archive_round_trip(measure.organization, drop=partnership.partner)
    assert restored_pairs(result.organization) == [
        ("testvik", "Solsikken barnehage", "testvik", "Sentrum skole")
    ]
    assert any("transitions between services were left out" in n for n in result.notes)


def test_an_archive_notes_a_partners_unit_that_is_not_found(
    measure, school, partnership, partner_school
):
    measure.service_transitions.create(from_unit=school, to_unit=partner_school)
    # Renamed after the export: the import looks the unit up by its organisation and name.
    partner_school.name = "Sentrum skole (gammel)"
    result = _archive_round_trip(measure.organization, meanwhile=partner_school.save)
    assert not ServiceTransition.objects.exists()
    assert any("Links to the unit Sentrum skole of another" in n for n in result.notes)
