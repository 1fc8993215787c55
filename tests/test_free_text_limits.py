"""A single free-text field cannot take megabytes (issue 13, finding 7): every textarea takes at
most 20 000 characters, with a message beside it, and a longer text saved before the limit can
be saved again unchanged.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest
from django import forms
from django.urls import reverse

from measures.models import Measure
from organizations.formtools import FREE_TEXT_MAX_LENGTH, FreeTextLimit
from tests.factories import MeasureFactory, ProgramFactory

APPS = (
    "organizations",
    "measures",
    "phases",
    "yearwheel",
    "reflections",
    "reports",
    "notifications",
)


def project_forms() -> list[type[forms.BaseForm]]:
    found = []
    for app in APPS:
        package = importlib.import_module(app)
        for info in pkgutil.walk_packages(package.__path__, f"{app}."):
            if ".migrations" in info.name or ".management" in info.name:
                continue
            module = importlib.import_module(info.name)
            for _name, value in inspect.getmembers(module, inspect.isclass):
                if issubclass(value, forms.BaseForm) and value.__module__ == module.__name__:
                    found.append(value)
    return found


def test_every_form_with_free_text_limits_it():
    forms_found = project_forms()
    assert len(forms_found) > 50
    unlimited = [
        f"{form.__module__}.{form.__name__}.{name}"
        for form in forms_found
        for name, field in getattr(form, "base_fields", {}).items()
        if isinstance(field, forms.CharField)
        and isinstance(field.widget, forms.Textarea)
        and field.max_length is None
        and not issubclass(form, FreeTextLimit)
    ]
    assert unlimited == []


@pytest.fixture
def measure(organization, team_lead):
    team_lead.language = "en"
    team_lead.save(update_fields=["language"])
    return MeasureFactory(program=ProgramFactory(organization=organization), team_lead=team_lead)


def edit(client, measure, **changes):
    data = {"name": measure.name, "target_groups": ["6-12"], "status": "green"}
    data.update(changes)
    return client.post(
        reverse("measure_update", args=[measure.organization.slug, measure.pk]), data
    )


def test_a_text_of_the_most_characters_is_taken(login, team_lead, measure):
    response = edit(login(team_lead), measure, description="a" * FREE_TEXT_MAX_LENGTH)
    assert response.status_code == 302
    assert len(Measure.objects.get(pk=measure.pk).description) == FREE_TEXT_MAX_LENGTH


def test_one_character_more_is_refused_beside_the_field(login, team_lead, measure):
    response = edit(
        login(team_lead), measure, description="a" * (FREE_TEXT_MAX_LENGTH + 1), name="Nytt"
    )
    assert response.status_code == 200
    assert response.context["form"].errors["description"] == [
        "This text is 20\xa0001 characters long, and the field takes at most 20\xa0000. "
        "Shorten it, or put the long material in a document and upload it or link to it."
    ]
    page = response.content.decode()
    assert "maxlength" not in page.split('name="description"')[1].split(">")[0]
    measure.refresh_from_db()
    assert (measure.name, measure.description) != ("Nytt", "a" * (FREE_TEXT_MAX_LENGTH + 1))


def test_a_longer_text_saved_before_can_be_saved_again_unchanged(login, team_lead, measure):
    long_text = "b" * (FREE_TEXT_MAX_LENGTH + 500)
    Measure.objects.filter(pk=measure.pk).update(description=long_text)
    measure.refresh_from_db()
    client = login(team_lead)
    response = edit(client, measure, description=long_text, name="Nytt navn")
    assert response.status_code == 302
    assert Measure.objects.get(pk=measure.pk).name == "Nytt navn"
    # Changed, it must be shortened.
    response = edit(client, measure, description=long_text + "c")
    assert "description" in response.context["form"].errors
