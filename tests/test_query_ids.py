"""Ids in query strings: an overflowing, negative or non-numeric id never reaches the database.

Every page that reads an id (or a number) from its query string is asked for it with each kind
of bad value in every parameter it reads at once; each answers 200 (the filter ignored or the
form's error) or 404, never a server error. The parameter names come from the filter forms
themselves, so a field added to a filter is tried too.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from measures.forms.core import MeasureFilterForm
from notifications.views import ReminderFilterForm
from organizations.audit.forms import AuditFilterForm
from organizations.ids import MAX_ID, parse_id
from reflections.forms.lessons import LessonFilterForm, SharedLessonFilterForm
from reflections.forms.meetings import ActionItemFilterForm, MeetingFilterForm
from reflections.forms.questions import QuestionFilterForm
from reflections.views.reflection import ReflectionFilterForm
from reports.forms_dashboard import DashboardFilterForm
from tests.matrix.base import LazyContext
from tests.test_permission_matrix import BUILDERS, MATRIX
from yearwheel.filters import WheelFilterForm

OVERFLOW = "9" * 38
BAD_VALUES = [OVERFLOW, str(2**63), "-1", "0", "abc", "1e3", "١٢"]


def fields(form_class) -> list[str]:
    return [*form_class.base_fields, "page"]


# Each page that reads its query string, and the parameters it reads.
PAGES = {
    "wheel_detail": [*fields(WheelFilterForm), "zoom"],
    "wheel_agenda": fields(WheelFilterForm),
    "wheel_print": fields(WheelFilterForm),
    "wheel_ics": fields(WheelFilterForm),
    "measure_list": fields(MeasureFilterForm),
    "measure_create": ["program"],
    "reminder_problems": fields(ReminderFilterForm),
    "audit_trail": fields(AuditFilterForm),
    "lesson_list": fields(LessonFilterForm),
    "lesson_shared_list": fields(SharedLessonFilterForm),
    "lesson_create": ["iteration", "evaluation", "meeting", "measure"],
    "question_list": fields(QuestionFilterForm),
    "question_create": ["theme", "phase"],
    "meeting_list": fields(MeetingFilterForm),
    "meeting_create": ["measure", "program", "date"],
    "action_item_list": fields(ActionItemFilterForm),
    "measure_reflection": fields(ReflectionFilterForm),
    "status_dashboard": fields(DashboardFilterForm),
    "event_create": ["ring", "kind", "date", "measure", "program"],
    "logic_element_create": ["column"],
    "logic_link_create": ["source"],
    "factor_create": ["phase"],
    "program_list": ["archived"],
    "unit_list": ["archived"],
}


@pytest.mark.parametrize("url_name", sorted(PAGES))
def test_bad_ids_in_the_query_string_never_fail_the_page(
    url_name, organization, admin_user, client, login
):
    ctx = LazyContext(BUILDERS, organization=organization)
    url = reverse(url_name, kwargs=MATRIX[url_name].kwargs(ctx))
    login(admin_user)
    for value in BAD_VALUES:
        query = dict.fromkeys(PAGES[url_name], value)
        response = client.get(url, query)
        assert response.status_code in (200, 404), f"{url_name} ?…={value!r}"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1", 1),
        ("42", 42),
        (str(MAX_ID), MAX_ID),
        (str(MAX_ID + 1), None),
        (OVERFLOW, None),
        ("0", None),
        ("-1", None),
        ("+1", None),
        (" 1", None),
        ("1.0", None),
        ("١٢", None),  # digits, but not ASCII ones
        ("", None),
        (None, None),
    ],
)
def test_parse_id_takes_only_a_positive_bigint(text, expected):
    assert parse_id(text) == expected


def test_the_ring_filter_with_an_overflowing_id_shows_the_form_error(
    organization, coordinator, client, login
):
    ctx = LazyContext(BUILDERS, organization=organization)
    url = reverse("wheel_agenda", kwargs=MATRIX["wheel_agenda"].kwargs(ctx))
    login(coordinator)
    response = client.get(url, {"ring": OVERFLOW})
    assert response.status_code == 200
    assert response.context["content"].filter_form.errors["ring"]


def test_a_posted_overflowing_id_in_a_many_to_many_field_is_a_form_error(
    organization, coordinator, client, login
):
    """Model forms' relations use the same checked fields (``Meta.formfield_callback``)."""
    login(coordinator)
    url = reverse("program_create", args=[organization.slug])
    response = client.post(url, {"name": "Ny satsing", "units": [OVERFLOW]})
    assert response.status_code == 200
    assert response.context["form"].errors["units"]
