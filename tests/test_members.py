"""Admins change roles and deactivate members; the organisation always keeps an admin."""

from django.urls import reverse

from organizations.models import Membership, Role
from tests.factories import MembershipFactory


def _membership(user, organization):
    return Membership.objects.get(user=user, organization=organization)


def test_an_admin_changes_a_role_and_history_records_who(login, admin_user, member, organization):
    target = _membership(member, organization)
    response = login(admin_user).post(
        reverse("membership_role", args=[organization.slug, target.pk]), {"role": Role.COORDINATOR}
    )
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.role == Role.COORDINATOR
    latest = target.history.latest()
    assert latest.history_user == admin_user
    assert latest.role == Role.COORDINATOR


def test_the_last_admin_cannot_be_demoted(login, admin_user, organization):
    own = _membership(admin_user, organization)
    response = login(admin_user).post(
        reverse("membership_role", args=[organization.slug, own.pk]), {"role": Role.MEMBER}
    )
    assert response.status_code == 200
    assert "minst én administrator" in response.content.decode()
    own.refresh_from_db()
    assert own.role == Role.ADMIN


def test_an_admin_can_step_down_when_another_admin_remains(login, admin_user, organization):
    MembershipFactory(organization=organization, role=Role.ADMIN)
    own = _membership(admin_user, organization)
    login(admin_user).post(
        reverse("membership_role", args=[organization.slug, own.pk]), {"role": Role.COORDINATOR}
    )
    own.refresh_from_db()
    assert own.role == Role.COORDINATOR


def test_the_last_admin_cannot_be_deactivated(login, admin_user, organization):
    own = _membership(admin_user, organization)
    response = login(admin_user).post(
        reverse("membership_deactivate", args=[organization.slug, own.pk]), follow=True
    )
    assert "minst én administrator" in response.content.decode()
    own.refresh_from_db()
    assert own.is_active


def test_deactivating_keeps_the_row_and_closes_the_door(
    login, admin_user, member, organization, client, password
):
    target = _membership(member, organization)
    login(admin_user).post(reverse("membership_deactivate", args=[organization.slug, target.pk]))
    target.refresh_from_db()
    assert target.is_active is False
    assert target.history.count() == 2

    client.logout()
    client.force_login(member)
    assert client.get(reverse("organization_home", args=[organization.slug])).status_code == 404

    client.logout()
    login(admin_user).post(reverse("membership_reactivate", args=[organization.slug, target.pk]))
    target.refresh_from_db()
    assert target.is_active is True


def test_an_unknown_role_is_rejected(login, admin_user, member, organization):
    target = _membership(member, organization)
    response = login(admin_user).post(
        reverse("membership_role", args=[organization.slug, target.pk]), {"role": "owner"}
    )
    assert response.status_code == 200
    target.refresh_from_db()
    assert target.role == Role.MEMBER


def test_the_member_list_runs_a_fixed_number_of_queries(
    login, admin_user, organization, django_assert_max_num_queries
):
    client = login(admin_user)
    url = reverse("member_list", args=[organization.slug])
    client.get(url)
    with django_assert_max_num_queries(7) as few:  # 6 + the notification bell
        client.get(url)
    MembershipFactory.create_batch(15, organization=organization)
    MembershipFactory.create_batch(3, organization=organization, is_active=False)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert len(response.context["active_memberships"]) == 16
    assert len(response.context["inactive_memberships"]) == 3
