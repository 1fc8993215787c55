"""Stored links are followed only to the web or to mail, also when a row skipped the forms.

Each link field of the product is given ``javascript:alert(1)`` straight through the ORM and
every page that shows it is read: no such ``href``. The list of link fields is checked against
the models, so a new one must be added here (and rendered through ``safe_url``).
"""

from __future__ import annotations

import re

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models
from django.template import engines
from django.urls import reverse

from measures.models import KnowledgeItem
from organizations.links import is_safe_url
from organizations.models import Organization
from phases.models import FactorAssessment, ServiceComponent
from tests.factories import (
    FactorAssessmentFactory,
    KnowledgeItemFactory,
    MeasureFactory,
    ServiceComponentFactory,
)

HOSTILE = [
    "javascript:alert(1)",
    " JaVaScRiPt:alert(1)",
    "java\tscript:alert(1)",
    "\x01javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "file:///etc/passwd",
]


def knowledge_pages(item):
    org, measure = item.organization.slug, item.measure
    return [
        reverse("measure_detail", args=[org, measure.pk]),
        reverse("preparation", args=[org, measure.pk]),
    ]


def assessment_pages(assessment):
    org, measure = assessment.measure.organization.slug, assessment.measure
    return [reverse("phase_gate", args=[org, measure.pk])]


def component_pages(component):
    org, measure = component.measure.organization.slug, component.measure
    return [reverse("roundabout", args=[org, measure.pk])]


# (model, field, factory, the pages that show the link)
LINK_FIELDS = [
    (KnowledgeItem, "url", KnowledgeItemFactory, knowledge_pages),
    (FactorAssessment, "evidence_url", FactorAssessmentFactory, assessment_pages),
    (ServiceComponent, "description_url", ServiceComponentFactory, component_pages),
]
HREF = re.compile(r"""href\s*=\s*["']([^"']*)["']""", re.I)


def test_every_link_field_of_the_product_is_covered():
    found = {
        (model, field.name)
        for model in apps.get_models()
        if model.__module__.split(".")[0]
        in {
            "organizations",
            "measures",
            "phases",
            "yearwheel",
            "reflections",
            "reports",
            "notifications",
        }
        and not model.__name__.startswith("Historical")
        for field in model._meta.fields
        if isinstance(field, models.URLField)
    }
    covered = {(model, name) for model, name, _factory, _pages in LINK_FIELDS}
    assert found == covered | {(Organization, "accessibility_statement_url")}


def test_a_hostile_statement_link_of_the_organisation_is_never_an_href(login, member, organization):
    """The organisation's published accessibility statement (a setting, not a measure's
    record): shown on the organisation's statement page only as a web link."""
    Organization.objects.filter(pk=organization.pk).update(
        accessibility_statement_url="https://uustatus.no/nb/erklaringer/publisert/1"
    )
    client = login(member)
    url = reverse("organization_accessibility_statement", args=[organization.slug])
    assert (
        'href="https://uustatus.no/nb/erklaringer/publisert/1"' in client.get(url).content.decode()
    )
    for value in HOSTILE:
        Organization.objects.filter(pk=organization.pk).update(accessibility_statement_url=value)
        hrefs = HREF.findall(client.get(url).content.decode())
        bad = [h for h in hrefs if re.search(r"script|data:|file:", h, re.I)]
        assert not bad, f"{value!r}: {bad}"
    organization.accessibility_statement_url = "javascript:alert(1)"
    with pytest.raises(ValidationError):
        organization.clean_fields(
            exclude=[
                f.name for f in Organization._meta.fields if f.name != "accessibility_statement_url"
            ]
        )


@pytest.mark.parametrize(
    ("model", "field", "factory", "pages"), LINK_FIELDS, ids=[f[1] for f in LINK_FIELDS]
)
def test_a_hostile_link_saved_through_the_orm_is_never_an_href(
    model, field, factory, pages, login, coordinator, organization
):
    obj = factory(measure=measure_of(organization, model), **{field: "https://example.no/ok"})
    client = login(coordinator)
    urls = pages(obj)
    # The safe link is shown as a link on every page (so the check below reads real links).
    for url in urls:
        assert 'href="https://example.no/ok"' in client.get(url).content.decode(), url
    for value in HOSTILE:
        model.objects.filter(pk=obj.pk).update(**{field: value})
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200
            hrefs = HREF.findall(response.content.decode())
            bad = [h for h in hrefs if re.search(r"script|data:|file:", h, re.I)]
            assert not bad, f"{url} with {value!r}: {bad}"


def measure_of(organization, model):
    """A measure in the phase whose pages show the link (the factories' factors are phase I
    ones; service components belong to phase III)."""
    phase = 1 if model is FactorAssessment else 3
    return MeasureFactory(program__organization=organization, phase=phase)


@pytest.mark.parametrize(
    ("model", "field", "factory", "_pages"), LINK_FIELDS, ids=[f[1] for f in LINK_FIELDS]
)
def test_the_model_refuses_a_link_that_is_not_to_the_web_or_mail(
    model, field, factory, _pages, organization
):
    obj = factory(measure=measure_of(organization, model))
    others = [f.name for f in model._meta.fields if f.name != field]
    for value in HOSTILE:
        setattr(obj, field, value)
        with pytest.raises(ValidationError) as error:
            obj.clean_fields(exclude=others)
        assert [e.code for e in error.value.error_dict[field]] in (["unsafe_scheme"], ["invalid"])
    # (Django's URLField takes no mailto: links; the filter lets them through.)
    for value in ["https://example.no/a", "http://example.no"]:
        setattr(obj, field, value)
        obj.clean_fields(exclude=others)


@pytest.mark.parametrize(
    ("url", "safe"),
    [
        ("https://example.no", True),
        ("HTTP://example.no", True),
        ("mailto:post@kommune.no", True),
        ("  https://example.no", True),
        ("javascript:alert(1)", False),
        ("JAVASCRIPT:alert(1)", False),
        ("jav\nascript:alert(1)", False),
        ("\x00javascript:alert(1)", False),
        ("data:text/html,x", False),
        ("vbscript:x", False),
        ("ftp://example.no", False),
        ("//example.no", False),
        ("/o/testvik/", False),
        ("", False),
        (None, False),
    ],
)
def test_only_web_and_mail_links_are_safe(url, safe):
    assert is_safe_url(url) is safe


def test_the_filter_renders_an_unsafe_link_as_nothing():
    template = engines["django"].from_string("{% load links %}[{{ url|safe_url }}]")
    assert template.render({"url": "javascript:alert(1)"}) == "[]"
    assert template.render({"url": "https://a.no/?x=1&y=2"}) == "[https://a.no/?x=1&amp;y=2]"
