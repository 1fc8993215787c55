"""Success factors: the shipped defaults, the organisation's own set (add, reword as a new
version, retire, restore), and a measure's assessments with their evidence."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from measures.models import Phase
from organizations.models import Role
from phases import services
from phases.defaults import DEFAULT_FACTORS
from phases.models import FactorAssessment, SuccessFactor, SuccessFactorVersion
from phases.services import ensure_default_factors, factor_reword, factors_for, gate_for
from tests.factories import (
    FactorAssessmentFactory,
    MeasureFactory,
    MembershipFactory,
    OrganizationFactory,
    ProgramFactory,
    SuccessFactorFactory,
    UserFactory,
)
from tests.second_factor import pass_second_factor

PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


@pytest.fixture
def measure(organization, team_lead):
    return MeasureFactory(program=ProgramFactory(organization=organization), team_lead=team_lead)


@pytest.fixture
def english():
    def _english(*users):
        for user in users:
            user.language = "en"
            user.save(update_fields=["language"])
        return users[0]

    return _english


def assess_url(measure, factor, name="factor_assess"):
    return reverse(name, args=[measure.organization.slug, measure.pk, factor.pk])


def org_url(name, *args, slug="testvik"):
    return reverse(name, args=[slug, *args])


# --- the shipped defaults ---------------------------------------------------------------------


def test_the_defaults_give_every_phase_four_to_six_factors_in_three_languages():
    keys = [default["key"] for default in DEFAULT_FACTORS]
    assert len(keys) == len(set(keys))
    assert {
        "1.key_people",
        "2.shared_direction",
        "3.implementation_team",
        "4.ordinary_practice",
    } <= set(keys)
    for phase in Phase.values:
        in_phase = [d for d in DEFAULT_FACTORS if d["phase"] == phase]
        assert 4 <= len(in_phase) <= 6, phase
        required = [d for d in in_phase if d.get("required", True)]
        assert len(required) > len(in_phase) / 2, "most factors are required"
        for default in in_phase:
            assert default["key"].startswith(f"{phase}.")
            for language in ("nb", "nn", "en"):
                text = default[language]
                assert text.strip() and len(text) <= 400, (default["key"], language)
                assert text.endswith("."), (default["key"], language)
            assert default["nb"] != default["nn"] or default["key"] == "4.follow_up_built_in"


def test_the_defaults_are_copied_once_in_order_with_their_required_flag(organization):
    ensure_default_factors(organization)
    ensure_default_factors(organization)
    factors = list(SuccessFactor.objects.filter(organization=organization))
    assert len(factors) == len(DEFAULT_FACTORS)
    assert [f.default_key for f in factors] == [d["key"] for d in DEFAULT_FACTORS]
    by_key = {f.default_key: f for f in factors}
    for default in DEFAULT_FACTORS:
        factor = by_key[default["key"]]
        assert factor.required == default.get("required", True)
        assert factor.current_version.number == 1
        assert factor.current_version.text("nn") == default["nn"]
        assert factor.current_version.text("en") == default["en"]


def test_a_default_added_later_reaches_organisations_that_have_the_others(
    organization, monkeypatch
):
    ensure_default_factors(organization)
    retired = SuccessFactor.objects.get(organization=organization, default_key="1.key_people")
    retired.is_retired = True
    retired.save()
    extra = {"key": "2.new_one", "phase": 2, "nb": "Ny.", "nn": "Ny.", "en": "New."}
    monkeypatch.setattr(services, "DEFAULT_FACTORS", [*DEFAULT_FACTORS, extra])

    phase_two = factors_for(organization, Phase.PLAN)

    assert phase_two[-1].default_key == "2.new_one"
    assert SuccessFactor.objects.filter(organization=organization).count() == (
        len(DEFAULT_FACTORS) + 1
    )
    retired.refresh_from_db()
    assert retired.is_retired, "a retired default stays retired"
    assert retired not in factors_for(organization, Phase.PREPARE)


def test_each_organisation_gets_its_own_copy(organization, other_organization):
    ensure_default_factors(organization)
    ensure_default_factors(other_organization)
    ours = factors_for(organization, Phase.PREPARE)[0]
    factor_reword(factor=ours, texts={"nb": "Vår egen ordlyd"}, required=True, user=UserFactory())
    theirs = factors_for(other_organization, Phase.PREPARE)[0]
    assert theirs.default_key == ours.default_key
    assert theirs.current_version.text_nb != "Vår egen ordlyd"


# --- the organisation's own factors -----------------------------------------------------------


def test_an_admin_adds_a_factor_after_the_phase_s_others(login, admin_user, organization):
    response = login(admin_user).post(
        org_url("factor_create"),
        {
            "phase": 3,
            "text_nb": "Foreldrene er informert om endringene.",
            "text_en": "Parents are told about the changes.",
            "required": "on",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == f"{org_url('factor_list')}#phase-3"
    factor = SuccessFactor.objects.get(default_key="", organization=organization)
    assert factor.phase == 3 and factor.required
    assert factor.current_version.number == 1
    assert factor.current_version.created_by == admin_user
    assert factor.current_version.text_nn == ""
    assert factor.current_version.text("nn") == "Foreldrene er informert om endringene."
    assert factors_for(organization, 3)[-1] == factor


def test_a_factor_needs_the_organisation_s_written_standard(login, admin_user, english):
    english(admin_user)
    response = login(admin_user).post(
        org_url("factor_create"), {"phase": 1, "text_en": "Only English."}
    )
    assert response.status_code == 200
    assert "Fill in this field." in response.content.decode()
    assert not SuccessFactor.objects.filter(default_key="").exists()


def test_a_nynorsk_organisation_writes_its_factors_in_nynorsk(db, client, password):
    herad = OrganizationFactory(slug="herad", written_standard="nn")
    admin = MembershipFactory(organization=herad, role=Role.ADMIN).user
    client.force_login(admin)
    pass_second_factor(client, admin)
    url = reverse("factor_create", args=["herad"])
    assert client.post(url, {"phase": 1, "text_nb": "Bokmål."}).status_code == 200
    assert client.post(url, {"phase": 1, "text_nn": "Nynorsk."}).status_code == 302
    assert factors_for(herad, 1)[0].current_version.text_nn == (
        next(d["nn"] for d in DEFAULT_FACTORS if d["phase"] == 1)
    )


def test_rewording_makes_a_new_version_and_old_assessments_keep_theirs(
    login, admin_user, team_lead, measure, english
):
    english(team_lead)
    factor = factors_for(measure.organization, Phase.PREPARE)[0]
    first = factor.current_version
    assessment = FactorAssessmentFactory(measure=measure, factor=factor, evidence="Referat")

    response = login(admin_user).post(
        org_url("factor_update", factor.pk),
        {
            "text_nb": "Nøkkelpersonene er navngitt og har satt av tid.",
            "text_nn": first.text_nn,
            "text_en": "The key people are named and have set time aside.",
            "required": "on",
        },
    )
    assert response.status_code == 302
    factor.refresh_from_db()
    second = factor.current_version
    assert second != first and second.number == 2 and second.created_by == admin_user
    assert second.text_nn == first.text_nn
    assessment.refresh_from_db()
    assert assessment.version == first
    assert SuccessFactorVersion.objects.filter(factor=factor).count() == 2

    # The team lead sees which wording the last assessment was made against ...
    client = login(team_lead)
    html = client.get(assess_url(measure, factor)).content.decode()
    assert "The last assessment was made against an earlier wording:" in html
    assert first.text_en in html and second.text_en in html
    # ... and assessing again records the current wording.
    client.post(assess_url(measure, factor), {"state": "met", "evidence": "Nytt referat"})
    assessment.refresh_from_db()
    assert assessment.version == second
    html = client.get(assess_url(measure, factor)).content.decode()
    assert "earlier wording" not in html


def test_saving_the_same_wording_makes_no_version_but_keeps_the_required_flag(
    login, admin_user, organization
):
    factor = factors_for(organization, Phase.PLAN)[0]
    version = factor.current_version
    login(admin_user).post(
        org_url("factor_update", factor.pk),
        {"text_nb": version.text_nb, "text_nn": version.text_nn, "text_en": version.text_en},
    )
    factor.refresh_from_db()
    assert factor.current_version == version
    assert not factor.required
    assert factor.versions.count() == 1


def test_the_edit_page_shows_the_earlier_wordings(login, admin_user, organization):
    factor = factors_for(organization, Phase.PLAN)[0]
    first = factor.current_version.text_nb
    factor_reword(factor=factor, texts={"nb": "Andre utgave"}, required=True, user=admin_user)
    html = login(admin_user).get(org_url("factor_update", factor.pk)).content.decode()
    assert "Andre utgave" in html  # in the form
    assert first in html  # under the earlier wordings


def test_the_phase_of_a_factor_never_changes(login, admin_user, organization):
    factor = factors_for(organization, Phase.PLAN)[0]
    login(admin_user).post(
        org_url("factor_update", factor.pk), {"phase": 4, "text_nb": "Flyttet?", "required": "on"}
    )
    factor.refresh_from_db()
    assert factor.phase == Phase.PLAN


def test_a_retired_factor_leaves_the_gates_and_comes_back_when_restored(
    login, admin_user, organization, measure, english
):
    english(admin_user)
    factor = factors_for(organization, Phase.PREPARE)[0]
    client = login(admin_user)
    assert client.post(org_url("factor_retire", factor.pk)).status_code == 302
    assert factor not in factors_for(organization, Phase.PREPARE)
    assert factor.pk not in [item.factor.pk for item in gate_for(measure, 2).factors]
    html = client.get(org_url("factor_list")).content.decode()
    assert "1 retired factor" in html and f'<li id="factor-{factor.pk}">' in html
    assert client.post(org_url("factor_restore", factor.pk)).status_code == 302
    assert factor in factors_for(organization, Phase.PREPARE)


def test_factors_of_another_organisation_give_404(login, admin_user, other_organization):
    foreign = SuccessFactorFactory(organization=other_organization)
    client = login(admin_user)
    assert client.get(org_url("factor_update", foreign.pk)).status_code == 404
    assert client.post(org_url("factor_retire", foreign.pk)).status_code == 404
    foreign.refresh_from_db()
    assert not foreign.is_retired


def test_the_factor_list_runs_the_same_queries_for_5_and_50_factors(
    login, admin_user, organization
):
    client = login(admin_user)

    added = []

    def add(count):
        for n in range(len(added), len(added) + count):
            added.append(n)
            SuccessFactorFactory(organization=organization, phase=n % 4 + 1, text=f"Egen {n}")
            SuccessFactorFactory(organization=organization, phase=n % 4 + 1, is_retired=True)

    def count_queries():
        client.get(org_url("factor_list"))
        with CaptureQueriesContext(connection) as queries:
            response = client.get(org_url("factor_list"))
        assert response.status_code == 200
        return len(queries), response.content.decode()

    add(5)
    few, html = count_queries()
    assert "Egen 4" in html
    add(45)
    many, html = count_queries()
    assert "Egen 49" in html
    assert many == few
    print("\nfactor list queries:", few)
    # Session, user, membership, default keys, factors, the menu's memberships and the
    # notification bell's unread count.
    assert few <= 7


# --- assessing a factor -----------------------------------------------------------------------


def test_the_team_lead_assesses_a_factor_and_who_when_and_which_wording_are_kept(
    login, team_lead, measure
):
    factor = factors_for(measure.organization, Phase.PREPARE)[0]
    response = login(team_lead).post(
        assess_url(measure, factor),
        {
            "state": "in_progress",
            "evidence": "Ledergruppen drøfter saken 12. mai.",
            "evidence_url": "sak.kommune.no/2026/14",
        },
    )
    assert response.status_code == 302
    assert response["Location"].endswith(f"/phase/#factor-{factor.pk}")
    assessment = FactorAssessment.objects.get()
    assert assessment.state == "in_progress"
    assert assessment.evidence_url == "https://sak.kommune.no/2026/14"
    assert assessment.assessed_by == team_lead
    assert assessment.assessed_at is not None
    assert assessment.version == factor.current_version


def test_met_needs_some_evidence(login, team_lead, measure, english):
    english(team_lead)
    factor = factors_for(measure.organization, Phase.PREPARE)[0]
    response = login(team_lead).post(assess_url(measure, factor), {"state": "met"})
    assert response.status_code == 200
    assert "Say what shows that the factor is met" in response.content.decode()
    assert not FactorAssessment.objects.exists()


def test_an_evidence_file_is_checked_stored_and_downloaded_by_members(
    login, team_lead, member, outsider, client, measure, organization
):
    factor = factors_for(measure.organization, Phase.PREPARE)[0]
    login(team_lead).post(
        assess_url(measure, factor),
        {"state": "met", "evidence_file": SimpleUploadedFile("Referat mai.pdf", PDF)},
    )
    assessment = FactorAssessment.objects.get()
    assert assessment.evidence_file.name.startswith(f"evidence/{organization.pk}/")

    # The form links the stored file to the download view, never to a storage URL.
    html = login(team_lead).get(assess_url(measure, factor)).content.decode()
    assert assess_url(measure, factor, "factor_evidence") in html
    assert "/media/" not in html

    response = login(member).get(assess_url(measure, factor, "factor_evidence"))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Cache-Control"] == "private, no-store"
    assert login(outsider).get(assess_url(measure, factor, "factor_evidence")).status_code == 404


def test_keeping_the_file_while_changing_the_text_keeps_the_file(login, team_lead, measure):
    factor = factors_for(measure.organization, Phase.PREPARE)[0]
    assessment = FactorAssessmentFactory(measure=measure, factor=factor, evidence="")
    assessment.evidence_file.save("referat.pdf", ContentFile(PDF))
    name = assessment.evidence_file.name
    login(team_lead).post(assess_url(measure, factor), {"state": "met", "evidence": "Mer"})
    assessment.refresh_from_db()
    assert assessment.evidence_file.name == name and assessment.evidence == "Mer"


def test_a_replaced_evidence_file_is_kept_for_the_history(
    login, team_lead, measure, django_capture_on_commit_callbacks
):
    factor = factors_for(measure.organization, Phase.PREPARE)[0]
    assessment = FactorAssessmentFactory(measure=measure, factor=factor, evidence="")
    assessment.evidence_file.save("referat.pdf", ContentFile(PDF))
    old = assessment.evidence_file.name
    with django_capture_on_commit_callbacks(execute=True):
        login(team_lead).post(
            assess_url(measure, factor),
            {"state": "met", "evidence_file": SimpleUploadedFile("nytt referat.pdf", PDF)},
        )
    assessment.refresh_from_db()
    assert assessment.evidence_file.name != old
    assert assessment.evidence_file.storage.exists(old)
    assert assessment.history.filter(evidence_file=old).exists()


def test_a_forbidden_file_is_refused_and_nothing_is_saved(login, team_lead, measure, english):
    english(team_lead)
    factor = factors_for(measure.organization, Phase.PREPARE)[0]
    response = login(team_lead).post(
        assess_url(measure, factor),
        {"state": "met", "evidence_file": SimpleUploadedFile("virus.exe", b"MZ\x90\x00")},
    )
    assert response.status_code == 200
    assert "Files of this type (.exe) cannot be uploaded" in response.content.decode()
    assert not FactorAssessment.objects.exists()


def test_no_file_or_a_lost_one_gives_404(login, member, measure):
    factor = factors_for(measure.organization, Phase.PREPARE)[0]
    client = login(member)
    assert client.get(assess_url(measure, factor, "factor_evidence")).status_code == 404
    FactorAssessmentFactory(measure=measure, factor=factor)
    assert client.get(assess_url(measure, factor, "factor_evidence")).status_code == 404


def test_retired_factors_and_factors_of_other_organisations_cannot_be_assessed(
    login, team_lead, measure, other_organization
):
    retired = SuccessFactorFactory(organization=measure.organization, is_retired=True)
    foreign = SuccessFactorFactory(organization=other_organization)
    client = login(team_lead)
    for factor in (retired, foreign):
        assert client.get(assess_url(measure, factor)).status_code == 404
        response = client.post(assess_url(measure, factor), {"state": "met", "evidence": "x"})
        assert response.status_code == 404
    assert not FactorAssessment.objects.exists()


def test_a_team_lead_of_another_measure_may_not_assess(login, team_lead, organization):
    other = MeasureFactory(program=ProgramFactory(organization=organization))
    factor = factors_for(organization, Phase.PREPARE)[0]
    response = login(team_lead).post(assess_url(other, factor), {"state": "met", "evidence": "x"})
    assert response.status_code == 403
    assert not FactorAssessment.objects.exists()


def test_the_evidence_of_another_measure_is_not_reachable(login, member, measure, organization):
    factor = factors_for(organization, Phase.PREPARE)[0]
    sibling = MeasureFactory(program=measure.program)
    assessment = FactorAssessmentFactory(measure=sibling, factor=factor)
    assessment.evidence_file.save("hemmelig.pdf", ContentFile(PDF))
    client = login(member)
    assert client.get(assess_url(measure, factor, "factor_evidence")).status_code == 404
    assert client.get(assess_url(sibling, factor, "factor_evidence")).status_code == 200


def test_a_refused_assessment_shows_the_saved_state_not_the_refused_one(
    login, team_lead, measure, english
):
    english(team_lead)
    factor = factors_for(measure.organization, Phase.PREPARE)[0]
    FactorAssessmentFactory(measure=measure, factor=factor, state="in_progress")
    response = login(team_lead).post(assess_url(measure, factor), {"state": "met"})
    html = response.content.decode()
    last = html[html.index('id="last-assessment"') :]
    assert "In progress" in last[:400] and "Met" not in last[:400]
    assert FactorAssessment.objects.get().state == "in_progress"
