"""Error summaries that lead to their fields, and messages that screen readers announce
(docs/accessibility.md, "Messages")."""

from __future__ import annotations

import re

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse

from organizations.templatetags.form_errors import summary_errors


class _Form(forms.Form):
    name = forms.CharField()
    kind = forms.ChoiceField(choices=[("a", "A"), ("b", "B")], widget=forms.RadioSelect)
    token = forms.CharField(widget=forms.HiddenInput)
    note = forms.CharField(required=False)

    def clean(self):
        raise ValidationError("The form as a whole is wrong.")


def test_it_lists_non_field_errors_first_then_fields_in_form_order_with_links():
    errors = summary_errors(_Form(data={"note": "x"}))
    assert next(error["message"] for error in errors) == "The form as a whole is wrong."
    assert errors[0]["href"] == ""
    assert [error["href"] for error in errors[1:]] == ["#id_name", "#id_kind_0", ""]
    # The hidden field's error is said without a link: nothing there can take the focus.
    assert errors[3]["label"] == ""


def test_it_uses_the_prefix_of_the_form_in_the_links():
    errors = summary_errors(_Form(data={}, prefix="step"))
    assert "#id_step-name" in [error["href"] for error in errors]


def test_it_is_empty_for_an_unbound_or_valid_form():
    class Plain(forms.Form):
        name = forms.CharField()

    assert summary_errors(Plain()) == []
    assert summary_errors(Plain(data={"name": "x"})) == []


def _summary(html: str) -> str:
    match = re.search(r'<div class="alert alert-danger error-summary"[^>]*>.*?</ul>', html, re.S)
    assert match, "no error summary"
    return match[0]


@pytest.fixture
def english(admin_user):
    admin_user.language = "en"
    admin_user.save(update_fields=["language"])
    return admin_user


def test_a_refused_form_starts_with_a_focusable_summary_linking_each_field(login, english):
    response = login(english).post(reverse("unit_create", args=["testvik"]), {})
    summary = _summary(response.content.decode())
    assert 'tabindex="-1"' in summary and "data-error-summary" in summary
    assert 'role="alert"' in summary
    assert "The form has 2 errors" in summary
    assert summary.index('href="#id_name"') < summary.index('href="#id_kind"')
    # The old summary said only "correct the errors below".
    assert "Please correct the errors below" not in response.content.decode()


def test_the_heading_says_one_error_in_the_singular(login, english):
    response = login(english).post(reverse("unit_create", args=["testvik"]), {"name": "Skole"})
    assert "The form has 1 error<" in _summary(response.content.decode())


def test_a_form_without_errors_has_no_summary(login, english):
    response = login(english).get(reverse("unit_create", args=["testvik"]))
    assert "data-error-summary" not in response.content.decode()


def test_the_login_form_summarises_a_wrong_password(client, admin_user):
    response = client.post(reverse("login"), {"username": admin_user.email, "password": "wrong"})
    assert "data-error-summary" in response.content.decode()


def test_the_summary_script_is_a_file_on_every_page(client):
    html = client.get(reverse("login")).content.decode()
    assert re.search(r'<script src="[^"]*js/messages\.js" defer></script>', html)


def test_a_message_after_a_redirect_is_copied_into_an_empty_live_region(
    login, english, organization
):
    client = login(english)
    response = client.post(
        reverse("organization_settings", args=[organization.slug]),
        {
            "name": organization.name,
            "number": organization.number,
            "written_standard": "nb",
            "planning_year_start_month": 1,
            "escalate_after_days": 7,
        },
        follow=True,
    )
    html = response.content.decode()
    assert 'data-message-level="status">The settings are saved.</div>' in html
    # Screen readers announce a live region when it changes, not one full at load.
    assert '<div class="visually-hidden" role="status" data-announce="status"></div>' in html
    assert '<div class="visually-hidden" role="alert" data-announce="alert"></div>' in html
    assert '<div class="messages" role="status"' not in html


def test_an_error_message_goes_to_the_alert_region(rf, admin_user):
    from django.contrib.messages import constants
    from django.contrib.messages.storage.base import Message
    from django.template.loader import render_to_string

    request = rf.get("/")
    request.user = admin_user
    html = render_to_string(
        "base.html",
        {"messages": [Message(constants.ERROR, "Broken."), Message(constants.SUCCESS, "Done.")]},
        request=request,
    )
    assert 'data-message-level="alert">Broken.' in html
    assert 'data-message-level="status">Done.' in html
