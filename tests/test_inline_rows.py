"""Rows added, edited and deleted inline (htmx) on the logic model, the implementation plan and
the maintenance plan: a fragment for htmx, a redirect for an ordinary post, nothing saved and
the errors in place when the input is refused, and the same queries for few and many rows."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from measures.models import LogicColumn, LogicElement, LogicLink
from phases.models import (
    BudgetLine,
    ImplementationPlan,
    MaintenanceRoutine,
    PlannedActivity,
    RoleResponsibility,
)
from tests.factories import LogicElementFactory, MeasureFactory, ProgramFactory

C = LogicColumn
HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def measure(organization, team_lead):
    return MeasureFactory(program=ProgramFactory(organization=organization), team_lead=team_lead)


@pytest.fixture
def english(team_lead):
    team_lead.language = "en"
    team_lead.save(update_fields=["language"])
    return team_lead


def url(name, measure, *args):
    return reverse(name, args=[measure.organization.slug, measure.pk, *args])


def body(response):
    return response.content.decode()


def assert_fragment(response, container_id):
    """A fragment of the page, not a page: htmx swaps it in place of ``container_id``."""
    assert response.status_code == 200
    text = body(response)
    assert "<html" not in text
    assert f'id="{container_id}"' in text
    # What the save did is told in the page's status region (swapped out of band).
    assert 'id="inline-status" hx-swap-oob="innerHTML"' in text
    return text


# --- the logic model -------------------------------------------------------------------------


def test_it_adds_a_logic_element_inline_with_its_history(login, english, measure):
    response = login(english).post(
        url("logic_element_create", measure),
        {"column": C.ACTIVITIES, "text": "Adults on duty at every break"},
        **HX,
    )

    element = LogicElement.objects.get(measure=measure)
    text = assert_fragment(response, "logic-editor")
    assert f'data-inline-focus="element-{element.pk}"' in text
    assert "Adults on duty at every break" in text
    assert "The element is added to the logic model." in text
    assert element.column == C.ACTIVITIES and element.position == 0
    assert element.history.count() == 1  # the same save path as the element's own page


def test_an_ordinary_post_adds_the_element_and_redirects_to_the_chain(login, english, measure):
    response = login(english).post(
        url("logic_element_create", measure), {"column": C.OUTPUTS, "text": "A routine"}
    )

    element = LogicElement.objects.get(measure=measure)
    assert response.status_code == 302
    assert response["Location"] == f"{url('logic_model', measure)}#element-{element.pk}"


def test_a_refused_element_saves_nothing_and_shows_the_error_at_its_field(login, english, measure):
    response = login(english).post(
        url("logic_element_create", measure), {"column": C.OUTCOMES, "text": ""}, **HX
    )

    text = assert_fragment(response, "logic-editor")
    assert not LogicElement.objects.exists()
    assert 'data-inline-focus="error"' in text
    # The error is in the form of the column it was sent from, next to its field.
    field = f'id="id_logic_new_{C.OUTCOMES}_text"'
    assert field in text
    tag = text[text.rindex("<textarea", 0, text.index(field)) : text.index(">", text.index(field))]
    assert "is-invalid" in tag
    assert "This field is required." in text


def test_the_errors_come_in_the_users_language(login, team_lead, measure):
    team_lead.language = "nb"
    team_lead.save(update_fields=["language"])

    response = login(team_lead).post(
        url("logic_element_create", measure), {"column": C.OUTCOMES, "text": ""}, **HX
    )

    assert "This field is required." not in body(response)
    assert "is-invalid" in body(response)


def test_edit_turns_the_element_into_its_form_and_saves_in_place(login, english, measure):
    element = LogicElementFactory(measure=measure, column=C.RESOURCES, text="Two hours a week")
    client = login(english)

    form = client.get(url("logic_element_update", measure, element.pk), **HX)
    text = assert_fragment(form, "logic-editor")
    assert f'hx-post="{url("logic_element_update", measure, element.pk)}"' in text
    assert f'data-inline-focus="id_logic_edit_{element.pk}_text"' in text

    saved = client.post(
        url("logic_element_update", measure, element.pk),
        {"column": C.RESOURCES, "text": "Three hours a week"},
        **HX,
    )
    assert f'data-inline-focus="element-{element.pk}"' in assert_fragment(saved, "logic-editor")
    element.refresh_from_db()
    assert element.text == "Three hours a week"

    refused = client.post(
        url("logic_element_update", measure, element.pk), {"column": C.RESOURCES}, **HX
    )
    assert 'data-inline-focus="error"' in body(refused)
    element.refresh_from_db()
    assert element.text == "Three hours a week"


def test_the_element_page_still_works_without_htmx(login, english, measure):
    element = LogicElementFactory(measure=measure, column=C.RESOURCES)

    response = login(english).get(url("logic_element_update", measure, element.pk))

    assert response.status_code == 200
    assert "<html" in body(response)


def test_it_adds_and_deletes_arrows_and_elements_inline(login, english, measure):
    source = LogicElementFactory(measure=measure, column=C.ACTIVITIES, text="Duty at breaks")
    target = LogicElementFactory(measure=measure, column=C.OUTPUTS, text="Safer breaks")
    client = login(english)

    backwards = client.post(
        url("logic_link_create", measure), {"source": target.pk, "target": source.pk}, **HX
    )
    assert 'data-inline-focus="error"' in assert_fragment(backwards, "logic-editor")
    assert not LogicLink.objects.exists()

    added = client.post(
        url("logic_link_create", measure), {"source": source.pk, "target": target.pk}, **HX
    )
    link = LogicLink.objects.get()
    assert f'data-inline-focus="arrow-{link.pk}"' in assert_fragment(added, "logic-editor")

    deleted = client.post(url("logic_link_delete", measure, link.pk), **HX)
    assert_fragment(deleted, "logic-editor")
    assert not LogicLink.objects.exists()

    moved = client.post(url("logic_element_move", measure, source.pk), {"direction": "up"}, **HX)
    assert_fragment(moved, "logic-editor")

    gone = client.post(url("logic_element_delete", measure, source.pk), **HX)
    assert 'data-inline-focus="logic-columns-heading"' in assert_fragment(gone, "logic-editor")
    assert list(LogicElement.objects.all()) == [target]


def test_readers_see_no_inline_forms(login, member, measure):
    LogicElementFactory(measure=measure, column=C.RESOURCES)

    text = body(login(member).get(url("logic_model", measure)))

    assert "hx-post" not in text and "logic-add-form" not in text


# --- the implementation plan -----------------------------------------------------------------

PLAN_ROWS = [
    (
        "planned_activity",
        PlannedActivity,
        {"what": "Kick-off", "month": "9"},
        {"what": ""},
        "activity",
        "activities",
    ),
    (
        "plan_role",
        RoleResponsibility,
        {"role": "Team lead", "responsibility": "Leads the team"},
        {"role": ""},
        "role",
        "roles",
    ),
    (
        "budget_line",
        BudgetLine,
        {"description": "Course", "year": "2026", "amount": "12 500,50"},
        {"description": "Course", "year": "2026", "amount": "-5"},
        "budget-line",
        "budget",
    ),
]


@pytest.mark.parametrize(("name", "model", "valid", "invalid", "prefix", "anchor"), PLAN_ROWS)
def test_plan_rows_are_added_edited_and_deleted_inline(
    login, english, measure, name, model, valid, invalid, prefix, anchor
):
    client = login(english)

    refused = client.post(url(f"{name}_create", measure), invalid, **HX)
    assert 'data-inline-focus="error"' in assert_fragment(refused, "plan-content")
    assert "is-invalid" in body(refused)
    assert not model.objects.exists()
    assert not ImplementationPlan.objects.exists()  # not even the plan row

    added = client.post(url(f"{name}_create", measure), valid, **HX)
    row = model.objects.get()
    text = assert_fragment(added, "plan-content")
    assert f'data-inline-focus="{prefix}-{row.pk}"' in text
    assert f'id="{prefix}-{row.pk}"' in text
    assert row.history.count() == 1

    editing = client.get(url(f"{name}_update", measure, row.pk), **HX)
    text = assert_fragment(editing, "plan-content")
    assert f'hx-post="{url(f"{name}_update", measure, row.pk)}"' in text

    still = client.post(url(f"{name}_update", measure, row.pk), invalid, **HX)
    assert 'data-inline-focus="error"' in body(still)
    assert model.objects.get().history.count() == 1

    deleted = client.post(url(f"{name}_delete", measure, row.pk), **HX)
    assert f'data-inline-focus="{anchor}-heading"' in assert_fragment(deleted, "plan-content")
    assert not model.objects.exists()


@pytest.mark.parametrize(("name", "model", "valid", "invalid", "prefix", "anchor"), PLAN_ROWS)
def test_plan_rows_without_htmx_redirect_as_before(
    login, english, measure, name, model, valid, invalid, prefix, anchor
):
    client = login(english)

    added = client.post(url(f"{name}_create", measure), valid)
    assert added.status_code == 302
    assert added["Location"] == f"{url('implementation_plan', measure)}#{anchor}"

    refused = client.post(url(f"{name}_create", measure), invalid)
    assert refused.status_code == 200 and "<html" in body(refused)  # the row's own page
    assert model.objects.count() == 1


def test_the_plan_page_has_an_add_form_under_every_list(login, english, measure):
    text = body(login(english).get(url("implementation_plan", measure)))

    for name in ("planned_activity", "plan_role", "budget_line"):
        assert f'hx-post="{url(f"{name}_create", measure)}"' in text
    assert 'id="inline-status"' in text and "js/inline-rows" in text


# --- the maintenance plan --------------------------------------------------------------------


def routine_data(person, **changes):
    return {
        "kind": "training",
        "description": "Course for new staff",
        "owner": person.pk,
        "recurrence": "yearly",
        "first_date": "15.08.2026",
        **changes,
    }


def test_routines_are_added_and_edited_inline(login, english, measure):
    client = login(english)

    refused = client.post(
        url("maintenance_routine_create", measure), routine_data(english, owner=""), **HX
    )
    assert 'data-inline-focus="error"' in assert_fragment(refused, "maintenance")
    assert "Choose who owns the routine." in body(refused)
    assert not MaintenanceRoutine.objects.exists()

    added = client.post(url("maintenance_routine_create", measure), routine_data(english), **HX)
    routine = MaintenanceRoutine.objects.get()
    assert f'data-inline-focus="routine-{routine.pk}"' in assert_fragment(added, "maintenance")
    assert "The routine is saved." in body(added)

    editing = client.get(url("maintenance_routine_update", measure, routine.pk), **HX)
    assert f'id="id_edit_routine_{routine.pk}_description"' in assert_fragment(
        editing, "maintenance"
    )

    saved = client.post(
        url("maintenance_routine_update", measure, routine.pk),
        routine_data(english, description="Supervision each month"),
        **HX,
    )
    assert_fragment(saved, "maintenance")
    routine.refresh_from_db()
    assert routine.description == "Supervision each month"

    deleted = client.post(url("maintenance_routine_delete", measure, routine.pk), **HX)
    assert 'data-inline-focus="maintenance-heading"' in assert_fragment(deleted, "maintenance")
    assert not MaintenanceRoutine.objects.exists()
    assert routine.history.count() == 3  # created, changed, deleted: the history keeps it


def test_a_routine_without_htmx_redirects_to_the_maintenance_plan(login, english, measure):
    response = login(english).post(
        url("maintenance_routine_create", measure), routine_data(english)
    )

    assert response.status_code == 302
    assert response["Location"] == f"{url('continuation', measure)}#maintenance"

    routine = MaintenanceRoutine.objects.get()
    deleted = login(english).post(url("maintenance_routine_delete", measure, routine.pk))
    assert deleted.status_code == 302
    assert deleted["Location"] == f"{url('continuation', measure)}#maintenance"
    assert not MaintenanceRoutine.objects.exists()


# --- queries ---------------------------------------------------------------------------------


def _rows(measure, count):
    plan, _created = ImplementationPlan.objects.get_or_create(measure=measure)
    for i in range(count):
        LogicElementFactory(measure=measure, column=C.ACTIVITIES, position=i)
        PlannedActivity.objects.create(plan=plan, what=f"Activity {i}", month=9)
        RoleResponsibility.objects.create(plan=plan, role=f"Role {i}", responsibility="x")
        BudgetLine.objects.create(plan=plan, description=f"Line {i}", year=2026, amount=Decimal(1))


def _count(client, method, path, data=None):
    with CaptureQueriesContext(connection) as queries:
        response = getattr(client, method)(path, data or {}, **HX)
    assert response.status_code == 200, path
    return len(queries)


def test_the_fragments_run_the_same_queries_for_5_and_50_rows(login, english, organization):
    client = login(english)
    few, many = (
        MeasureFactory(program=ProgramFactory(organization=organization), team_lead=english)
        for _ in range(2)
    )
    _rows(few, 5)
    _rows(many, 50)
    client.get(url("logic_model", few))  # the first request of a session does bookkeeping

    def counts(measure):
        element = LogicElement.objects.filter(measure=measure).first()
        activity = PlannedActivity.objects.filter(plan__measure=measure).first()
        return [
            _count(client, "get", url("logic_element_update", measure, element.pk)),
            _count(client, "post", url("logic_element_create", measure), {"column": 1}),
            _count(client, "get", url("planned_activity_update", measure, activity.pk)),
            _count(client, "post", url("plan_role_create", measure), {"role": ""}),
        ]

    assert counts(few) == counts(many)


def test_the_print_view_keeps_its_date_and_has_no_forms(login, english, measure):
    LogicElementFactory(measure=measure, column=C.RESOURCES)

    response = login(english).get(f"{url('logic_model', measure)}?print=1")

    text = body(response)
    assert "hx-post" not in text and "<form" not in text.split("</header>")[-1]
    printed = text.index("Printed")
    assert any(ch.isdigit() for ch in text[printed : printed + 40])
