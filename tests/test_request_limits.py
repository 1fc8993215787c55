"""Friendly refusals for oversized input (issue 13, finding 7): a form too large or with too
many fields gets a page in the person's language, inside the product, that names the limit and
says how to get the text back; other bad requests get the product's own 400 page.
"""

from __future__ import annotations

import pytest
from django.test import override_settings
from django.urls import reverse

from measures.models import Measure
from tests.factories import MeasureFactory, ProgramFactory

FIVE_MEGABYTES = "æ" * (5 * 1024 * 1024 // 2)  # two bytes each in UTF-8

HEADINGS = {
    "nb": "For mye å sende på én gang",
    "nn": "For mykje å sende på ein gong",
    "en": "Too much to send at once",
}
LIMIT = {
    "nb": "mer tekst enn de 2,5 MB",
    "nn": "meir tekst enn dei 2,5 MB",
    "en": "more text than the 2,5 MB",
}
BACK_BUTTON = {
    "nb": "Tilbake-knapp",
    "nn": "Tilbake-knapp",
    "en": "Back button",
}


@pytest.fixture
def measure(organization, team_lead):
    return MeasureFactory(
        program=ProgramFactory(organization=organization), team_lead=team_lead, name="Før"
    )


def edit_url(measure):
    return reverse("measure_update", args=[measure.organization.slug, measure.pk])


def measure_data(measure, **changes):
    return {
        "name": "Etter",
        "target_groups": ["6-12"],
        "status": "green",
        "description": "",
        **changes,
    }


@pytest.mark.parametrize("language", ["nb", "nn", "en"])
@pytest.mark.parametrize("encoding", ["multipart", "urlencoded"])
def test_five_megabytes_of_text_get_the_friendly_page(
    login, team_lead, measure, language, encoding
):
    team_lead.language = language
    team_lead.save(update_fields=["language"])
    client = login(team_lead)
    data = measure_data(measure, description=FIVE_MEGABYTES)
    if encoding == "multipart":
        response = client.post(edit_url(measure), data)
    else:
        from urllib.parse import urlencode

        response = client.post(
            edit_url(measure),
            urlencode(data, doseq=True),
            content_type="application/x-www-form-urlencoded",
        )
    assert response.status_code == 413
    page = response.content.decode()
    assert f'<html lang="{language}">' in page
    assert f"<h1>{HEADINGS[language]}</h1>" in page
    assert LIMIT[language] in page
    assert BACK_BUTTON[language] in page
    # Inside the product: its menu, with the organisation's pages.
    assert reverse("measure_list", args=[measure.organization.slug]) in page
    assert Measure.objects.get(pk=measure.pk).name == "Før"


def test_the_page_follows_the_organisations_written_standard(
    login, team_lead, measure, organization
):
    """Resolved as on every page: no choice of their own, so the organisation's nynorsk."""
    organization.written_standard = "nn"
    organization.save(update_fields=["written_standard"])
    response = login(team_lead).post(
        edit_url(measure), measure_data(measure, description=FIVE_MEGABYTES)
    )
    assert response.status_code == 413
    assert HEADINGS["nn"] in response.content.decode()


def test_a_visitor_who_is_not_logged_in_gets_it_too(client):
    response = client.post(
        reverse("login"),
        {"username": "a@b.test", "password": FIVE_MEGABYTES},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 413
    assert HEADINGS["en"] in response.content.decode()


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("nb", "mer enn 1\xa0000 felt"),
        ("nn", "meir enn 1\xa0000 felt"),
        ("en", "more than 1\xa0000 fields"),
    ],
)
def test_too_many_fields_get_the_friendly_page(login, team_lead, measure, language, words):
    team_lead.language = language
    team_lead.save(update_fields=["language"])
    data = measure_data(measure, **{f"extra{n}": "x" for n in range(1001)})
    response = login(team_lead).post(edit_url(measure), data)
    assert response.status_code == 400
    page = response.content.decode()
    assert words in page
    assert reverse("measure_list", args=[measure.organization.slug]) in page
    assert Measure.objects.get(pk=measure.pk).name == "Før"


def test_just_under_the_limits_is_accepted(login, team_lead, measure):
    # 1000 fields and 2,5 MB of text are still taken (and the text then refused as too long
    # for the field, with a message beside it).
    client = login(team_lead)
    fields = measure_data(measure)
    fields.update({f"extra{n}": "" for n in range(1000 - len(fields))})
    response = client.post(edit_url(measure), fields)
    assert response.status_code == 302


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1024 * 1024)
def test_the_page_names_the_limit_as_set(login, team_lead, measure):
    team_lead.language = "en"
    team_lead.save(update_fields=["language"])
    response = login(team_lead).post(
        edit_url(measure), measure_data(measure, description=FIVE_MEGABYTES)
    )
    assert "more text than the 1 MB" in response.content.decode()


def test_another_bad_request_gets_the_products_page(client):
    response = client.get("/", HTTP_HOST="not-ours.example")
    assert response.status_code == 400
    page = response.content.decode()
    assert "Tiltakshjulet" in page
    assert "<h1>" in page


def test_every_page_hands_the_limits_to_the_browsers_check(login, team_lead, measure):
    page = login(team_lead).get(
        reverse("measure_knowledge_create", args=[measure.organization.slug, measure.pk])
    )
    html = page.content.decode()
    # Plain digits: the script reads them as numbers (a template would write 2 621 440).
    assert 'data-max-form-bytes="2621440"' in html
    assert 'data-max-form-fields="1000"' in html
    assert 'data-max-bytes="10485760"' in html  # the file field's own limit
    assert "at most 2,5 MB can be sent at once" not in html  # bokmål for this person
    assert "js/form-limits" in html
