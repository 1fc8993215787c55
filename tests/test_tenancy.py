"""The organisation in the URL is resolved once; outsiders see 404 whatever they ask for."""

import re

from django.urls import reverse

from organizations.models import Membership
from tests.factories import UnitFactory


def test_an_outsider_gets_the_same_404_for_real_and_unknown_organisations(
    login, outsider, organization
):
    client = login(outsider)
    real = client.get(reverse("organization_home", args=[organization.slug]))
    unknown = client.get(reverse("organization_home", args=["finnes-ikke"]))
    assert real.status_code == unknown.status_code == 404

    # Identical pages but for the path echoed to the language switcher and the CSRF masks.
    def normalised(response, path):
        body = response.content.decode().replace(path, "PATH")
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "CSRF", body)

    assert normalised(real, organization.slug) == normalised(unknown, "finnes-ikke")


def test_the_404_page_is_friendly_and_translated(login, outsider):
    response = login(outsider).get("/o/finnes-ikke/units/")
    body = response.content.decode()
    assert response.status_code == 404
    assert "Vi finner ikke siden" in body
    assert "Traceback" not in body


def test_anonymous_visitors_are_sent_to_login_for_any_slug(client, db):
    response = client.get("/o/finnes-ikke/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_an_object_of_another_organisation_is_404_through_this_one(
    login, admin_user, organization, other_organization
):
    foreign_unit = UnitFactory(organization=other_organization)
    client = login(admin_user)
    url = reverse("unit_update", args=[organization.slug, foreign_unit.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"name": "Kapret", "kind": "school"}).status_code == 404
    foreign_unit.refresh_from_db()
    assert foreign_unit.name != "Kapret"


def test_a_deactivated_member_loses_access(login, member, organization):
    Membership.objects.filter(user=member).update(is_active=False)
    response = login(member).get(reverse("organization_home", args=[organization.slug]))
    assert response.status_code == 404


def test_a_deactivated_organisation_is_closed_to_its_members(login, member, organization):
    organization.is_active = False
    organization.save()
    response = login(member).get(reverse("organization_home", args=[organization.slug]))
    assert response.status_code == 404


def test_home_sends_people_to_the_organisation_they_used_last(
    login, coordinator, organization, other_organization
):
    Membership.objects.create(user=coordinator, organization=other_organization, role="member")
    client = login(coordinator)
    client.get(reverse("organization_home", args=[other_organization.slug]))
    response = client.get(reverse("home"))
    assert response["Location"] == reverse("organization_home", args=[other_organization.slug])


def test_home_without_memberships_shows_the_empty_organisation_list(login, db):
    from tests.factories import UserFactory

    response = login(UserFactory()).get(reverse("home"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("organization_list")
    assert "ikke medlem" in response.content.decode()


def test_the_organisation_switcher_lists_every_membership(
    login, coordinator, organization, other_organization
):
    Membership.objects.create(user=coordinator, organization=other_organization, role="viewer")
    body = login(coordinator).get(reverse("organization_home", args=[organization.slug])).content
    assert organization.name.encode() in body
    assert other_organization.name.encode() in body


def test_the_home_page_runs_a_fixed_number_of_queries(
    login, coordinator, organization, django_assert_max_num_queries
):
    client = login(coordinator)
    url = reverse("organization_home", args=[organization.slug])
    client.get(url)  # warm the session and last organisation
    # session, user, membership+organisation, switcher list, notification bell, unit count,
    # member count
    with django_assert_max_num_queries(7):
        assert client.get(url).status_code == 200
    UnitFactory.create_batch(10, organization=organization)
    with django_assert_max_num_queries(7):
        assert client.get(url).status_code == 200
