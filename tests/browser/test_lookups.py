"""The measure list's team-lead field in Chromium: a member types part of a name, the matches
open below the field, the arrow keys and Enter choose one, and the list shows that person's
measures; the page stays axe-clean with the matches open."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from organizations.models import Role
from tests.browser.conftest import describe_violations
from tests.factories import MeasureFactory, MembershipFactory, ProgramFactory, UserFactory

pytestmark = pytest.mark.browser


def test_a_member_chooses_a_team_lead_by_typing_and_the_keyboard(
    page, log_in, axe_violations, organization, member, password
):
    program = ProgramFactory(organization=organization)
    leads = {}
    for name in ("Kari Nordmann", "Karianne Berg", "Ola Hansen"):
        person = UserFactory(full_name=name)
        MembershipFactory(organization=organization, user=person, role=Role.TEAM_LEAD)
        leads[name] = person
        MeasureFactory(program=program, team_lead=person, name=f"Tiltaket til {name}")
    member.language = "en"
    member.save(update_fields=["language"])

    log_in(member, password)
    page.goto(reverse("measure_list", args=[organization.slug]))
    field = page.get_by_role("combobox", name="Team lead")
    field.press_sequentially("kari")
    options = page.get_by_role("listbox", name="Team lead").get_by_role("option")
    expect(options).to_have_count(2)
    expect(field).to_have_attribute("aria-expanded", "true")
    violations = axe_violations()
    assert not violations, describe_violations(violations)

    # Down to Kari Nordmann, wherever the database's collation puts her.
    position = options.all_text_contents().index("Kari Nordmann")
    for _ in range(position + 1):
        field.press("ArrowDown")
    expect(options.nth(position)).to_have_attribute("aria-selected", "true")
    field.press("Enter")  # chooses; a second Enter sends the form
    expect(field).to_have_value("Kari Nordmann")
    expect(page.locator("#id_team_lead")).to_have_value(str(leads["Kari Nordmann"].pk))
    field.press("Enter")
    expect(page.locator("main table")).to_contain_text("Tiltaket til Kari Nordmann")
    expect(page.locator("main table")).not_to_contain_text("Karianne")
    expect(page.get_by_role("combobox", name="Team lead")).to_have_value("Kari Nordmann")
