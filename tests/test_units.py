from django.urls import reverse

from organizations.models import Unit
from tests.factories import UnitFactory


def test_an_admin_creates_a_unit(login, admin_user, organization):
    response = login(admin_user).post(
        reverse("unit_create", args=[organization.slug]),
        {"name": "Solbakken skole", "kind": Unit.Kind.SCHOOL},
    )
    assert response.status_code == 302
    unit = Unit.objects.get()
    assert (unit.organization, unit.name) == (organization, "Solbakken skole")


def test_a_duplicate_name_is_refused_whatever_the_case(login, admin_user, organization):
    UnitFactory(organization=organization, name="Solbakken skole")
    response = login(admin_user).post(
        reverse("unit_create", args=[organization.slug]),
        {"name": "solbakken SKOLE", "kind": Unit.Kind.SCHOOL},
    )
    assert response.status_code == 200
    assert "har allerede en enhet med dette navnet" in response.content.decode()
    assert Unit.objects.count() == 1


def test_the_same_name_is_fine_in_another_organisation(
    login, admin_user, organization, other_organization
):
    UnitFactory(organization=other_organization, name="Solbakken skole")
    login(admin_user).post(
        reverse("unit_create", args=[organization.slug]),
        {"name": "Solbakken skole", "kind": Unit.Kind.SCHOOL},
    )
    assert Unit.objects.filter(organization=organization).count() == 1


def test_missing_fields_are_reported_next_to_the_field(login, admin_user, organization):
    response = login(admin_user).post(reverse("unit_create", args=[organization.slug]), {})
    body = response.content.decode()
    assert response.status_code == 200
    assert "Fyll inn dette feltet." in body
    assert "Ingenting ble lagret" in body
    assert not Unit.objects.exists()


def test_an_admin_renames_archives_and_restores_a_unit(login, admin_user, organization):
    unit = UnitFactory(organization=organization, name="Gammel")
    client = login(admin_user)
    client.post(
        reverse("unit_update", args=[organization.slug, unit.pk]),
        {"name": "Ny", "kind": Unit.Kind.CULTURE},
    )
    client.post(reverse("unit_archive", args=[organization.slug, unit.pk]))
    unit.refresh_from_db()
    assert (unit.name, unit.kind, unit.is_archived) == ("Ny", Unit.Kind.CULTURE, True)

    listing = client.get(reverse("unit_list", args=[organization.slug]))
    assert unit not in listing.context["units"]
    archived = client.get(reverse("unit_list", args=[organization.slug]) + "?archived=1")
    assert unit in archived.context["units"]

    client.post(reverse("unit_restore", args=[organization.slug, unit.pk]))
    unit.refresh_from_db()
    assert unit.is_archived is False


def test_members_see_units_without_edit_buttons(login, member, organization):
    UnitFactory(organization=organization, name="Solbakken skole")
    body = login(member).get(reverse("unit_list", args=[organization.slug])).content.decode()
    assert "Solbakken skole" in body
    assert reverse("unit_create", args=[organization.slug]) not in body


def test_the_unit_list_runs_a_fixed_number_of_queries(
    login, member, organization, django_assert_max_num_queries
):
    client = login(member)
    url = reverse("unit_list", args=[organization.slug])
    client.get(url)
    with django_assert_max_num_queries(6) as few:  # 5 + the notification bell
        client.get(url)
    UnitFactory.create_batch(20, organization=organization)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url)
