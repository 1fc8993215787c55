"""Composing a report: its scope, period and introduction, comments per measure, the preview,
and who may do any of it (viewers may not)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from reports.models import PublishedReport, Report, ReportComment
from tests.factories import (
    MeasureFactory,
    ProgramFactory,
    ReportCommentFactory,
    ReportFactory,
)


@pytest.fixture
def english(admin_user, coordinator, team_lead, member, viewer):
    for user in (admin_user, coordinator, team_lead, member, viewer):
        user.language = "en"
        user.save()


@pytest.fixture
def program(organization):
    return ProgramFactory(organization=organization, name="Trygg oppvekst")


@pytest.fixture
def report(organization, program):
    return ReportFactory(organization=organization, program=program)


def url(name, report=None, slug="testvik"):
    args = [slug] if report is None else [slug, report.pk]
    return reverse(name, args=args)


FORM = {
    "title": "Tertialrapport 1 2026",
    "kind": "four_months",
    "program": "",
    "period_start": "01.01.2026",
    "period_end": "30.04.2026",
    "introduction": "Status for tiltakene for barn og unge.",
}


# --- composing ---------------------------------------------------------------------------------


def test_a_coordinator_composes_a_report(login, coordinator, organization, program):
    response = login(coordinator).post(url("report_create"), {**FORM, "program": program.pk})
    report = Report.objects.get()
    assert response.status_code == 302
    assert response["Location"] == report.get_absolute_url()
    assert report.organization == organization
    assert report.program == program
    assert (report.period_start, report.period_end) == (dt.date(2026, 1, 1), dt.date(2026, 4, 30))
    assert report.created_by == coordinator
    assert report.introduction == FORM["introduction"]


def test_an_empty_programme_means_every_programme(login, admin_user):
    login(admin_user).post(url("report_create"), FORM)
    assert Report.objects.get().program is None


def test_a_period_ending_before_it_starts_is_refused(login, coordinator, english):
    response = login(coordinator).post(
        url("report_create"), {**FORM, "period_start": "01.05.2026", "period_end": "30.04.2026"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["period_end"] == [
        "The period must end on or after the day it starts."
    ]
    assert not Report.objects.exists()


def test_a_changed_period_ending_before_it_starts_changes_nothing(login, coordinator, report):
    response = login(coordinator).post(
        url("report_update", report), {**FORM, "period_start": "01.05.2026"}
    )
    assert response.status_code == 200
    assert "period_end" in response.context["form"].errors
    report.refresh_from_db()
    assert report.period_start == dt.date(2026, 1, 1)
    assert report.title != FORM["title"]


def test_dates_are_typed_the_norwegian_way(login, coordinator, report):
    html = login(coordinator).get(url("report_update", report)).content.decode()
    assert 'value="01.01.2026"' in html
    assert 'value="30.04.2026"' in html


def test_only_this_organisations_programmes_can_be_chosen(
    login, coordinator, program, other_organization
):
    theirs = ProgramFactory(organization=other_organization)
    archived = ProgramFactory(organization=program.organization, is_archived=True)
    client = login(coordinator)
    choices = client.get(url("report_create")).context["form"].fields["program"].queryset
    assert list(choices) == [program]
    assert archived not in choices
    response = client.post(url("report_create"), {**FORM, "program": theirs.pk})
    assert "program" in response.context["form"].errors
    assert not Report.objects.exists()


def test_the_detail_page_offers_preview_publish_edit_and_comments(login, coordinator, report):
    MeasureFactory(program=report.program)
    response = login(coordinator).get(url("report_detail", report))
    html = response.content.decode()
    for name in ("report_preview", "report_publish", "report_update", "report_comments"):
        assert url(name, report) in html
    assert response.context["measure_count"] == 1


# --- comments ----------------------------------------------------------------------------------


def test_comments_are_one_field_per_measure_in_scope(login, coordinator, report, program):
    first = MeasureFactory(program=program, name="Aktive friminutt")
    second = MeasureFactory(program=program, name="Leksehjelp")
    MeasureFactory(program=program, name="Arkivert", is_archived=True)
    MeasureFactory(program=ProgramFactory(organization=report.organization), name="Utenfor")
    ReportCommentFactory(report=report, measure=second, text="Tidligere kommentar")
    form = login(coordinator).get(url("report_comments", report)).context["form"]
    assert list(form.fields) == [f"measure_{first.pk}", f"measure_{second.pk}"]
    assert form.fields[f"measure_{second.pk}"].initial == "Tidligere kommentar"
    assert [group.program for group in form.groups()] == ["Trygg oppvekst"]


def test_comments_are_saved_changed_and_removed_together(login, coordinator, report, program):
    added = MeasureFactory(program=program)
    changed = MeasureFactory(program=program)
    removed = MeasureFactory(program=program)
    ReportCommentFactory(report=report, measure=changed, text="Gammel")
    ReportCommentFactory(report=report, measure=removed, text="Skal bort")
    response = login(coordinator).post(
        url("report_comments", report),
        {
            f"measure_{added.pk}": "  Ny kommentar ",
            f"measure_{changed.pk}": "Oppdatert",
            f"measure_{removed.pk}": "",
        },
    )
    assert response.status_code == 302
    assert dict(ReportComment.objects.values_list("measure_id", "text")) == {
        added.pk: "Ny kommentar",
        changed.pk: "Oppdatert",
    }


def test_a_too_long_comment_saves_nothing(login, coordinator, report, program):
    first = MeasureFactory(program=program)
    second = MeasureFactory(program=program)
    response = login(coordinator).post(
        url("report_comments", report),
        {f"measure_{first.pk}": "Kort", f"measure_{second.pk}": "x" * 2001},
    )
    assert response.status_code == 200
    assert f"measure_{second.pk}" in response.context["form"].errors
    assert not ReportComment.objects.exists()


# --- preview -----------------------------------------------------------------------------------


def test_the_preview_shows_the_report_as_it_would_be_published(
    login, coordinator, report, program, english
):
    measure = MeasureFactory(program=program, name="Trygge friminutt")
    ReportCommentFactory(report=report, measure=measure, text="Godt i gang.")
    response = login(coordinator).get(url("report_preview", report))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Preview – not published" in html
    assert "Trygge friminutt" in html
    assert "Godt i gang." in html
    assert report.introduction in html
    assert '<article class="report-document"' in html
    assert not PublishedReport.objects.exists()


# --- who may ----------------------------------------------------------------------------------


EDITING = ["report_create", "report_update", "report_comments", "report_preview", "report_detail"]


@pytest.mark.parametrize("role", ["viewer", "member", "team_lead"])
def test_only_planners_reach_the_editing_urls(role, request, login, report, program):
    MeasureFactory(program=program)
    client = login(request.getfixturevalue(role))
    for name in EDITING:
        target = url(name) if name == "report_create" else url(name, report)
        assert client.get(target).status_code == 403, name
        assert client.post(target, FORM).status_code == 403, name
    assert client.post(url("report_publish", report)).status_code == 403
    assert not PublishedReport.objects.exists()
    assert Report.objects.count() == 1
    assert client.get(url("report_list")).status_code == 200


def test_outsiders_get_404_for_every_report_url(login, outsider, report):
    client = login(outsider)
    for name in [*EDITING, "report_publish"]:
        target = url(name) if name == "report_create" else url(name, report)
        assert client.get(target).status_code == 404, name


def test_a_report_of_another_organisation_is_not_found(login, coordinator, other_organization):
    theirs = ReportFactory(organization=other_organization)
    client = login(coordinator)
    for name in ["report_detail", "report_update", "report_comments", "report_preview"]:
        assert client.get(url(name, theirs)).status_code == 404, name
    assert client.post(url("report_publish", theirs)).status_code == 404
