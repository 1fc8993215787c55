"""The accessibility statement follows the content the Authority for Universal Design of ICT
requires (organizations/accessibility.py; docs/accessibility.md, "The statement")."""

from __future__ import annotations

import re

import pytest
from django.test import override_settings
from django.urls import reverse

from organizations import accessibility
from organizations.models import Role
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def english_member(member):
    member.language = "en"
    member.save(update_fields=["language"])
    return member


def _statement(client, organization=None) -> str:
    if organization is None:
        url = reverse("accessibility_statement")
    else:
        url = reverse("organization_accessibility_statement", args=[organization.slug])
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_it_lists_every_known_deviation_with_its_criterion_and_dates(client):
    html = _statement(client)
    assert "We know of no breaches" not in html
    assert "WCAG 2.1 AA" in html
    rows = re.findall(r"<tr>\s*<th scope=\"row\">([\d.]+) ", html)
    assert rows == [deviation.criterion for deviation in accessibility.DEVIATIONS]
    for deviation in accessibility.DEVIATIONS:
        assert deviation.found.strftime("%d.%m.%Y") in html
        if deviation.fix_expected:
            assert deviation.fix_expected.strftime("%d.%m.%Y") in html
    assert accessibility.LAST_REVIEWED.strftime("%Y") in html


def test_the_deviation_list_is_kept_in_order_and_dated():
    assert accessibility.DEVIATIONS, "an honest statement lists what is still wrong"
    for deviation in accessibility.DEVIATIONS:
        assert re.fullmatch(r"[1-4]\.\d{1,2}\.\d{1,2}", deviation.criterion)
        assert deviation.found <= accessibility.LAST_REVIEWED
        assert deviation.fix_expected is None or deviation.fix_expected >= deviation.found
    assert accessibility.STATEMENT_MADE <= accessibility.LAST_REVIEWED


def test_it_links_to_the_authority_for_complaints(client):
    assert f'href="{accessibility.AUTHORITY_URL}"' in _statement(client)


def test_the_organisation_page_shows_its_contact_and_published_statement(
    login, english_member, organization
):
    organization.accessibility_contact_email = "uu@testvik.kommune.no"
    organization.accessibility_statement_url = "https://uustatus.no/nb/erklaringer/publisert/1"
    organization.save()
    html = _statement(login(english_member), organization)
    assert 'href="mailto:uu@testvik.kommune.no"' in html
    assert 'href="https://uustatus.no/nb/erklaringer/publisert/1"' in html
    assert "Testvik kommune" in html
    assert "has not named a contact" not in html


@override_settings(SUPPORT_EMAIL="hjelp@tiltakshjulet.no")
def test_without_a_contact_of_its_own_the_service_address_is_shown_with_a_note(
    login, english_member, organization
):
    html = _statement(login(english_member), organization)
    assert 'href="mailto:hjelp@tiltakshjulet.no"' in html
    assert "has not named a contact of its own" in html
    assert "uustatus.no" not in html


@override_settings(SUPPORT_EMAIL="")
def test_without_any_address_the_administrators_are_named(
    login, english_member, admin_user, organization
):
    html = _statement(login(english_member), organization)
    assert f'href="mailto:{admin_user.email}"' in html
    assert f'href="mailto:{english_member.email}"' not in html


@override_settings(SUPPORT_EMAIL="")
def test_the_administrators_are_found_in_a_fixed_number_of_queries(
    login, english_member, admin_user, organization, django_assert_max_num_queries
):
    client = login(english_member)
    _statement(client, organization)
    for index in range(5):
        MembershipFactory(
            organization=organization,
            role=Role.ADMIN,
            user=UserFactory(email=f"admin{index}@testvik.no"),
        )
    with django_assert_max_num_queries(12):
        html = _statement(client, organization)
    assert html.count('href="mailto:admin') == 6  # admin_user and the five


def test_the_footer_links_to_the_organisation_statement_inside_an_organisation(
    login, member, organization
):
    html = login(member).get(reverse("unit_list", args=[organization.slug])).content.decode()
    assert (
        f'href="{reverse("organization_accessibility_statement", args=[organization.slug])}"'
        in html
    )


def test_an_administrator_sets_the_contact_and_the_statement_address(
    login, admin_user, organization
):
    response = login(admin_user).post(
        reverse("organization_settings", args=[organization.slug]),
        {
            "name": organization.name,
            "number": organization.number,
            "written_standard": "nb",
            "planning_year_start_month": 1,
            "escalate_after_days": 7,
            "accessibility_contact_email": "uu@testvik.kommune.no",
            "accessibility_statement_url": "uustatus.no/nb/erklaringer/publisert/1",
        },
    )
    assert response.status_code == 302
    organization.refresh_from_db()
    assert organization.accessibility_contact_email == "uu@testvik.kommune.no"
    assert (
        organization.accessibility_statement_url == "https://uustatus.no/nb/erklaringer/publisert/1"
    )


def test_a_bad_contact_address_is_refused(login, admin_user, organization):
    response = login(admin_user).post(
        reverse("organization_settings", args=[organization.slug]),
        {
            "name": organization.name,
            "number": organization.number,
            "written_standard": "nb",
            "planning_year_start_month": 1,
            "escalate_after_days": 7,
            "accessibility_contact_email": "not an address",
        },
    )
    assert response.status_code == 200
    assert 'href="#id_accessibility_contact_email"' in response.content.decode()
