"""Programmes and measures: forms, permissions, lists, the measure page and partners."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from measures.models import Comment, Measure, Program, Tag
from organizations.models import Organization, Partnership, Role
from tests.factories import (
    CommentFactory,
    MeasureFactory,
    MembershipFactory,
    OrganizationFactory,
    PartnershipFactory,
    ProgramFactory,
    TagFactory,
    UnitFactory,
)


@pytest.fixture
def program(organization):
    return ProgramFactory(organization=organization, name="Trygge barn")


def _measure_data(program, **overrides):
    data = {
        "program": program.pk,
        "name": "Trygge friminutt",
        "description": "Faste voksne ute i alle friminutt.",
        "target_groups": ["6-12", "13-15"],
        "target_group_note": "",
        "status": "green",
        "status_explanation": "",
        "start_date": "01.08.2026",
        "end_date": "20.06.2028",
        "tags_text": "Inkludering, skole",
    }
    data.update(overrides)
    return data


def test_a_coordinator_creates_a_programme_with_units_and_partners(
    login, coordinator, organization
):
    unit = UnitFactory(organization=organization)
    partner = OrganizationFactory()
    partnership = PartnershipFactory(grantor=organization, partner=partner)
    response = login(coordinator).post(
        reverse("program_create", args=[organization.slug]),
        {
            "name": "Tidlig innsats",
            "status": "active",
            "start_date": "01.01.2026",
            "units": [unit.pk],
            "partnerships": [partnership.pk],
            "coordinator": coordinator.pk,
        },
    )
    assert response.status_code == 302
    program = Program.objects.get()
    assert program.start_date == dt.date(2026, 1, 1)
    assert list(program.units.all()) == [unit]
    assert list(program.partnerships.all()) == [partnership]


def test_programme_forms_never_offer_another_organisations_units_or_people(
    login, coordinator, organization, other_organization, outsider
):
    foreign_unit = UnitFactory(organization=other_organization)
    client = login(coordinator)
    form = client.get(reverse("program_create", args=[organization.slug])).context["form"]
    assert foreign_unit not in form.fields["units"].queryset
    assert outsider not in form.fields["coordinator"].queryset
    response = client.post(
        reverse("program_create", args=[organization.slug]),
        {"name": "X", "status": "active", "units": [foreign_unit.pk]},
    )
    assert response.status_code == 200
    assert not Program.objects.exists()


def test_the_end_cannot_come_before_the_start(login, coordinator, organization):
    response = login(coordinator).post(
        reverse("program_create", args=[organization.slug]),
        {"name": "X", "status": "active", "start_date": "01.01.2027", "end_date": "31.12.2026"},
    )
    assert "slutten kan ikke" in response.content.decode().lower() or response.status_code == 200
    assert not Program.objects.exists()


def test_a_coordinator_creates_a_measure_with_norwegian_dates_and_tags(
    login, coordinator, organization, program
):
    TagFactory(organization=organization, name="inkludering")
    response = login(coordinator).post(
        reverse("measure_create", args=[organization.slug]), _measure_data(program)
    )
    assert response.status_code == 302
    measure = Measure.objects.get()
    assert response["Location"] == measure.get_absolute_url()
    assert (measure.organization, measure.start_date) == (organization, dt.date(2026, 8, 1))
    assert measure.target_groups == ["6-12", "13-15"]
    assert sorted(t.name for t in measure.tags.all()) == ["inkludering", "skole"]
    assert Tag.objects.count() == 2, "an existing tag is reused whatever its case"


def test_yellow_or_red_needs_an_explanation_and_saves_nothing_without_it(
    login, coordinator, organization, program
):
    response = login(coordinator).post(
        reverse("measure_create", args=[organization.slug]), _measure_data(program, status="red")
    )
    assert response.status_code == 200
    assert "status_explanation" in response.context["form"].errors
    assert not Measure.objects.exists()
    assert not Tag.objects.exists()


def test_measure_forms_only_offer_this_organisations_choices(
    login, coordinator, organization, other_organization, outsider
):
    foreign_program = ProgramFactory(organization=other_organization)
    foreign_unit = UnitFactory(organization=other_organization)
    client = login(coordinator)
    form = client.get(reverse("measure_create", args=[organization.slug])).context["form"]
    assert foreign_program not in form.fields["program"].queryset
    assert foreign_unit not in form.fields["responsible_unit"].queryset
    assert outsider not in form.fields["team_lead"].queryset
    assert outsider not in form.fields["contributors"].queryset
    client.post(
        reverse("measure_create", args=[organization.slug]),
        _measure_data(foreign_program),
    )
    assert not Measure.objects.exists()


def test_a_team_lead_edits_the_measure_they_lead_but_not_its_frame(
    login, team_lead, organization, program
):
    measure = MeasureFactory(program=program, team_lead=team_lead, phase=1)
    client = login(team_lead)
    url = reverse("measure_update", args=[organization.slug, measure.pk])
    form = client.get(url).context["form"]
    assert {"program", "team_lead", "phase"}.isdisjoint(form.fields)
    data = _measure_data(program, name="Nytt navn", phase=4)
    response = client.post(url, data)
    assert response.status_code == 302
    measure.refresh_from_db()
    assert (measure.name, measure.phase, measure.team_lead) == ("Nytt navn", 1, team_lead)


def test_a_team_lead_cannot_edit_a_measure_someone_else_leads(
    login, team_lead, organization, program
):
    measure = MeasureFactory(program=program)
    client = login(team_lead)
    assert (
        client.get(reverse("measure_update", args=[organization.slug, measure.pk])).status_code
        == 403
    )
    assert (
        client.get(reverse("measure_detail", args=[organization.slug, measure.pk])).status_code
        == 200
    )


def test_members_comment_and_viewers_only_read(
    login, member, viewer, organization, program, client, password
):
    measure = MeasureFactory(program=program)
    url = reverse("measure_comment", args=[organization.slug, measure.pk])
    login(member).post(url, {"text": "Bra jobba!"})
    assert Comment.objects.get().author == member
    client.logout()
    client.force_login(viewer)
    assert client.post(url, {"text": "Hei"}).status_code == 403
    assert Comment.objects.count() == 1


def test_archiving_hides_a_measure_from_the_list(login, coordinator, organization, program):
    measure = MeasureFactory(program=program)
    client = login(coordinator)
    client.post(reverse("measure_archive", args=[organization.slug, measure.pk]))
    measure.refresh_from_db()
    assert measure.is_archived
    listing = client.get(reverse("measure_list", args=[organization.slug]))
    assert measure not in listing.context["measures"]
    archived = client.get(reverse("measure_list", args=[organization.slug]) + "?archived=on")
    assert measure in archived.context["measures"]
    client.post(reverse("measure_restore", args=[organization.slug, measure.pk]))
    measure.refresh_from_db()
    assert not measure.is_archived


def test_the_list_filters_searches_and_sorts(login, member, organization, program):
    unit = UnitFactory(organization=organization)
    tag = TagFactory(organization=organization, name="lesing")
    lead = MembershipFactory(organization=organization, role=Role.TEAM_LEAD).user
    other_program = ProgramFactory(organization=organization)
    a = MeasureFactory(
        program=program,
        name="Leselyst",
        phase=2,
        status="yellow",
        status_explanation="Forsinket",
        responsible_unit=unit,
        team_lead=lead,
        next_evaluation_due=dt.date(2020, 1, 1),
    )
    a.tags.add(tag)
    b = MeasureFactory(
        program=other_program,
        name="Aktiv fritid",
        phase=3,
        description="Lavterskel idrett for lesende ungdom",
    )
    client = login(member)
    url = reverse("measure_list", args=[organization.slug])

    def names(query):
        return [m.name for m in client.get(url, query).context["measures"]]

    assert names({}) == ["Aktiv fritid", "Leselyst"]
    assert names({"program": program.pk}) == ["Leselyst"]
    assert names({"phase": 3}) == ["Aktiv fritid"]
    assert names({"status": "yellow"}) == ["Leselyst"]
    assert names({"unit": unit.pk}) == ["Leselyst"]
    assert names({"team_lead": lead.pk}) == ["Leselyst"]
    assert names({"tag": tag.pk}) == ["Leselyst"]
    assert names({"overdue": "on"}) == ["Leselyst"]
    assert names({"q": "lesende"}) == ["Aktiv fritid"]
    assert names({"q": "lesing"}) == ["Leselyst"], "a tag name matches too"
    assert names({"sort": "phase"}) == ["Leselyst", "Aktiv fritid"]
    assert b.pk


def test_the_list_paginates(login, member, organization, program):
    MeasureFactory.create_batch(30, program=program)
    client = login(member)
    first = client.get(reverse("measure_list", args=[organization.slug]))
    assert len(first.context["measures"]) == 25
    second = client.get(reverse("measure_list", args=[organization.slug]), {"page": 2})
    assert len(second.context["measures"]) == 5


def _count(client, url):
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)
    # Counted as built, not from the cache (the measure page keeps its content there).
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_lists_and_pages_run_the_same_number_of_queries_for_5_and_50_rows(
    login, coordinator, organization, program
):
    client = login(coordinator)
    first = MeasureFactory(program=program, team_lead=coordinator)
    urls = {
        "measure_list": reverse("measure_list", args=[organization.slug]),
        "program_list": reverse("program_list", args=[organization.slug]),
        "program_detail": reverse("program_detail", args=[organization.slug, program.pk]),
        "measure_detail": reverse("measure_detail", args=[organization.slug, first.pk]),
    }

    def add_rows(count):
        for measure in MeasureFactory.create_batch(count, program=program, team_lead=coordinator):
            measure.tags.add(TagFactory(organization=organization))
            first.tags.add(TagFactory(organization=organization))
        ProgramFactory.create_batch(count, organization=organization)
        CommentFactory.create_batch(count, measure=first, author=coordinator)

    add_rows(4)
    few = {name: _count(client, url) for name, url in urls.items()}
    add_rows(45)
    many = {name: _count(client, url) for name, url in urls.items()}
    assert many == few


def test_another_organisations_measure_is_404_on_every_measure_url(
    login, admin_user, organization, other_organization
):
    foreign = MeasureFactory(program=ProgramFactory(organization=other_organization))
    client = login(admin_user)
    for name in ("measure_detail", "measure_update"):
        assert client.get(reverse(name, args=[organization.slug, foreign.pk])).status_code == 404
    for name in ("measure_archive", "measure_comment", "external_contributor_add"):
        assert client.post(reverse(name, args=[organization.slug, foreign.pk])).status_code == 404
    assert (
        client.get(
            reverse("program_detail", args=[organization.slug, foreign.program.pk])
        ).status_code
        == 404
    )
    foreign.refresh_from_db()
    assert not foreign.is_archived


def test_the_measure_page_shows_its_history(login, coordinator, organization, program):
    client = login(coordinator)
    client.post(reverse("measure_create", args=[organization.slug]), _measure_data(program))
    measure = Measure.objects.get()
    client.post(
        reverse("measure_update", args=[organization.slug, measure.pk]),
        _measure_data(program, status="yellow", status_explanation="Mangler vikarer"),
    )
    page = client.get(reverse("measure_detail", args=[organization.slug, measure.pk]))
    history = page.context["history"]
    assert history[0].who == coordinator.full_name
    assert any(change.new == "Mangler vikarer" for change in history[0].changes)


def test_external_contributors_are_added_and_removed(login, coordinator, organization, program):
    measure = MeasureFactory(program=program)
    client = login(coordinator)
    client.post(
        reverse("external_contributor_add", args=[organization.slug, measure.pk]),
        {"role": "Brukerrepresentant", "organization_name": "FAU"},
    )
    contributor = measure.external_contributors.get()
    client.post(
        reverse("external_contributor_remove", args=[organization.slug, measure.pk, contributor.pk])
    )
    assert not measure.external_contributors.exists()


# --- partners ------------------------------------------------------------------------------


@pytest.fixture
def county_program(organization):
    county = OrganizationFactory(kind=Organization.Kind.COUNTY, number="46", name="Fylket")
    program = ProgramFactory(organization=county, name="Regional satsing")
    return program


def _share(program, partner, access=Partnership.Access.READ):
    partnership = PartnershipFactory(grantor=program.organization, partner=partner, access=access)
    program.partnerships.add(partnership)
    return partnership


def test_partners_see_only_what_is_shared_with_them(login, member, organization, county_program):
    hidden = ProgramFactory(organization=county_program.organization, name="Intern satsing")
    _share(county_program, organization)
    client = login(member)
    listing = client.get(reverse("shared_program_list", args=[organization.slug]))
    assert [p.name for p in listing.context["programs"]] == ["Regional satsing"]
    assert (
        client.get(
            reverse("shared_program_detail", args=[organization.slug, hidden.pk])
        ).status_code
        == 404
    )
    measure = MeasureFactory(program=hidden)
    assert (
        client.get(
            reverse("shared_measure_detail", args=[organization.slug, measure.pk])
        ).status_code
        == 404
    )


def test_read_access_cannot_comment_and_a_revoked_partnership_closes(
    login, member, organization, county_program
):
    partnership = _share(county_program, organization, Partnership.Access.READ)
    measure = MeasureFactory(program=county_program)
    client = login(member)
    url = reverse("shared_measure_comment", args=[organization.slug, measure.pk])
    assert client.post(url, {"text": "Hei"}).status_code == 404
    assert not Comment.objects.exists()
    partnership.is_active = False
    partnership.save()
    assert (
        client.get(
            reverse("shared_measure_detail", args=[organization.slug, measure.pk])
        ).status_code
        == 404
    )


def test_contribute_access_lets_staff_comment(login, member, organization, county_program):
    _share(county_program, organization, Partnership.Access.CONTRIBUTE)
    measure = MeasureFactory(program=county_program)
    login(member).post(
        reverse("shared_measure_comment", args=[organization.slug, measure.pk]),
        {"text": "Vi er med"},
    )
    assert Comment.objects.get().measure == measure


def test_a_partnership_granted_by_someone_else_does_not_share_a_programme(
    login, member, organization, county_program, other_organization
):
    # The programme's owner never granted anything; another organisation's grant is attached.
    stray = PartnershipFactory(grantor=other_organization, partner=organization)
    county_program.partnerships.add(stray)
    response = login(member).get(reverse("shared_program_list", args=[organization.slug]))
    assert list(response.context["programs"]) == []


def test_a_programme_is_archived_and_restored_never_deleted(
    login, coordinator, organization, program
):
    client = login(coordinator)
    client.post(reverse("program_archive", args=[organization.slug, program.pk]))
    program.refresh_from_db()
    assert program.is_archived
    listing = client.get(reverse("program_list", args=[organization.slug]))
    assert program not in listing.context["programs"]
    assert (
        program
        in client.get(reverse("program_list", args=[organization.slug]) + "?archived=1").context[
            "programs"
        ]
    )
    client.post(reverse("program_restore", args=[organization.slug, program.pk]))
    program.refresh_from_db()
    assert not program.is_archived


@pytest.mark.parametrize("phase", [2, 3, 4])
def test_every_measure_starts_in_phase_one_whatever_the_post_says(
    login, coordinator, organization, program, phase
):
    """Finding 2: the create form offered a phase; now it has none, and a crafted POST with
    one creates the measure in phase I with no move recorded."""
    client = login(coordinator)
    form = client.get(reverse("measure_create", args=[organization.slug])).context["form"]
    assert "phase" not in form.fields
    response = client.post(
        reverse("measure_create", args=[organization.slug]), _measure_data(program, phase=phase)
    )
    assert response.status_code == 302
    measure = Measure.objects.get()
    assert measure.phase == 1
    assert not measure.transitions.exists()


def test_after_creation_the_phase_only_moves_through_the_gates(
    login, coordinator, organization, program
):
    measure = MeasureFactory(program=program, phase=1)
    client = login(coordinator)
    url = reverse("measure_update", args=[organization.slug, measure.pk])
    assert "phase" not in client.get(url).context["form"].fields
    client.post(url, _measure_data(program, phase=4))
    measure.refresh_from_db()
    assert measure.phase == 1
