"""Assessing all of a phase's success factors on one page: saved together or not at all,
errors next to each factor and in the summary, history per changed factor, a fixed number of
queries however many factors."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from measures.models import Phase
from phases.models import FactorAssessment
from phases.services import factors_for
from phases.views import assess_phase
from tests.factories import (
    FactorAssessmentFactory,
    MeasureFactory,
    ProgramFactory,
    SuccessFactorFactory,
)


@pytest.fixture
def measure(organization, team_lead):
    return MeasureFactory(program=ProgramFactory(organization=organization), team_lead=team_lead)


def page_url(measure, phase=Phase.PREPARE):
    return reverse("phase_assess", args=[measure.organization.slug, measure.pk, phase])


def field(factor, name):
    return f"factor-{factor.pk}-{name}"


def unchanged(factors, assessments=None):
    """The POST of the page as shown: every factor as it stands."""
    assessments = assessments or {}
    data = {}
    for factor in factors:
        saved = assessments.get(factor.pk)
        data[field(factor, "state")] = saved.state if saved else "not_started"
        data[field(factor, "evidence")] = saved.evidence if saved else ""
        data[field(factor, "evidence_url")] = saved.evidence_url if saved else ""
    return data


def factor_part(html, factor):
    """The page's part for one factor: from its fieldset to the next factor's or the end."""
    part = html.split(f'id="assess-factor-{factor.pk}"')[1]
    return part.split('id="assess-factor-')[0].split("</form>")[0]


def english(user):
    user.language = "en"
    user.save(update_fields=["language"])


def test_the_page_shows_every_active_factor_of_the_phase_with_its_fields(login, team_lead, measure):
    english(team_lead)
    factors = factors_for(measure.organization, Phase.PREPARE)
    retired = SuccessFactorFactory(
        organization=measure.organization, phase=Phase.PREPARE, is_retired=True, text="Borte"
    )
    response = login(team_lead).get(page_url(measure))
    assert response.status_code == 200
    html = response.content.decode()
    for factor in factors:
        assert f'id="assess-factor-{factor.pk}"' in html
        assert f'name="{field(factor, "state")}"' in html
        assert f'name="{field(factor, "evidence_file")}"' in html
    assert f"factor-{retired.pk}-" not in html
    assert 'enctype="multipart/form-data"' in html


def test_changed_factors_are_saved_together_each_with_its_history(login, team_lead, measure):
    factors = factors_for(measure.organization, Phase.PREPARE)
    first, second, third = factors[:3]
    kept = FactorAssessmentFactory(
        measure=measure, factor=third, state="in_progress", evidence="Som før"
    )
    history_before = kept.history.count()
    data = unchanged(factors, {third.pk: kept})
    data[field(first, "state")] = "met"
    data[field(first, "evidence")] = "Vedtak i kommunestyret 12. mai."
    data[field(second, "state")] = "in_progress"
    response = login(team_lead).post(page_url(measure), data)
    assert response.status_code == 302
    assert response["Location"].endswith("/phase/#gate-factors")
    saved = {a.factor_id: a for a in FactorAssessment.objects.all()}
    assert set(saved) == {first.pk, second.pk, third.pk}
    assert saved[first.pk].state == "met"
    assert saved[first.pk].assessed_by == team_lead
    assert saved[first.pk].version == first.current_version
    assert saved[second.pk].state == "in_progress"
    # The unchanged factor is not saved again: no new history row, who and when kept.
    assert saved[third.pk].history.count() == history_before
    assert saved[third.pk].assessed_at == kept.assessed_at
    # One history row per changed factor, with the person who saved it (the audit trail's).
    for factor in (first, second):
        rows = list(saved[factor.pk].history.all())
        assert len(rows) == 1
        assert rows[0].history_user == team_lead


def test_one_invalid_factor_saves_nothing_and_shows_its_error_next_to_it_and_at_the_top(
    login, team_lead, measure
):
    english(team_lead)
    factors = factors_for(measure.organization, Phase.PREPARE)
    first, second = factors[:2]
    data = unchanged(factors)
    data[field(first, "state")] = "in_progress"
    data[field(first, "evidence")] = "Ledergruppen drøfter saken."
    data[field(second, "state")] = "met"  # met without evidence: refused
    response = login(team_lead).post(page_url(measure), data)
    assert response.status_code == 200
    assert not FactorAssessment.objects.exists()
    assert not FactorAssessment.history.exists()
    html = response.content.decode()
    assert 'id="error-summary"' in html
    # The summary links to the field of the factor in error.
    assert f'href="#id_{field(second, "evidence")}"' in html
    # The error sits inside the factor's own fieldset, not in the other's.
    assert "Say what shows that the factor is met" in factor_part(html, second)
    assert "Say what shows that the factor is met" not in factor_part(html, first)
    # What was typed is kept.
    assert "Ledergruppen drøfter saken." in html


def test_nothing_changed_saves_nothing(login, team_lead, measure):
    factors = factors_for(measure.organization, Phase.PREPARE)
    response = login(team_lead).post(page_url(measure), unchanged(factors))
    assert response.status_code == 302
    assert not FactorAssessment.objects.exists()


def test_the_single_factor_page_still_works_and_the_gate_links_to_the_phase_page(
    login, team_lead, measure
):
    client = login(team_lead)
    factor = factors_for(measure.organization, Phase.PREPARE)[0]
    single = reverse("factor_assess", args=[measure.organization.slug, measure.pk, factor.pk])
    assert client.get(single).status_code == 200
    gate = client.get(reverse("phase_gate", args=[measure.organization.slug, measure.pk]))
    assert page_url(measure) in gate.content.decode()
    detail = client.get(measure.get_absolute_url())
    assert page_url(measure) in detail.content.decode()


def test_members_and_viewers_see_no_link_and_may_not_assess(login, member, viewer, measure):
    for person in (member, viewer):
        client = login(person)
        gate = client.get(reverse("phase_gate", args=[measure.organization.slug, measure.pk]))
        assert page_url(measure) not in gate.content.decode()
        assert client.get(page_url(measure)).status_code == 403
        assert client.post(page_url(measure), {}).status_code == 403
    assert not FactorAssessment.objects.exists()


def test_outsiders_and_unknown_phases_get_404(login, outsider, team_lead, measure):
    assert login(outsider).get(page_url(measure)).status_code == 404
    client = login(team_lead)
    assert client.get(page_url(measure, phase=9)).status_code == 404


def test_the_page_runs_the_same_queries_for_5_and_23_factors(login, team_lead, measure):
    organization = measure.organization
    client = login(team_lead)
    defaults = factors_for(organization, Phase.PREPARE)
    # Exactly 5 active factors to start with, some of them assessed.
    for extra in defaults[5:]:
        extra.is_retired = True
        extra.save(update_fields=["is_retired"])
    for added in range(5 - min(len(defaults), 5)):
        SuccessFactorFactory(organization=organization, phase=Phase.PREPARE, text=f"Egen {added}")
    for factor in factors_for(organization, Phase.PREPARE)[:2]:
        FactorAssessmentFactory(measure=measure, factor=factor, evidence="Referat")

    def count():
        client.get(page_url(measure))
        with CaptureQueriesContext(connection) as queries:
            response = client.get(page_url(measure))
        assert response.status_code == 200
        return len(queries), response.content.decode().count('class="phase-assess-factor ')

    few, shown = count()
    assert shown == 5
    for n in range(18):
        factor = SuccessFactorFactory(
            organization=organization, phase=Phase.PREPARE, text=f"Ekstra {n}"
        )
        if n % 2:
            FactorAssessmentFactory(measure=measure, factor=factor, evidence="Referat")
    many, shown = count()
    assert shown == 23
    print("\nphase assessment page queries:", few)
    assert many == few


PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


def test_evidence_files_are_saved_per_factor_and_kept_when_unchanged(login, team_lead, measure):
    factors = factors_for(measure.organization, Phase.PREPARE)
    first = factors[0]
    data = unchanged(factors)
    data[field(first, "state")] = "met"
    data[field(first, "evidence_file")] = SimpleUploadedFile("Referat.pdf", PDF)
    client = login(team_lead)
    assert client.post(page_url(measure), data).status_code == 302
    assessment = FactorAssessment.objects.get()
    stored = assessment.evidence_file.name
    assert stored.startswith("evidence/")
    # The page links the stored file to the download view; posting the page again as it is
    # keeps the file and saves nothing.
    html = client.get(page_url(measure)).content.decode()
    assert (
        reverse("factor_evidence", args=[measure.organization.slug, measure.pk, first.pk]) in html
    )
    data = unchanged(factors, {first.pk: assessment})
    assert client.post(page_url(measure), data).status_code == 302
    assessment.refresh_from_db()
    assert assessment.evidence_file.name == stored
    assert assessment.history.count() == 1


def test_a_factor_assessed_by_someone_else_meanwhile_saves_nothing_and_leaves_no_file(
    login, team_lead, measure, monkeypatch
):
    factors = factors_for(measure.organization, Phase.PREPARE)
    first, second = factors[:2]
    real = assess_phase.factor_assessment_save
    saved = []

    def second_one_collides(**kwargs):
        if saved:
            raise IntegrityError("one_assessment_per_measure_and_factor")
        saved.append(real(**kwargs))
        return saved[-1]

    monkeypatch.setattr(assess_phase, "factor_assessment_save", second_one_collides)
    data = unchanged(factors)
    data[field(first, "state")] = "met"
    data[field(first, "evidence_file")] = SimpleUploadedFile("Referat.pdf", PDF)
    data[field(second, "state")] = "in_progress"
    response = login(team_lead).post(page_url(measure), data)
    assert response.status_code == 302
    assert not FactorAssessment.objects.exists()
    [first_saved] = saved
    assert not first_saved.evidence_file.storage.exists(first_saved.evidence_file.name)
