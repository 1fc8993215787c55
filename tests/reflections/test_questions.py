"""The question bank: the shipped defaults, the list by theme with its filters, and the
organisation's own questions (add, reword as a new version, retire, restore)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from measures.models import Phase
from organizations.models import Role
from reflections import questions as services
from reflections.defaults import DEFAULT_QUESTIONS
from reflections.models import Question, QuestionVersion, Theme
from reflections.questions import (
    active_questions,
    ensure_default_questions,
    question_reword,
    suggested_questions,
)
from tests.conftest import require_or_skip
from tests.factories import (
    AnswerFactory,
    MeetingQuestionFactory,
    MembershipFactory,
    OrganizationFactory,
    QuestionFactory,
)
from tests.second_factor import pass_second_factor


@pytest.fixture
def english():
    def _english(*users):
        for user in users:
            user.language = "en"
            user.save(update_fields=["language"])
        return users[0]

    return _english


def url(name, *args, slug="testvik"):
    return reverse(name, args=[slug, *args])


def question_by_key(organization, key):
    ensure_default_questions(organization)
    return Question.objects.select_related("current_version").get(
        organization=organization, default_key=key
    )


def wording(nb="", nn="", en="", theme="goals", phase=""):
    return {"theme": theme, "phase": phase, "text_nb": nb, "text_nn": nn, "text_en": en}


# --- the shipped defaults ---------------------------------------------------------------------


def test_the_defaults_cover_every_theme_and_phase_in_three_languages():
    keys = [default["key"] for default in DEFAULT_QUESTIONS]
    assert len(keys) == len(set(keys)), "keys are unique"
    assert {"learning.surprised", "goals.judge"} <= set(keys), "shipped keys never change"
    assert 35 <= len(DEFAULT_QUESTIONS) <= 50
    for theme in Theme.values:
        in_theme = [d for d in DEFAULT_QUESTIONS if d["theme"] == theme]
        assert 3 <= len(in_theme) <= 5, theme
    for phase in [*Phase.values, None]:
        assert len([d for d in DEFAULT_QUESTIONS if d["phase"] == phase]) >= 5, phase
    for default in DEFAULT_QUESTIONS:
        assert default["key"].startswith(f"{default['theme']}."), default["key"]
        assert len(default["key"]) <= Question._meta.get_field("default_key").max_length
        for language in ("nb", "nn", "en"):
            text = default[language]
            assert text.strip() == text and 0 < len(text) <= 400, (default["key"], language)
            assert text.endswith("?"), (default["key"], language)
        assert default["nb"] != default["nn"], default["key"]


def test_the_nynorsk_defaults_are_written_in_nynorsk():
    """A rough guard against bokmål slipping into the nynorsk column."""
    bokmal_only = {"hva", "hvordan", "hvilke", "hvem", "ikke", "hvor", "jeg", "noen", "meg"}
    for default in DEFAULT_QUESTIONS:
        words = {word.strip("?,.").lower() for word in default["nn"].split()}
        assert not words & bokmal_only, (default["key"], words & bokmal_only)


def test_the_defaults_are_copied_once_in_order(organization, django_assert_num_queries):
    ensure_default_questions(organization)
    with django_assert_num_queries(1):
        ensure_default_questions(organization)
    questions = list(Question.objects.filter(organization=organization))
    assert [q.default_key for q in questions] == [d["key"] for d in DEFAULT_QUESTIONS]
    by_key = {q.default_key: q for q in questions}
    for default in DEFAULT_QUESTIONS:
        question = by_key[default["key"]]
        assert (question.theme, question.phase) == (default["theme"], default["phase"])
        assert question.current_version.number == 1
        for language in ("nb", "nn", "en"):
            assert question.current_version.text(language) == default[language]
    assert QuestionVersion.objects.filter(question__organization=organization).count() == len(
        DEFAULT_QUESTIONS
    )


@pytest.mark.django_db(transaction=True)
def test_two_first_visits_at_once_copy_the_defaults_once(organization):
    """PostgreSQL only: the organisation's row lock serialises the two copies (SQLite has one
    writer at a time and shows nothing)."""
    require_or_skip(connection.vendor == "postgresql", "row locks need PostgreSQL")
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def visit() -> None:
        try:
            start.wait(timeout=30)
            ensure_default_questions(organization)
        except BaseException as error:  # reported below
            errors.append(error)
        finally:
            connections.close_all()  # this thread's connection

    workers = [threading.Thread(target=visit) for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)
    assert not errors, errors
    assert Question.objects.filter(organization=organization).count() == len(DEFAULT_QUESTIONS)
    assert QuestionVersion.objects.filter(question__organization=organization).count() == len(
        DEFAULT_QUESTIONS
    )


def test_a_default_added_later_is_copied_and_a_retired_one_stays_retired(organization, monkeypatch):
    retired = question_by_key(organization, "goals.judge")
    retired.is_retired = True
    retired.save()
    extra = {
        "key": "tools.new_one",
        "theme": "tools",
        "phase": 3,
        "nb": "Nytt?",
        "nn": "Nytt?",
        "en": "New?",
    }
    monkeypatch.setattr(services, "DEFAULT_QUESTIONS", [*DEFAULT_QUESTIONS, extra])

    in_use = active_questions(organization, Phase.IMPLEMENT)

    assert "tools.new_one" in [q.default_key for q in in_use]
    assert Question.objects.filter(organization=organization).count() == len(DEFAULT_QUESTIONS) + 1
    retired.refresh_from_db()
    assert retired.is_retired
    assert retired not in active_questions(organization, Phase.PLAN)


def test_each_organisation_gets_its_own_copy(organization, other_organization, admin_user):
    ours = question_by_key(organization, "goals.judge")
    question_reword(
        question=ours, theme="goals", phase=2, texts={"nb": "Vår egen ordlyd?"}, user=admin_user
    )
    theirs = question_by_key(other_organization, "goals.judge")
    assert theirs.pk != ours.pk
    assert theirs.current_version.text_nb != "Vår egen ordlyd?"


def test_suggestions_for_a_phase_put_its_own_questions_before_those_for_every_phase(
    organization,
):
    suggested = suggested_questions(organization, Phase.PLAN)
    phases = [q.phase for q in suggested]
    assert set(phases) == {Phase.PLAN, None}
    assert phases == sorted(phases, key=lambda p: p is None)


# --- the list ---------------------------------------------------------------------------------


def test_every_member_reads_the_list_grouped_by_theme_in_theme_order(
    login, viewer, organization, english
):
    english(viewer)
    response = login(viewer).get(url("question_list"))
    assert response.status_code == 200
    groups = response.context["groups"]
    assert [group.theme for group in groups] == Theme.values
    for group in groups:
        assert group.questions, group.theme
        assert {row.question.theme for row in group.questions} == {group.theme}
    html = response.content.decode()
    positions = [html.index(f'id="theme-{theme}-heading"') for theme in Theme.values]
    assert positions == sorted(positions)
    with translation.override("en"):
        judge = next(d for d in DEFAULT_QUESTIONS if d["key"] == "goals.judge")
        assert judge["en"] in html
    assert "Phase II" in html and "Every phase" in html
    # A viewer changes nothing: no buttons to do so.
    assert "Add question" not in html and "Retire" not in html
    assert url("question_create") not in html


def test_planners_see_the_buttons_and_a_reworded_question_its_version(
    login, coordinator, organization, english
):
    english(coordinator)
    question = question_by_key(organization, "goals.judge")
    question_reword(
        question=question,
        theme="goals",
        phase=2,
        texts={"en": "How do we judge whether we reached the goals?"},
        user=coordinator,
    )
    html = login(coordinator).get(url("question_list")).content.decode()
    assert "Add question" in html
    assert url("question_update", question.pk) in html
    assert url("question_retire", question.pk) in html
    start = html.index(f'id="question-{question.pk}"')
    item = html[start : html.index("</li>", start)]
    assert "How do we judge whether we reached the goals?" in item
    assert "version 2" in item and "Phase II" in item


def test_the_list_filters_by_phase_and_theme(login, member, organization):
    own = QuestionFactory(organization=organization, theme="tools", phase=4, text="Eget?")
    client = login(member)

    response = client.get(url("question_list"), {"phase": 2})
    rows = [row.question for group in response.context["groups"] for row in group.questions]
    assert rows and {q.phase for q in rows} == {2, None}
    assert own not in rows

    response = client.get(url("question_list"), {"theme": "tools"})
    assert [group.theme for group in response.context["groups"]] == ["tools"]
    rows = response.context["groups"][0].questions
    assert own in [row.question for row in rows]
    assert {row.question.theme for row in rows} == {"tools"}

    response = client.get(url("question_list"), {"theme": "tools", "phase": 4})
    rows = [row.question for row in response.context["groups"][0].questions]
    assert own in rows and {q.phase for q in rows} <= {4, None}


def test_an_unknown_filter_value_is_left_out_not_a_server_error(login, member, organization):
    response = login(member).get(url("question_list"), {"phase": "9", "theme": "nonsense"})
    assert response.status_code == 200
    assert set(response.context["filter_form"].errors) == {"phase", "theme"}
    assert len(response.context["groups"]) == len(Theme.values)


def test_retired_questions_are_listed_apart_with_restore_buttons_for_planners_only(
    login, coordinator, member, organization
):
    question = question_by_key(organization, "learning.surprised")
    question.is_retired = True
    question.save()
    restore = url("question_restore", question.pk)

    response = login(member).get(url("question_list"))
    assert [row.question for row, _ in response.context["retired"]] == [question]
    in_groups = [row.question for group in response.context["groups"] for row in group.questions]
    assert question not in in_groups
    html = response.content.decode()
    assert 'id="retired"' in html and restore not in html

    assert restore in login(coordinator).get(url("question_list")).content.decode()


def test_the_list_runs_the_same_queries_for_5_and_50_own_questions(
    login, coordinator, organization
):
    client = login(coordinator)
    themes = Theme.values
    added = []

    def add(count):
        for n in range(len(added), len(added) + count):
            added.append(n)
            question = QuestionFactory(
                organization=organization,
                theme=themes[n % len(themes)],
                phase=[None, 1, 2, 3, 4][n % 5],
                text=f"Eget spørsmål {n}?",
            )
            if n % 3 == 0:
                question_reword(
                    question=question,
                    theme=question.theme,
                    phase=question.phase,
                    texts={"nb": f"Omformulert {n}?"},
                    user=coordinator,
                )
            QuestionFactory(organization=organization, theme=question.theme, is_retired=True)

    def count_queries():
        client.get(url("question_list"))
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url("question_list"))
        assert response.status_code == 200
        return len(queries), response.content.decode()

    add(5)
    few, html = count_queries()
    assert "Eget spørsmål 4?" in html and "Omformulert 3?" in html
    add(45)
    many, html = count_queries()
    assert "Eget spørsmål 49?" in html
    assert many == few
    # Session, user, membership, default keys, questions, the menu's memberships and the
    # notification bell's unread count.
    assert few <= 7


# --- adding, rewording, retiring --------------------------------------------------------------


def test_a_coordinator_adds_a_question_after_the_others(login, coordinator, organization):
    response = login(coordinator).post(
        url("question_create"),
        wording(nb="Hva sier foreldrene?", en="What do the parents say?", theme="outside_parties"),
    )
    assert response.status_code == 302
    assert response["Location"] == f"{url('question_list')}#theme-outside_parties"
    question = Question.objects.get(organization=organization, default_key="")
    assert question.theme == "outside_parties" and question.phase is None
    version = question.current_version
    assert version.number == 1 and version.created_by == coordinator
    assert (version.text_nb, version.text_nn, version.text_en) == (
        "Hva sier foreldrene?",
        "",
        "What do the parents say?",
    )
    assert version.text("nn") == "Hva sier foreldrene?"
    assert active_questions(organization)[-1] == question


def test_a_question_may_be_tied_to_a_phase(login, admin_user, organization):
    login(admin_user).post(url("question_create"), wording(en="Only English?", phase="3"))
    question = Question.objects.get(organization=organization, default_key="")
    assert question.phase == 3
    assert question in active_questions(organization, 3)
    assert question not in active_questions(organization, 2)


def test_the_create_form_starts_from_the_theme_and_phase_it_was_opened_for(login, coordinator):
    response = login(coordinator).get(url("question_create"), {"theme": "tools", "phase": "2"})
    assert response.context["form"].initial == {"theme": "tools", "phase": 2}


def test_a_question_without_any_wording_is_refused_with_a_clear_message(
    login, coordinator, organization, english
):
    english(coordinator)
    ensure_default_questions(organization)
    before = Question.objects.count(), QuestionVersion.objects.count()
    response = login(coordinator).post(url("question_create"), wording(nb="  ", phase="2"))
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) == {"text_nb"}  # the organisation's written standard
    assert "Write the question in at least one language" in response.content.decode()
    assert (Question.objects.count(), QuestionVersion.objects.count()) == before


def test_bad_theme_phase_or_length_saves_nothing(login, coordinator, organization):
    ensure_default_questions(organization)
    before = Question.objects.count(), QuestionVersion.objects.count()
    client = login(coordinator)
    response = client.post(url("question_create"), wording(nb="Ok?", theme="weather"))
    assert set(response.context["form"].errors) == {"theme"}
    response = client.post(url("question_create"), wording(nb="Ok?", phase="7"))
    assert set(response.context["form"].errors) == {"phase"}
    response = client.post(url("question_create"), wording(nb="x" * 401))
    assert set(response.context["form"].errors) == {"text_nb"}
    assert (Question.objects.count(), QuestionVersion.objects.count()) == before


def test_a_nynorsk_organisation_gets_the_message_on_its_nynorsk_field(db, client, password):
    herad = OrganizationFactory(slug="herad", written_standard="nn")
    admin = MembershipFactory(organization=herad, role=Role.ADMIN).user
    client.force_login(admin)
    pass_second_factor(client, admin)
    response = client.post(url("question_create", slug="herad"), wording())
    assert set(response.context["form"].errors) == {"text_nn"}
    assert client.post(url("question_create", slug="herad"), wording(nn="Kva no?")).status_code == (
        302
    )


def test_rewording_makes_a_new_version_and_meetings_keep_the_old_words(
    login, coordinator, organization, english
):
    english(coordinator)
    question = question_by_key(organization, "goals.judge")
    first = question.current_version
    asked = MeetingQuestionFactory(
        meeting__measure__program__organization=organization, question=question
    )
    answer = AnswerFactory(meeting_question=asked, text="Vi ser på fraværstallene.")

    response = login(coordinator).post(
        url("question_update", question.pk),
        wording(
            nb="Hvordan vurderer vi om målene er nådd?",
            nn=first.text_nn,
            en="How do we judge whether the goals are reached?",
            phase="3",
        ),
    )
    assert response.status_code == 302
    question.refresh_from_db()
    second = question.current_version
    assert second.pk != first.pk and second.number == 2 and second.created_by == coordinator
    assert second.text_nn == first.text_nn
    assert question.phase == 3
    assert question.versions.count() == 2

    asked.refresh_from_db()
    answer.refresh_from_db()
    assert asked.version == first
    assert answer.meeting_question.version.text("en") == first.text_en
    assert (
        answer.meeting_question.version.text("nb")
        == "Hvordan skal vi vite om vi har nådd målene våre?"
    )

    html = login(coordinator).get(url("question_update", question.pk)).content.decode()
    assert "Earlier wordings" in html
    earlier = html[html.index('id="earlier-wordings"') :]
    assert first.text_en in earlier and "Version 1" in earlier
    assert "How do we judge whether the goals are reached?" in html  # in the form


def test_saving_the_same_wording_makes_no_version_but_keeps_the_new_theme_and_phase(
    login, admin_user, organization
):
    question = question_by_key(organization, "learning.surprised")
    version = question.current_version
    response = login(admin_user).post(
        url("question_update", question.pk),
        wording(
            nb=version.text_nb,
            nn=version.text_nn,
            en=version.text_en,
            theme="learning_meetings",
            phase="1",
        ),
    )
    assert response["Location"] == f"{url('question_list')}#theme-learning_meetings"
    question.refresh_from_db()
    assert question.current_version == version and question.versions.count() == 1
    assert (question.theme, question.phase) == ("learning_meetings", 1)


def test_a_refused_edit_changes_nothing(login, coordinator, organization):
    question = question_by_key(organization, "goals.judge")
    version = question.current_version
    response = login(coordinator).post(
        url("question_update", question.pk), wording(theme="tools", phase="4")
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    question.refresh_from_db()
    assert (question.theme, question.phase, question.current_version) == ("goals", 2, version)
    assert question.versions.count() == 1


def test_retiring_and_restoring(login, coordinator, organization, english):
    english(coordinator)
    question = question_by_key(organization, "goals.judge")
    client = login(coordinator)

    response = client.post(url("question_retire", question.pk), follow=True)
    assert response.redirect_chain[-1][0] == f"{url('question_list')}#retired"
    assert "is retired" in response.content.decode()
    question.refresh_from_db()
    assert question.is_retired
    assert question not in active_questions(organization, Phase.PLAN)

    response = client.post(url("question_restore", question.pk), follow=True)
    assert response.redirect_chain[-1][0] == f"{url('question_list')}#theme-goals"
    assert "is restored" in response.content.decode()
    question.refresh_from_db()
    assert not question.is_retired
    assert question in active_questions(organization, Phase.PLAN)


def test_retire_and_restore_take_post_only(login, coordinator, organization):
    question = question_by_key(organization, "goals.judge")
    client = login(coordinator)
    assert client.get(url("question_retire", question.pk)).status_code == 405
    question.refresh_from_db()
    assert not question.is_retired


@pytest.mark.parametrize("role", ["viewer", "member", "team_lead"])
def test_only_planners_change_the_question_bank(role, request, login, organization):
    user = request.getfixturevalue(role)
    question = question_by_key(organization, "goals.judge")
    version = question.current_version
    client = login(user)
    assert client.get(url("question_create")).status_code == 403
    assert client.post(url("question_create"), wording(nb="Nytt?")).status_code == 403
    assert client.get(url("question_update", question.pk)).status_code == 403
    response = client.post(url("question_update", question.pk), wording(nb="Endret?"))
    assert response.status_code == 403
    assert client.post(url("question_retire", question.pk)).status_code == 403
    question.refresh_from_db()
    assert not question.is_retired and question.current_version == version
    assert not Question.objects.filter(organization=organization, default_key="").exists()


def test_questions_of_another_organisation_give_404(login, admin_user, other_organization):
    foreign = QuestionFactory(organization=other_organization, text="Deres?")
    client = login(admin_user)
    assert client.get(url("question_update", foreign.pk)).status_code == 404
    assert client.post(url("question_update", foreign.pk), wording(nb="Vårt?")).status_code == 404
    assert client.post(url("question_retire", foreign.pk)).status_code == 404
    foreign.is_retired = True
    foreign.save()
    assert client.post(url("question_restore", foreign.pk)).status_code == 404
    foreign.refresh_from_db()
    assert foreign.is_retired and foreign.versions.count() == 1
    html = client.get(url("question_list")).content.decode()
    assert "Deres?" not in html


def test_outsiders_get_404(login, outsider, organization):
    assert login(outsider).get(url("question_list")).status_code == 404
