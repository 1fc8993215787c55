"""Publishing: an empty report is refused, versions are numbered, and a published report never
changes, whatever happens to the measures afterwards."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from reports.models import PublishedReport, Report
from reports.publishing import empty_report_message, publish
from tests.factories import (
    GoalFactory,
    IndicatorFactory,
    MeasureFactory,
    MeasurementFactory,
    ProgramFactory,
    ReportCommentFactory,
    ReportFactory,
)

NOW = dt.datetime(2026, 5, 4, 9, 30, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def english(admin_user, coordinator, viewer):
    for user in (admin_user, coordinator, viewer):
        user.language = "en"
        user.save()


@pytest.fixture
def program(organization):
    return ProgramFactory(organization=organization, name="Trygg oppvekst")


@pytest.fixture
def measure(program):
    measure = MeasureFactory(program=program, name="Trygge friminutt", phase=2)
    indicator = IndicatorFactory(goal=GoalFactory(measure=measure), name="Trivsel i friminutt")
    MeasurementFactory(indicator=indicator, value=Decimal("55"), date=dt.date(2026, 3, 1))
    return measure


@pytest.fixture
def report(organization, program):
    return ReportFactory(organization=organization, title="Tertialrapport 1 2026", program=program)


def publish_url(report):
    return reverse("report_publish", args=[report.organization.slug, report.pk])


def page_url(published):
    return reverse("published_report", args=[published.organization.slug, published.pk])


def document(response):
    """The report document of a page (the page around it has a fresh CSRF token each time)."""
    html = response.content.decode()
    return html[html.index("<article") : html.rindex("</article>")]


# --- publishing ---------------------------------------------------------------------------------


def test_an_empty_report_is_refused_and_nothing_is_saved(organization, coordinator, program):
    report = ReportFactory(organization=organization, program=program)
    with pytest.raises(ValidationError) as refused:
        publish(report, coordinator)
    assert refused.value.messages == [empty_report_message()]
    assert not PublishedReport.objects.exists()


def test_the_publish_button_on_an_empty_report_says_why(
    login, coordinator, organization, program, english
):
    report = ReportFactory(organization=organization, program=program)
    response = login(coordinator).post(publish_url(report), follow=True)
    assert response.redirect_chain[-1][0] == report.get_absolute_url()
    with translation.override("en"):
        expected = empty_report_message()
    assert expected in [str(m) for m in response.context["messages"]]
    assert not PublishedReport.objects.exists()


def test_publishing_copies_the_report_and_freezes_its_content(
    login, coordinator, organization, report, measure, english
):
    ReportCommentFactory(report=report, measure=measure, text="Godt i gang.")
    response = login(coordinator).post(publish_url(report))
    published = PublishedReport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == page_url(published)
    assert published.version == 1
    assert (published.title, published.kind, published.program_id) == (
        report.title,
        report.kind,
        report.program_id,
    )
    assert (published.period_start, published.period_end) == (
        report.period_start,
        report.period_end,
    )
    assert published.written_standard == organization.written_standard
    assert published.published_by == coordinator
    assert published.published_at == NOW
    content = published.content
    assert content["published_at"] == NOW.isoformat()
    assert content["version"] == 1
    assert content["published_by"] == coordinator.full_name
    (frozen,) = content["measures"]
    assert (frozen["name"], frozen["comment"]) == ("Trygge friminutt", "Godt i gang.")


def test_versions_are_numbered_and_all_kept(coordinator, report, measure):
    first = publish(report, coordinator)
    second = publish(report, coordinator)
    other = publish(ReportFactory(organization=report.organization), coordinator)
    assert (first.version, second.version, other.version) == (1, 2, 1)
    assert list(report.versions.order_by("version").values_list("version", flat=True)) == [1, 2]


# --- immutability ------------------------------------------------------------------------------


def test_editing_measures_after_publishing_changes_no_published_report(
    login, viewer, coordinator, report, measure, english
):
    published = publish(report, coordinator)
    client = login(viewer)
    page_before = document(client.get(page_url(published)))
    stored_before = PublishedReport.objects.get(pk=published.pk).content

    measure.name = "Trygge og aktive friminutt"
    measure.phase = 3
    measure.status = "red"
    measure.status_explanation = "Mangler voksne ute."
    measure.save()
    measurement = measure.indicators.get().measurements.get()
    measurement.value = Decimal("75")
    measurement.save()
    report.title = "Nytt navn på rapporten"
    report.save()

    page_after = document(client.get(page_url(published)))
    assert page_after == page_before
    assert "Trygge friminutt" in page_after
    assert "Trygge og aktive friminutt" not in page_after
    assert PublishedReport.objects.get(pk=published.pk).content == stored_before

    second = publish(report, coordinator)
    (now,) = second.content["measures"]
    assert (now["name"], now["phase"], now["status"]) == ("Trygge og aktive friminutt", 3, "red")
    assert now["indicators"][0]["latest"]["value"] == "75"
    assert second.title == "Nytt navn på rapporten"
    assert "Trygge og aktive friminutt" in client.get(page_url(second)).content.decode()
    assert "Trygge friminutt" in client.get(page_url(published)).content.decode()
    assert PublishedReport.objects.filter(report=report).count() == 2


def test_a_published_report_refuses_every_change(coordinator, report, measure):
    published = publish(report, coordinator)
    published.title = "Endret"
    with pytest.raises(ValidationError):
        published.save()
    with pytest.raises(ValidationError):
        published.save(update_fields=["title"])
    with pytest.raises(ValidationError):
        PublishedReport.objects.filter(pk=published.pk).update(content={})
    with pytest.raises(ValidationError):
        published.delete()
    stored = PublishedReport.objects.get(pk=published.pk)
    assert stored.title == report.title
    assert stored.content["measures"][0]["name"] == "Trygge friminutt"


# --- the page -----------------------------------------------------------------------------------


def test_the_report_is_written_in_the_written_standard_around_the_readers_language(
    login, viewer, coordinator, organization, report, measure, english
):
    organization.written_standard = "nn"
    organization.save()
    published = publish(report, coordinator)
    assert published.written_standard == "nn"
    response = login(viewer).get(page_url(published))
    html = response.content.decode()
    assert '<html lang="en">' in html  # the page: the reader's language
    assert '<article class="report-document" lang="nn"' in html  # the document: nynorsk
    assert "Download PDF" in html
    assert "I Førebu" in html or "II Planlegge" in html or "Grønn: i rute" in html
    assert "1. januar 2026" in html  # dates in Norwegian, not "January"


def test_the_page_shows_links_for_planners_only(login, viewer, coordinator, report, measure):
    published = publish(report, coordinator)
    share = reverse("share_link_list", args=[report.organization.slug, published.pk])
    pdf = reverse("published_report_pdf", args=[report.organization.slug, published.pk])
    as_viewer = login(viewer).get(page_url(published)).content.decode()
    assert pdf in as_viewer
    assert share not in as_viewer
    as_planner = login(coordinator).get(page_url(published)).content.decode()
    assert share in as_planner


def test_the_report_page_runs_the_same_queries_for_5_and_50_measures(
    login, viewer, coordinator, organization, program
):
    def published_with(count):
        for _ in range(count):
            measure = MeasureFactory(program=program)
            indicator = IndicatorFactory(goal=GoalFactory(measure=measure))
            MeasurementFactory(indicator=indicator)
        report = ReportFactory(organization=organization, program=program)
        return publish(report, coordinator)

    client = login(viewer)
    few = published_with(5)
    client.get(page_url(few))
    with CaptureQueriesContext(connection) as queries:
        response = client.get(page_url(few))
    count = len(queries)
    assert len(response.context["published"].content["measures"]) == 5
    many = published_with(45)
    client.get(page_url(many))
    with CaptureQueriesContext(connection) as queries:
        response = client.get(page_url(many))
    assert len(response.context["published"].content["measures"]) == 50
    assert len(queries) == count


def test_the_list_shows_published_versions_to_everyone_and_compositions_to_planners(
    login, viewer, coordinator, organization, report, measure
):
    published = publish(report, coordinator)
    draft = ReportFactory(organization=organization, title="Årsrapport under arbeid")
    url = reverse("report_list", args=[organization.slug])
    as_viewer = login(viewer).get(url)
    assert list(as_viewer.context["versions"]) == [published]
    assert as_viewer.context["versions"][0].scope_name == "Trygg oppvekst"
    assert draft.title not in as_viewer.content.decode()
    assert publish_url(report) not in as_viewer.content.decode()
    as_planner = login(coordinator).get(url)
    assert set(as_planner.context["compositions"]) == {report, draft}
    html = as_planner.content.decode()
    assert draft.title in html
    assert publish_url(draft) in html


def test_the_list_runs_the_same_queries_for_few_and_many_reports(
    login, viewer, coordinator, organization, measure, django_assert_num_queries
):
    def add(count):
        for _ in range(count):
            report = ReportFactory(organization=organization)
            publish(report, coordinator)

    add(2)
    client = login(coordinator)
    url = reverse("report_list", args=[organization.slug])
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    count = len(queries)
    add(8)
    with django_assert_num_queries(count):
        response = client.get(url)
    assert len(response.context["compositions"]) == 10


def test_a_report_of_another_organisation_is_not_found(
    login, viewer, coordinator, other_organization
):
    MeasureFactory(program=ProgramFactory(organization=other_organization))
    theirs = publish(ReportFactory(organization=other_organization), coordinator)
    response = login(viewer).get(reverse("published_report", args=["testvik", theirs.pk]))
    assert response.status_code == 404
    assert Report.objects.count() == 1


def test_the_demo_data_can_publish_as_of_an_earlier_term(coordinator, report, measure):
    then = dt.datetime(2026, 1, 15, 8, 0, tzinfo=dt.UTC)
    published = publish(report, coordinator, today=then.date(), published_at=then)
    assert published.published_at == then
    assert published.content["published_at"] == then.isoformat()
