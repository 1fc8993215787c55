"""An organisation's words carry its written standard's ``lang`` wherever the page is in
another language (WCAG 3.1.2), and nowhere else: organizations/content_language.py."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation

from organizations.content_language import content_language, lang_attribute
from organizations.models import Organization, Partnership, Role
from tests.factories import (
    EventFactory,
    GoalFactory,
    IndicatorFactory,
    MeasureFactory,
    MembershipFactory,
    OrganizationFactory,
    PartnershipFactory,
    ProgramFactory,
    RingFactory,
    WheelFactory,
)
from tests.html_language import body_langs, languages_of, parse, redundant_langs
from tests.second_factor import pass_second_factor

pytestmark = pytest.mark.django_db


# --- the rule --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("standard", "page", "expected"),
    [
        ("nb", "en", "nb"),
        ("nn", "en", "nn"),
        ("nb", "nn", "nb"),
        ("nn", "nb", "nn"),
        ("nb", "nb", ""),
        ("nn", "nn", ""),
        ("nb", "nb-no", ""),
        ("", "en", ""),
    ],
)
def test_the_language_is_marked_only_where_it_is_not_the_page_s(standard, page, expected):
    assert content_language(standard, page) == expected
    assert lang_attribute(standard, page) == (f' lang="{expected}"' if expected else "")


def test_the_owner_is_a_code_an_organisation_a_frozen_one_or_a_record_of_one():
    organization = Organization(written_standard="nn")
    program = ProgramFactory.build(organization=organization)
    with translation.override("en"):
        assert content_language(organization) == "nn"
        assert content_language(program) == "nn"
        assert content_language({"name": "Herad", "written_standard": "nn"}) == "nn"
        assert content_language(None) == ""


# --- pages -----------------------------------------------------------------------------------


@pytest.fixture
def reader(organization):
    """A coordinator who reads the organisation's pages in the language ``reader(lang)``."""
    user = MembershipFactory(organization=organization, role=Role.COORDINATOR).user

    def _reader(language: str, standard: str = "nb"):
        organization.written_standard = standard
        organization.save(update_fields=["written_standard"])
        user.language = language
        user.save(update_fields=["language"])
        return user

    return _reader


@pytest.fixture
def measure(organization):
    measure = MeasureFactory(
        program__organization=organization,
        program__name="Oppvekstløftet",
        name="Trygge friminutt",
        description="Flere voksne ute i friminuttene.",
    )
    goal = GoalFactory(measure=measure, title="Færre elever blir plaget")
    IndicatorFactory(goal=goal, name="Andel som trives")
    return measure


@pytest.fixture
def wheel_event(organization):
    WheelFactory(organization=organization, year=2026, start_month=1)
    ring = RingFactory(organization=organization, name="Skoleruta")
    return EventFactory(
        organization=organization,
        ring=ring,
        title="Budsjettseminar",
        place="Rådhuset",
        start_date=date(2026, 10, 15),
    )


def _get(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def _pages(organization, measure):
    slug = organization.slug
    wheel = reverse("wheel_detail", args=[slug, 2026])
    return {
        "measure": (
            reverse("measure_detail", args=[slug, measure.pk]),
            ["Trygge friminutt", "Flere voksne ute", "Færre elever blir plaget", "Andel som"],
        ),
        "status": (
            reverse("status_dashboard", args=[slug]) + "?view=cards",
            ["Trygge friminutt", "Oppvekstløftet", "Andel som trives"],
        ),
        "overview": (
            reverse("status_dashboard", args=[slug]),
            ["Trygge friminutt", "Oppvekstløftet"],
        ),
        "year": (wheel, ["Budsjettseminar", "Skoleruta"]),
        "month": (f"{wheel}?zoom=m10", ["Budsjettseminar", "Skoleruta"]),
        "agenda": (
            reverse("wheel_agenda", args=[slug, 2026]) + "?zoom=m10",
            ["Budsjettseminar", "Skoleruta", "Rådhuset"],
        ),
    }


PAGES = ["measure", "status", "overview", "year", "month", "agenda"]


@time_machine.travel("2026-10-01 10:00 +0200", tick=False)
@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("standard", ["nb", "nn"])
def test_an_english_page_marks_the_organisation_s_words(
    login, reader, organization, measure, wheel_event, page, standard
):
    client = login(reader("en", standard))
    url, texts = _pages(organization, measure)[page]
    html = _get(client, url)
    assert '<html lang="en">' in html
    for text in texts:
        assert languages_of(html, text) == {standard}, text
    # The interface around them stays English.
    assert "en" in {lang for _, lang in parse(html).texts}


@time_machine.travel("2026-10-01 10:00 +0200", tick=False)
@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("standard", ["nb", "nn"])
def test_the_organisation_s_own_language_adds_no_lang(
    login, reader, organization, measure, wheel_event, page, standard
):
    client = login(reader(standard, standard))
    url, texts = _pages(organization, measure)[page]
    html = _get(client, url)
    assert f'<html lang="{standard}">' in html
    for text in texts:
        assert languages_of(html, text) == {standard}, text
    assert body_langs(html) == []


@time_machine.travel("2026-10-01 10:00 +0200", tick=False)
def test_the_wheel_s_drawn_names_and_ring_names_carry_the_language(
    login, reader, organization, measure, wheel_event
):
    client = login(reader("en", "nn"))
    html = _get(client, reverse("wheel_detail", args=[organization.slug, 2026]) + "?zoom=m10")
    # The group of drawn names (aria-hidden: the links name the events), and the ring names,
    # which the legend beside the wheel carries (the wheel numbers its rings).
    assert '<g class="wheel-labels" lang="nn"' in html
    assert '<span class="wheel-legend-name" lang="nn">' in html
    # The details panel's fields, filled in by the script.
    assert 'data-field="title" lang="nn"' in html
    assert redundant_langs(html) == []


@time_machine.travel("2026-10-01 10:00 +0200", tick=False)
def test_a_change_of_written_standard_redraws_the_cached_wheel(
    login, reader, organization, wheel_event
):
    url = reverse("wheel_detail", args=[organization.slug, 2026])
    client = login(reader("en", "nb"))
    assert languages_of(_get(client, url), "Budsjettseminar") == {"nb"}
    reader("en", "nn")
    assert languages_of(_get(client, url), "Budsjettseminar") == {"nn"}


# --- partners --------------------------------------------------------------------------------


@pytest.mark.parametrize(("partner_standard", "expected"), [("nn", {"nb"}), ("nb", {"nb"})])
def test_a_partner_reads_a_shared_measure_in_its_owner_s_language(
    client, partner_standard, expected
):
    """A nynorsk municipality reads a bokmål county's measure: the measure is marked bokmål
    in the nynorsk page; in a bokmål page it needs no mark."""
    county = OrganizationFactory(
        kind=Organization.Kind.COUNTY, number="46", written_standard="nb", slug="fylket"
    )
    herad = OrganizationFactory(slug="herad", written_standard=partner_standard)
    program = ProgramFactory(organization=county, name="Regional satsing")
    partnership = PartnershipFactory(grantor=county, partner=herad, access=Partnership.Access.READ)
    program.partnerships.add(partnership)
    measure = MeasureFactory(program=program, name="Felles løft", description="Bokmål fra fylket.")
    user = MembershipFactory(organization=herad, role=Role.MEMBER).user
    client.force_login(user)
    pass_second_factor(client, user)
    html = _get(client, reverse("shared_measure_detail", args=["herad", measure.pk]))
    assert f'<html lang="{partner_standard}">' in html
    for text in ("Felles løft", "Bokmål fra fylket.", "Regional satsing"):
        assert languages_of(html, text) == expected, text
    if partner_standard == "nb":
        assert body_langs(html) == []
    else:
        assert redundant_langs(html) == []


# --- fields in one language ------------------------------------------------------------------


@pytest.mark.parametrize("name", ["factor_create", "question_create"])
def test_the_wording_in_each_language_is_marked_with_it(login, admin_user, organization, name):
    admin_user.language = "en"
    admin_user.save(update_fields=["language"])
    html = _get(login(admin_user), reverse(name, args=[organization.slug]))
    widgets = parse(html).widgets
    assert {field: widgets[field] for field in ("text_nb", "text_nn", "text_en")} == {
        "text_nb": "nb",
        "text_nn": "nn",
        "text_en": "en",
    }
