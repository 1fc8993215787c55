"""The organisation's settings form. (Who changed the settings, and how, is on the audit
trail: tests/audit/.)"""

from django.urls import reverse


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
