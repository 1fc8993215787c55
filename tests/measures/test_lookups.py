"""Search-and-choose fields: the team lead on the measure list and the measure in the lessons
search are typed and chosen from a lookup instead of picked from a select with every option.
Without JavaScript the text is searched; a chosen id (from the lookup or a link) filters
exactly."""

from __future__ import annotations

import pytest
from django.urls import reverse

from organizations.models import Role
from tests.factories import (
    LessonFactory,
    MeasureFactory,
    MembershipFactory,
    ProgramFactory,
    UserFactory,
)


def _lead(organization, name, role=Role.TEAM_LEAD, email=None):
    user = UserFactory(full_name=name, **({"email": email} if email else {}))
    MembershipFactory(organization=organization, user=user, role=role)
    return user


@pytest.fixture
def program(organization):
    return ProgramFactory(organization=organization)


def _lookup(client, name, organization, q):
    return client.get(reverse(name, args=[organization.slug]), {"q": q})


def test_it_offers_leaders_of_this_organisation_matching_every_word(
    login, member, organization, other_organization
):
    kari = _lead(organization, "Kari Nordmann")
    _lead(organization, "Kari Hansen")
    _lead(organization, "Ola Nordmann", role=Role.MEMBER)  # not one who may lead
    _lead(other_organization, "Kari Nordmann")  # another organisation's
    response = _lookup(login(member), "lead_lookup", organization, "kari nord")
    assert response.status_code == 200
    assert response.json() == {"results": [{"id": kari.pk, "label": "Kari Nordmann"}]}


def test_it_finds_a_leader_by_email(login, member, organization):
    person = _lead(organization, "", email="per.lead@testvik.test")
    response = _lookup(login(member), "lead_lookup", organization, "per.lead")
    assert response.json()["results"] == [{"id": person.pk, "label": "per.lead@testvik.test"}]


def test_it_offers_at_most_twenty_measures_in_name_order(login, member, organization, program):
    for n in range(25):
        MeasureFactory(program=program, name=f"Leselyst {n:02d}")
    MeasureFactory(program=ProgramFactory(), name="Leselyst hos naboen")
    results = _lookup(login(member), "measure_lookup", organization, "leselyst").json()["results"]
    assert [result["label"] for result in results] == [f"Leselyst {n:02d}" for n in range(20)]


def test_it_answers_the_same_number_of_queries_however_many_match(
    login, member, organization, program, django_assert_max_num_queries
):
    client = login(member)
    MeasureFactory(program=program, name="Tiltak 1")
    with django_assert_max_num_queries(8) as few:
        _lookup(client, "measure_lookup", organization, "tiltak")
    for n in range(30):
        MeasureFactory(program=program, name=f"Tiltak x{n}")
    with django_assert_max_num_queries(len(few)):
        _lookup(client, "measure_lookup", organization, "tiltak")


def test_an_outsider_gets_404(login, outsider, organization):
    assert _lookup(login(outsider), "lead_lookup", organization, "a").status_code == 404
    assert _lookup(login(outsider), "measure_lookup", organization, "a").status_code == 404


# --- the measure list ----------------------------------------------------------------------


def _list(client, organization, **query):
    response = client.get(reverse("measure_list", args=[organization.slug]), query)
    assert response.status_code == 200
    return [measure.name for measure in response.context["measures"]]


def test_the_list_renders_no_option_per_person(login, coordinator, organization, program):
    lead = _lead(organization, "Synnøve Unik")
    MeasureFactory(program=program, team_lead=lead)
    html = login(coordinator).get(reverse("measure_list", args=[organization.slug])).text
    assert "Synnøve Unik</option>" not in html
    assert 'data-lookup-url="/o/testvik/measures/leads/lookup/"' in html
    assert 'for="id_lead"' in html and 'id="id_team_lead"' in html


def test_a_chosen_lead_filters_exactly_and_shows_the_name(
    login, coordinator, organization, program
):
    kari = _lead(organization, "Kari Nordmann")
    kari2 = _lead(organization, "Kari Nordmann-Berg")
    MeasureFactory(program=program, team_lead=kari, name="Karis")
    MeasureFactory(program=program, team_lead=kari2, name="Den andre Karis")
    client = login(coordinator)
    assert _list(client, organization, team_lead=kari.pk) == ["Karis"]
    response = client.get(reverse("measure_list", args=[organization.slug]), {"team_lead": kari.pk})
    assert 'value="Kari Nordmann"' in response.text
    # As the lookup sends it: the id and the chosen name.
    assert _list(client, organization, team_lead=kari.pk, lead="Kari Nordmann") == ["Karis"]


def test_without_javascript_the_text_searches_the_leads(login, coordinator, organization, program):
    kari = _lead(organization, "Kari Nordmann")
    ola = _lead(organization, "Ola Hansen")
    MeasureFactory(program=program, team_lead=kari, name="Karis")
    MeasureFactory(program=program, team_lead=ola, name="Olas")
    client = login(coordinator)
    assert _list(client, organization, lead="nordmann") == ["Karis"]
    # The text changed after an id was chosen (the hidden id stays behind): the text wins.
    assert _list(client, organization, team_lead=kari.pk, lead="hansen") == ["Olas"]


def test_another_organisations_person_filters_nothing(
    login, coordinator, organization, other_organization, program
):
    stranger = _lead(other_organization, "Fremmed Person")
    MeasureFactory(program=program, name="Vårt")
    response = login(coordinator).get(
        reverse("measure_list", args=[organization.slug]), {"team_lead": stranger.pk}
    )
    assert [m.name for m in response.context["measures"]] == ["Vårt"]
    assert response.context["filter_form"].errors


# --- the lessons search -------------------------------------------------------------------


def _lessons(client, organization, **query):
    response = client.get(reverse("lesson_list", args=[organization.slug]), query)
    assert response.status_code == 200
    return [lesson.title for lesson in response.context["lessons"]]


def test_lessons_by_a_chosen_measure_or_by_its_name(login, member, organization, program):
    reading = MeasureFactory(program=program, name="Leselyst")
    outdoors = MeasureFactory(program=program, name="Uteskole")
    LessonFactory(organization=organization, measure=reading, title="Om lesing")
    LessonFactory(organization=organization, measure=outdoors, title="Om uteskole")
    client = login(member)
    assert _lessons(client, organization, measure=reading.pk) == ["Om lesing"]
    assert _lessons(client, organization, measure_name="uteskole") == ["Om uteskole"]
    assert _lessons(client, organization, measure=reading.pk, measure_name="Leselyst") == [
        "Om lesing"
    ]
    html = client.get(
        reverse("lesson_list", args=[organization.slug]), {"measure": reading.pk}
    ).text
    assert 'value="Leselyst"' in html
    assert "Leselyst</option>" not in html
