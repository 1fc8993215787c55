from django.urls import reverse

from organizations.models import Role
from tests.factories import MembershipFactory, UnitFactory


def test_admins_see_who_changed_what(login, admin_user, organization):
    client = login(admin_user)
    client.post(
        reverse("organization_settings", args=[organization.slug]),
        {
            "name": "Testvik herad",
            "number": organization.number,
            "written_standard": "nb",
            "planning_year_start_month": 8,
            "escalate_after_days": 7,
        },
    )
    organization.refresh_from_db()
    assert organization.name == "Testvik herad"

    response = client.get(reverse("organization_history", args=[organization.slug]))
    body = response.content.decode()
    newest = response.context["page_obj"].object_list[0]
    assert newest.who == admin_user.full_name
    changes = {change.field: (change.old, change.new) for change in newest.changes}
    assert changes["navn"] == ("Testvik kommune", "Testvik herad")
    assert changes["planåret starter i"] == ("januar", "august")
    assert "Testvik herad" in body


def test_a_bad_number_is_refused_in_the_settings(login, admin_user, organization):
    response = login(admin_user).post(
        reverse("organization_settings", args=[organization.slug]),
        {
            "name": "X",
            "number": "12",
            "written_standard": "nb",
            "planning_year_start_month": 1,
            "escalate_after_days": 7,
        },
    )
    assert response.status_code == 200
    assert "fire sifre" in response.content.decode()
    organization.refresh_from_db()
    assert organization.name == "Testvik kommune"


def test_the_history_page_runs_a_fixed_number_of_queries(
    login, admin_user, organization, django_assert_max_num_queries
):
    client = login(admin_user)
    url = reverse("organization_history", args=[organization.slug])
    client.get(url)
    with django_assert_max_num_queries(9) as few:  # 8 + the notification bell
        client.get(url)
    for unit in UnitFactory.create_batch(10, organization=organization):
        unit.name += " (endret)"
        unit.save()
    MembershipFactory.create_batch(10, organization=organization, role=Role.MEMBER)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert (
        len(response.context["page_obj"].object_list) == 32
    )  # the organisation, its admin, 10 units twice, 10 members
