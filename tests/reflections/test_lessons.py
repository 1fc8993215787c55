"""The lessons log: search, recording lessons with their sources and tags, sharing them with
partner organisations, and what partners see.

The permission matrix (tests/matrix/reflections_lessons.py) covers each role on each URL; here:
the search, the rules of the form, sharing, tenancy and query counts.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from measures.models import Phase, Tag
from measures.tags import tags_for_names
from organizations.models import Organization, Role
from reflections.models import Lesson
from tests.factories import (
    EvaluationFactory,
    LearningMeetingFactory,
    LessonFactory,
    MeasureFactory,
    MembershipFactory,
    OrganizationFactory,
    PartnershipFactory,
    PilotIterationFactory,
    ProgramFactory,
    TagFactory,
    UserFactory,
)
from tests.second_factor import pass_second_factor


@pytest.fixture
def english(admin_user, coordinator, team_lead, member, viewer):
    """Assertions read the English texts, whatever the translators make of them."""
    for user in (admin_user, coordinator, team_lead, member, viewer):
        user.language = "en"
        user.save(update_fields=["language"])


@pytest.fixture
def program(organization):
    return ProgramFactory(organization=organization, name="Trygge skoler")


@pytest.fixture
def measure(program, team_lead):
    return MeasureFactory(program=program, team_lead=team_lead, name="Faste voksne", phase=2)


@pytest.fixture
def other_measure(program):
    return MeasureFactory(program=program, name="Leksehjelp", phase=1)


@pytest.fixture
def partner(organization):
    """A neighbour the organisation shares with (an active read partnership)."""
    neighbour = OrganizationFactory(name="Grannevik kommune", slug="grannevik")
    return PartnershipFactory(grantor=organization, partner=neighbour)


def url(name, organization, *args):
    return reverse(name, args=[organization.slug, *args])


def lesson_in(organization, **fields):
    tags = fields.pop("tags", [])
    # Plain default texts, so searches find only the words a test puts in.
    fields.setdefault("lesson", "Noe vi lærte.")
    fields.setdefault("context", "")
    lesson = LessonFactory(organization=organization, **fields)
    if tags:
        lesson.tags.set(tags)
    return lesson


def listed(response):
    return [lesson.title for lesson in response.context["lessons"]]


def errors(response, field):
    return " ".join(response.context["form"].errors.get(field, []))


# --- search -------------------------------------------------------------------------------------


def test_every_word_must_match_somewhere_in_text_or_tags(organization, member, login):
    school = TagFactory(organization=organization, name="Ungdomsskole")
    lesson_in(organization, title="Faste møtetider", lesson="Alle kom.", tags=[school])
    lesson_in(organization, title="Faste roller", lesson="Tydelig ansvar.", context="Barnehage")
    lesson_in(organization, title="Annet", lesson="Vi lærte at FASTE rutiner hjelper.")
    lesson_in(organization, title="Uten treff", lesson="Ingenting her.")
    client = login(member)

    def search(q):
        return sorted(listed(client.get(url("lesson_list", organization), {"q": q})))

    assert search("faste") == ["Annet", "Faste møtetider", "Faste roller"]
    assert search("faste UNGDOMSSKOLE") == ["Faste møtetider"]  # one word in a tag
    assert search("faste barnehage") == ["Faste roller"]  # one word in the context
    assert search("faste rutiner") == ["Annet"]
    assert search("faste hav") == []
    assert search("") == ["Annet", "Faste møtetider", "Faste roller", "Uten treff"]


def test_a_lesson_with_several_matching_tags_is_listed_once(organization, member, login):
    tags = [TagFactory(organization=organization, name=f"skole {n}") for n in range(3)]
    lesson_in(organization, title="Mange stikkord", tags=tags)
    response = login(member).get(url("lesson_list", organization), {"q": "skole"})
    assert listed(response) == ["Mange stikkord"]
    assert response.context["paginator"].count == 1


def test_filters_by_phase_tag_programme_and_measure(
    organization, member, login, measure, other_measure
):
    tag = TagFactory(organization=organization, name="oppfølging")
    other_program = ProgramFactory(organization=organization)
    lesson_in(organization, title="A", phase=Phase.PLAN, measure=measure, program=measure.program)
    lesson_in(organization, title="B", phase=Phase.IMPLEMENT, tags=[tag], program=other_program)
    lesson_in(organization, title="C", phase=Phase.IMPLEMENT, measure=other_measure)
    client = login(member)

    def search(**query):
        return sorted(listed(client.get(url("lesson_list", organization), query)))

    assert search(phase=Phase.IMPLEMENT) == ["B", "C"]
    assert search(tag=tag.pk) == ["B"]
    assert search(program=other_program.pk) == ["B"]
    assert search(measure=measure.pk) == ["A"]
    assert search(measure=other_measure.pk, phase=Phase.IMPLEMENT) == ["C"]


def test_the_tag_filter_offers_only_tags_lessons_use(organization, member, login, measure):
    used = TagFactory(organization=organization, name="brukt")
    measure.tags.add(TagFactory(organization=organization, name="bare på tiltaket"))
    lesson_in(organization, tags=[used])
    response = login(member).get(url("lesson_list", organization))
    assert list(response.context["filter_form"].fields["tag"].queryset) == [used]


def test_archived_lessons_are_hidden_and_only_planners_may_show_them(
    organization, member, coordinator, login
):
    lesson_in(organization, title="Gjeldende")
    lesson_in(organization, title="Arkivert", is_archived=True)
    assert listed(login(member).get(url("lesson_list", organization), {"archived": "on"})) == [
        "Gjeldende"
    ]
    client = login(coordinator)
    assert listed(client.get(url("lesson_list", organization))) == ["Gjeldende"]
    shown = client.get(url("lesson_list", organization), {"archived": "on"})
    assert sorted(listed(shown)) == ["Arkivert", "Gjeldende"]


def test_another_organisations_lessons_and_tags_are_never_searched(
    organization, other_organization, member, login
):
    foreign_tag = TagFactory(organization=other_organization, name="skole")
    lesson_in(other_organization, title="Naboens erfaring", tags=[foreign_tag])
    lesson_in(organization, title="Vår erfaring")
    client = login(member)
    assert listed(client.get(url("lesson_list", organization))) == ["Vår erfaring"]
    # A tag of another organisation is not a valid filter: it is refused, not applied.
    response = client.get(url("lesson_list", organization), {"tag": foreign_tag.pk})
    assert "tag" in response.context["filter_form"].errors
    assert listed(response) == ["Vår erfaring"]


def test_results_are_paginated_and_the_links_keep_the_search(organization, member, login):
    for n in range(30):
        lesson_in(organization, title=f"Rutine {n:02d}")
    client = login(member)
    first = client.get(url("lesson_list", organization), {"q": "rutine"})
    assert len(first.context["lessons"]) == 25
    assert "q=rutine&amp;page=2" in first.content.decode()
    second = client.get(url("lesson_list", organization), {"q": "rutine", "page": 2})
    assert len(second.context["lessons"]) == 5


def test_the_list_shows_sources_tags_sharing_and_who_recorded_it(
    organization, member, login, measure, partner, english
):
    meeting = LearningMeetingFactory(measure=measure, title="Høstmøtet")
    iteration = PilotIterationFactory(measure=measure, number=2)
    evaluation = EvaluationFactory(measure=measure)
    lesson = lesson_in(
        organization,
        title="Korte møter",
        measure=measure,
        program=measure.program,
        meeting=meeting,
        iteration=iteration,
        evaluation=evaluation,
        recorded_by=member,
        tags=[TagFactory(organization=organization, name="møter")],
    )
    lesson.shared_with.add(partner)
    page = login(member).get(url("lesson_list", organization)).content.decode()
    for text in ("Korte møter", "Høstmøtet", "Lap 2", "møter", "Grannevik kommune", "II Plan"):
        assert text in page, text
    assert str(member) in page
    for link in (
        url("meeting_detail", organization, meeting.pk),
        url("iteration_detail", organization, measure.pk, iteration.pk),
        url("evaluation_detail", organization, measure.pk, evaluation.pk),
        url("measure_detail", organization, measure.pk),
        url("lesson_shared_list", organization),
    ):
        assert f'href="{link}"' in page, link


# --- recording a lesson -------------------------------------------------------------------------


def form_data(**fields):
    data = {
        "title": "Faste spørsmål gir bedre møter",
        "lesson": "Når vi stiller de samme spørsmålene hver gang, ser vi endringene.",
        "context": "Lærende møter på ungdomsskolen, høsten 2026.",
        "phase": "3",
        "tags_text": "",
    }
    data.update({key: value for key, value in fields.items() if value is not None})
    return data


def test_a_member_records_a_lesson_with_its_sources_and_tags(organization, member, login, measure):
    existing = TagFactory(organization=organization, name="Møter")
    meeting = LearningMeetingFactory(measure=measure)
    iteration = PilotIterationFactory(measure=measure)
    evaluation = EvaluationFactory(measure=measure)
    response = login(member).post(
        url("lesson_create", organization),
        form_data(
            measure=measure.pk,
            meeting=meeting.pk,
            iteration=iteration.pk,
            evaluation=evaluation.pk,
            tags_text="møter, ny praksis, MØTER",
        ),
    )
    lesson = Lesson.objects.get()
    assert response.status_code == 302
    assert response["Location"] == lesson.get_absolute_url()
    assert (lesson.organization, lesson.recorded_by, lesson.phase) == (organization, member, 3)
    assert (lesson.measure, lesson.program) == (measure, measure.program)  # programme filled in
    assert (lesson.meeting, lesson.iteration, lesson.evaluation) == (meeting, iteration, evaluation)
    assert sorted(tag.name for tag in lesson.tags.all()) == ["Møter", "ny praksis"]
    assert existing in lesson.tags.all()  # reused, whatever the case
    assert Tag.objects.filter(organization=organization).count() == 2
    assert list(lesson.shared_with.all()) == []


def test_a_lap_alone_brings_its_measure_and_programme(organization, member, login, measure):
    iteration = PilotIterationFactory(measure=measure)
    login(member).post(url("lesson_create", organization), form_data(iteration=iteration.pk))
    lesson = Lesson.objects.get()
    assert (lesson.measure, lesson.program) == (measure, measure.program)


@pytest.mark.parametrize("source", ["iteration", "evaluation", "meeting"])
def test_a_source_of_another_measure_is_refused_and_nothing_is_saved(
    organization, member, login, measure, other_measure, english, source
):
    build = {
        "iteration": PilotIterationFactory,
        "evaluation": EvaluationFactory,
        "meeting": LearningMeetingFactory,
    }[source]
    foreign = build(measure=other_measure)
    response = login(member).post(
        url("lesson_create", organization),
        form_data(measure=measure.pk, tags_text="helt ny", **{source: foreign.pk}),
    )
    assert response.status_code == 200
    message = errors(response, source)
    assert "belongs to the measure “Leksehjelp”" in message
    assert "“Faste voksne”" in message
    assert not Lesson.objects.exists()
    assert not Tag.objects.filter(name="helt ny").exists()


def test_sources_of_two_measures_are_refused(organization, member, login, measure, other_measure):
    response = login(member).post(
        url("lesson_create", organization),
        form_data(
            iteration=PilotIterationFactory(measure=measure).pk,
            evaluation=EvaluationFactory(measure=other_measure).pk,
        ),
    )
    assert "evaluation" in response.context["form"].errors
    assert not Lesson.objects.exists()


def test_a_programme_meeting_is_refused_for_a_measure_but_sets_its_programme_alone(
    organization, member, login, measure, english
):
    program_meeting = LearningMeetingFactory(
        measure=None, program=measure.program, organization=organization
    )
    client = login(member)
    response = client.post(
        url("lesson_create", organization),
        form_data(measure=measure.pk, meeting=program_meeting.pk),
    )
    assert "is about the programme “Trygge skoler”" in errors(response, "meeting")
    assert not Lesson.objects.exists()

    client.post(url("lesson_create", organization), form_data(meeting=program_meeting.pk))
    lesson = Lesson.objects.get()
    assert (lesson.measure, lesson.program, lesson.meeting) == (
        None,
        measure.program,
        program_meeting,
    )


def test_a_programme_other_than_the_measures_is_refused(organization, member, login, measure):
    response = login(member).post(
        url("lesson_create", organization),
        form_data(measure=measure.pk, program=ProgramFactory(organization=organization).pk),
    )
    assert "program" in response.context["form"].errors
    assert not Lesson.objects.exists()


def test_another_organisations_sources_are_not_choices(
    organization, other_organization, member, login
):
    foreign_measure = MeasureFactory(program=ProgramFactory(organization=other_organization))
    data = form_data(
        measure=foreign_measure.pk,
        iteration=PilotIterationFactory(measure=foreign_measure).pk,
        evaluation=EvaluationFactory(measure=foreign_measure).pk,
        meeting=LearningMeetingFactory(measure=foreign_measure).pk,
        program=foreign_measure.program.pk,
    )
    response = login(member).post(url("lesson_create", organization), data)
    assert set(response.context["form"].errors) == {
        "measure",
        "iteration",
        "evaluation",
        "meeting",
        "program",
    }
    assert not Lesson.objects.exists()


def test_a_title_and_a_lesson_are_required(organization, member, login):
    response = login(member).post(
        url("lesson_create", organization), form_data(title="", lesson="")
    )
    assert set(response.context["form"].errors) == {"title", "lesson"}
    assert not Lesson.objects.exists()


def test_the_choices_read_as_measure_lap_and_dates(organization, member, login, measure, english):
    PilotIterationFactory(
        measure=measure,
        number=2,
        period_start=dt.date(2026, 3, 1),
        period_end=dt.date(2026, 5, 31),
    )
    response = login(member).get(url("lesson_create", organization))
    page = response.content.decode()
    assert "Faste voksne – lap 2, 01.03.2026–31.05.2026" in page


def test_a_meeting_fills_in_its_measure_programme_and_phase(
    organization, member, login, measure, other_organization
):
    meeting = LearningMeetingFactory(measure=measure)
    client = login(member)
    form = client.get(url("lesson_create", organization), {"meeting": meeting.pk}).context["form"]
    assert form.initial == {
        "meeting": meeting.pk,
        "measure": measure.pk,
        "program": measure.program_id,
        "phase": Phase.PLAN,
    }
    foreign = LearningMeetingFactory(
        measure=MeasureFactory(program=ProgramFactory(organization=other_organization))
    )
    form = client.get(url("lesson_create", organization), {"meeting": foreign.pk}).context["form"]
    assert form.initial == {}
    form = client.get(url("lesson_create", organization), {"meeting": "x"}).context["form"]
    assert form.initial == {}


def test_a_lap_or_an_evaluation_fills_in_the_form_too(organization, member, login, measure):
    client = login(member)
    iteration = PilotIterationFactory(measure=measure)
    form = client.get(url("lesson_create", organization), {"iteration": iteration.pk}).context[
        "form"
    ]
    assert form.initial["iteration"] == iteration.pk
    assert form.initial["measure"] == measure.pk
    assert form.initial["phase"] == Phase.IMPLEMENT  # laps are the roundabout, phase III
    evaluation = EvaluationFactory(measure=measure)
    form = client.get(url("lesson_create", organization), {"evaluation": evaluation.pk}).context[
        "form"
    ]
    assert (form.initial["evaluation"], form.initial["phase"]) == (evaluation.pk, Phase.PLAN)


def test_viewers_cannot_record_lessons(organization, viewer, login):
    client = login(viewer)
    assert client.get(url("lesson_create", organization)).status_code == 403
    assert client.post(url("lesson_create", organization), form_data()).status_code == 403
    assert not Lesson.objects.exists()
    page = client.get(url("lesson_list", organization)).content.decode()
    assert url("lesson_create", organization) not in page


# --- sharing ------------------------------------------------------------------------------------


def test_planners_share_with_the_organisations_active_partnerships(
    organization, coordinator, login, partner
):
    inactive = PartnershipFactory(grantor=organization, is_active=False)
    received = PartnershipFactory(partner=organization)  # granted to us, not by us
    client = login(coordinator)
    offered = client.get(url("lesson_create", organization)).context["form"]
    assert list(offered.fields["shared_with"].queryset) == [partner]

    response = client.post(url("lesson_create", organization), form_data(shared_with=[partner.pk]))
    assert response.status_code == 302
    assert list(Lesson.objects.get().shared_with.all()) == [partner]
    for refused in (inactive, received):
        response = client.post(
            url("lesson_create", organization), form_data(shared_with=[refused.pk])
        )
        assert "shared_with" in response.context["form"].errors
    assert Lesson.objects.count() == 1


def test_only_planners_share_a_forged_post_changes_nothing(organization, member, login, partner):
    client = login(member)
    assert "shared_with" not in client.get(url("lesson_create", organization)).context["form"]
    client.post(url("lesson_create", organization), form_data(shared_with=[partner.pk]))
    lesson = Lesson.objects.get()
    assert list(lesson.shared_with.all()) == []

    shared = lesson_in(organization, recorded_by=member, title="Delt av koordinator")
    shared.shared_with.add(partner)
    response = client.post(
        url("lesson_update", organization, shared.pk),
        form_data(title="Endret", shared_with=[]),
    )
    assert response.status_code == 302
    shared.refresh_from_db()
    assert shared.title == "Endret"
    assert list(shared.shared_with.all()) == [partner]  # untouched


def test_a_planners_edit_keeps_shares_of_partnerships_made_inactive(
    organization, coordinator, login, partner
):
    paused = PartnershipFactory(grantor=organization)
    lesson = lesson_in(organization)
    lesson.shared_with.set([partner, paused])
    paused.is_active = False
    paused.save()
    login(coordinator).post(
        url("lesson_update", organization, lesson.pk), form_data(shared_with=[])
    )
    assert list(lesson.shared_with.all()) == [paused]


# --- changing and archiving -----------------------------------------------------------------


def test_the_recorder_and_planners_change_a_lesson_others_do_not(
    organization, member, team_lead, coordinator, login, measure
):
    lesson = lesson_in(organization, recorded_by=member, title="Før")
    tag = TagFactory(organization=organization, name="gammel")
    lesson.tags.add(tag)
    edit = url("lesson_update", organization, lesson.pk)
    form = login(member).get(edit).context["form"]
    assert form.initial["tags_text"] == "gammel"
    assert login(team_lead).get(edit).status_code == 403
    assert login(team_lead).post(edit, form_data(title="Nei")).status_code == 403

    response = login(coordinator).post(
        edit, form_data(title="Etter", measure=measure.pk, tags_text="ny")
    )
    assert response.status_code == 302
    lesson.refresh_from_db()
    assert lesson.title == "Etter"
    assert lesson.recorded_by == member  # still the one who recorded it
    assert [tag.name for tag in lesson.tags.all()] == ["ny"]


def test_archiving_and_restoring_a_lesson(organization, member, viewer, login):
    lesson = lesson_in(organization, recorded_by=member)
    assert login(viewer).post(url("lesson_archive", organization, lesson.pk)).status_code == 403
    client = login(member)
    response = client.post(url("lesson_archive", organization, lesson.pk))
    assert response["Location"] == lesson.get_absolute_url()
    lesson.refresh_from_db()
    assert lesson.is_archived
    assert listed(client.get(url("lesson_list", organization))) == []
    assert client.get(lesson.get_absolute_url()).status_code == 200
    client.post(url("lesson_restore", organization, lesson.pk))
    lesson.refresh_from_db()
    assert not lesson.is_archived
    assert client.get(url("lesson_archive", organization, lesson.pk)).status_code == 405


@pytest.mark.parametrize(
    ("name", "method"),
    [
        ("lesson_detail", "get"),
        ("lesson_update", "get"),
        ("lesson_update", "post"),
        ("lesson_archive", "post"),
        ("lesson_restore", "post"),
    ],
)
def test_another_organisations_lesson_is_not_found(
    organization, other_organization, admin_user, login, name, method
):
    foreign = lesson_in(other_organization)
    response = getattr(login(admin_user), method)(url(name, organization, foreign.pk))
    assert response.status_code == 404
    foreign.refresh_from_db()
    assert not foreign.is_archived


def test_the_lesson_page_shows_sources_and_shares(
    organization, member, login, measure, partner, english
):
    lesson = lesson_in(
        organization,
        title="Et funn",
        measure=measure,
        program=measure.program,
        meeting=LearningMeetingFactory(measure=measure, title="Vårmøtet"),
        recorded_by=member,
    )
    lesson.shared_with.add(partner)
    response = login(member).get(lesson.get_absolute_url())
    page = response.content.decode()
    assert "Vårmøtet" in page
    assert "Grannevik kommune" in page
    assert response.context["can_change"]
    assert url("lesson_update", organization, lesson.pk) in page


# --- what partners see --------------------------------------------------------------------------


@pytest.fixture
def county():
    return OrganizationFactory(
        kind=Organization.Kind.COUNTY, number="46", name="Vestland fylkeskommune", slug="vestland"
    )


@pytest.fixture
def grant(county, organization):
    """The county shares with our organisation."""
    return PartnershipFactory(grantor=county, partner=organization)


def shared_lesson(county, grant, **fields):
    lesson = lesson_in(county, **fields)
    lesson.shared_with.add(grant)
    return lesson


def test_a_partner_reads_the_lessons_shared_with_it(
    organization, county, grant, viewer, login, english
):
    lesson = shared_lesson(
        county,
        grant,
        title="Fylkets erfaring",
        tags=[TagFactory(organization=county, name="samarbeid")],
    )
    lesson_in(county, title="Ikke delt")
    client = login(viewer)
    response = client.get(url("lesson_shared_list", organization))
    assert listed(response) == ["Fylkets erfaring"]
    assert "Vestland fylkeskommune" in response.content.decode()
    detail = client.get(url("lesson_shared_detail", organization, lesson.pk))
    assert detail.status_code == 200
    page = detail.content.decode()
    assert "Vestland fylkeskommune" in page
    assert "samarbeid" in page
    # Read only: no way to change it, and the organisation's own pages do not know it.
    assert url("lesson_update", organization, lesson.pk) not in page
    assert client.get(url("lesson_detail", organization, lesson.pk)).status_code == 404


def test_whom_else_a_lesson_is_shared_with_is_not_shown(organization, county, grant, member, login):
    lesson = shared_lesson(county, grant)
    lesson.shared_with.add(
        PartnershipFactory(grantor=county, partner=OrganizationFactory(name="Hemmelig kommune"))
    )
    page = login(member).get(url("lesson_shared_detail", organization, lesson.pk))
    assert "Hemmelig kommune" not in page.content.decode()


def test_the_shared_list_searches_by_words(organization, county, grant, member, login):
    shared_lesson(county, grant, title="Felles rutiner")
    shared_lesson(county, grant, title="Annet", lesson="Noe helt annet.", context="")
    response = login(member).get(url("lesson_shared_list", organization), {"q": "felles"})
    assert listed(response) == ["Felles rutiner"]


@pytest.mark.parametrize(
    "case", ["not shared", "archived", "inactive", "grantor inactive", "other partner"]
)
def test_lessons_not_shared_with_this_organisation_are_not_found(
    organization, county, grant, member, login, case
):
    lesson = shared_lesson(county, grant)
    if case == "not shared":
        lesson.shared_with.clear()
    elif case == "archived":
        Lesson.objects.filter(pk=lesson.pk).update(is_archived=True)
    elif case == "inactive":
        grant.is_active = False
        grant.save()
    elif case == "grantor inactive":
        county.is_active = False
        county.save()
    else:
        lesson.shared_with.set([PartnershipFactory(grantor=county)])
    client = login(member)
    assert listed(client.get(url("lesson_shared_list", organization))) == []
    assert client.get(url("lesson_shared_detail", organization, lesson.pk)).status_code == 404


def test_a_share_through_a_partnership_another_organisation_granted_counts_for_nothing(
    organization, county, grant, member, login, other_organization
):
    """Only the lesson's own organisation can share it: a row pointing at someone else's
    partnership (never offered by the form) does not open it."""
    lesson = lesson_in(other_organization)
    lesson.shared_with.add(grant)
    client = login(member)
    assert client.get(url("lesson_shared_detail", organization, lesson.pk)).status_code == 404


def test_an_organisation_does_not_see_its_own_lessons_as_shared(
    organization, member, login, partner
):
    lesson = lesson_in(organization)
    lesson.shared_with.add(partner)
    client = login(member)
    assert listed(client.get(url("lesson_shared_list", organization))) == []
    assert client.get(url("lesson_shared_detail", organization, lesson.pk)).status_code == 404


def test_the_partners_staff_see_it_but_other_organisations_do_not(
    organization, county, grant, partner, login, password, client
):
    lesson = lesson_in(organization, title="Til naboen")
    lesson.shared_with.add(partner)
    neighbour_staff = MembershipFactory(
        organization=partner.partner, role=Role.MEMBER, user=UserFactory(email="ansatt@granne.test")
    ).user
    stranger = OrganizationFactory(name="Fjern kommune", slug="fjern")
    stranger_staff = MembershipFactory(
        organization=stranger, role=Role.ADMIN, user=UserFactory(email="admin@fjern.test")
    ).user

    client.force_login(neighbour_staff)
    assert client.get(url("lesson_shared_detail", partner.partner, lesson.pk)).status_code == 200
    assert client.get(url("lesson_detail", partner.partner, lesson.pk)).status_code == 404
    client.force_login(stranger_staff)
    pass_second_factor(client, stranger_staff)
    assert client.get(url("lesson_shared_detail", stranger, lesson.pk)).status_code == 404
    assert listed(client.get(url("lesson_shared_list", stranger))) == []


# --- query counts -----------------------------------------------------------------------------


def add_lessons(organization, measure, user, count, partnership=None):
    for n in range(count):
        lesson = lesson_in(
            organization,
            title=f"Erfaring om rutiner {n}",
            measure=measure,
            program=measure.program,
            meeting=LearningMeetingFactory(measure=measure),
            iteration=PilotIterationFactory(measure=measure),
            evaluation=EvaluationFactory(measure=measure),
            recorded_by=user,
            tags=[TagFactory(organization=organization) for _ in range(2)],
        )
        if partnership is not None:
            lesson.shared_with.add(partnership)


def same_queries(client, address, grow, django_assert_num_queries, query=None):
    client.get(address, query)  # warms the session and the caches
    with CaptureQueriesContext(connection) as few:
        client.get(address, query)
    count = len(few)  # read now: the next request empties the query log
    grow()
    with django_assert_num_queries(count):
        return client.get(address, query)


@pytest.mark.parametrize("query", [None, {"q": "rutiner"}])
def test_the_search_runs_the_same_queries_for_5_and_50_lessons(
    organization, coordinator, login, measure, partner, django_assert_num_queries, query
):
    add_lessons(organization, measure, coordinator, 5, partner)
    response = same_queries(
        login(coordinator),
        url("lesson_list", organization),
        lambda: add_lessons(organization, measure, coordinator, 45, partner),
        django_assert_num_queries,
        query,
    )
    assert response.context["paginator"].count == 50


def test_the_shared_list_runs_the_same_queries_for_5_and_50_lessons(
    organization, county, grant, member, login, django_assert_num_queries
):
    county_measure = MeasureFactory(program=ProgramFactory(organization=county))
    add_lessons(county, county_measure, None, 5, grant)
    response = same_queries(
        login(member),
        url("lesson_shared_list", organization),
        lambda: add_lessons(county, county_measure, None, 45, grant),
        django_assert_num_queries,
    )
    assert response.context["paginator"].count == 50


def test_the_lesson_page_runs_the_same_queries_for_few_and_many_tags_and_shares(
    organization, coordinator, login, measure, django_assert_num_queries
):
    lesson = lesson_in(organization, measure=measure, program=measure.program)

    def grow():
        lesson.tags.add(*[TagFactory(organization=organization) for _ in range(10)])
        lesson.shared_with.add(*[PartnershipFactory(grantor=organization) for _ in range(5)])

    response = same_queries(
        login(coordinator), lesson.get_absolute_url(), grow, django_assert_num_queries
    )
    assert response.status_code == 200


# --- the shared tag helper ---------------------------------------------------------------------


def test_tags_are_reused_whatever_their_case_and_created_once(organization, other_organization):
    existing = TagFactory(organization=organization, name="Skole")
    TagFactory(organization=other_organization, name="barnehage")
    tags = tags_for_names(organization, ["skole", "Barnehage", "BARNEHAGE", ""])
    assert tags[0] == existing
    assert [tag.name for tag in tags] == ["Skole", "Barnehage"]
    assert tags[1].organization == organization
    assert tags_for_names(organization, []) == []
    assert Tag.objects.filter(organization=organization).count() == 2
