"""The PDF of a published report: rendered by a worker from the frozen content (queued when
published, or by the first download, once), tagged for screen readers, stored, and the same
bytes ever after. A request never renders: before the file is stored it answers a "being
prepared" page."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse
from kombu.exceptions import OperationalError
from pypdf import PdfReader

from config.celery import app
from reports import pdfjobs
from reports.models import PublishedReport
from reports.pdf import render_html
from reports.publishing import publish
from tests.factories import (
    GoalFactory,
    IndicatorFactory,
    MeasureFactory,
    MeasurementFactory,
    ProgramFactory,
    ReportFactory,
)
from tests.reports.helpers import body_of
from yearwheel import pdf


@pytest.fixture
def queued(monkeypatch):
    """The render messages sent to the broker: (published id, countdown)."""
    sent = []

    def apply_async(args, countdown=None, **options):
        sent.append((args[0], countdown))

    monkeypatch.setattr("reports.tasks.render_report_pdf.apply_async", apply_async)
    return sent


@pytest.fixture
def no_render_here(monkeypatch):
    """Fails the test if anything renders a PDF (in a request, say)."""

    def render(*args, **kwargs):
        raise AssertionError("a PDF was rendered")

    monkeypatch.setattr("reports.pdf.html_to_pdf", render)


@pytest.fixture
def published(organization, coordinator, queued):
    program = ProgramFactory(organization=organization, name="Trygg oppvekst")
    first = MeasureFactory(program=program, name="Trygge friminutt", phase=3)
    IndicatorFactory(goal=GoalFactory(measure=first), name="Trivsel")
    MeasurementFactory(indicator=first.indicators.get())
    MeasureFactory(program=program, name="Leksehjelp på biblioteket", phase=1)
    report = ReportFactory(organization=organization, title="Tertialrapport 1 2026")
    return publish(report, coordinator)


def pdf_url(published):
    return reverse("published_report_pdf", args=[published.organization.slug, published.pk])


def retry_url(published):
    return reverse("published_report_pdf_retry", args=[published.organization.slug, published.pk])


def text_of(body: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)


def state_of(published):
    return PublishedReport.objects.values_list("pdf_state", "pdf_attempts", "pdf_error").get(
        pk=published.pk
    )


# --- queued when published ------------------------------------------------------------------


def test_publishing_queues_exactly_one_render_on_commit(
    organization, coordinator, queued, django_capture_on_commit_callbacks
):
    MeasureFactory(program=ProgramFactory(organization=organization))
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        published = publish(ReportFactory(organization=organization), coordinator)
        assert queued == []  # nothing is sent before the version is committed
    assert len(callbacks) == 1
    assert queued == [(published.pk, None)]
    assert state_of(published) == ("queued", 0, "")


def test_the_render_goes_to_the_heavy_queue():
    route = app.amqp.router.route({}, "reports.tasks.render_report_pdf")
    assert route["queue"].name == settings.HEAVY_QUEUE == "heavy"
    assert app.amqp.router.route({}, "notifications.tasks.dispatch_reminders")["queue"].name == (
        "celery"
    )


def test_with_the_broker_down_publishing_succeeds_and_the_pdf_stays_queued(
    organization, coordinator, monkeypatch, django_capture_on_commit_callbacks
):
    def down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to redis")

    monkeypatch.setattr("reports.tasks.render_report_pdf.apply_async", down)
    MeasureFactory(program=ProgramFactory(organization=organization))
    with django_capture_on_commit_callbacks(execute=True):
        published = publish(ReportFactory(organization=organization), coordinator)
    assert state_of(published) == ("queued", 0, "")


# --- the member's download ------------------------------------------------------------------


def test_before_the_worker_has_made_it_the_download_says_it_is_being_prepared(
    login, viewer, published, queued, no_render_here, django_capture_on_commit_callbacks
):
    viewer.language = "en"
    viewer.save()
    with django_capture_on_commit_callbacks(execute=True):
        response = login(viewer).get(pdf_url(published))
    assert response.status_code == 202
    assert response["Cache-Control"] == "private, no-store"
    page = response.content.decode()
    assert "The PDF is being prepared" in page
    assert "js/progress.js" in page
    assert f'data-progress-url="{pdf_url(published)}?progress"' in page
    assert f'href="{pdf_url(published)}">Check again</a>' in page
    assert "reload this page" in page
    assert queued == []  # queued when published; the download does not queue it twice


def test_the_being_prepared_page_is_in_the_readers_language(login, viewer, published):
    viewer.language = "nn"
    viewer.save()
    page = login(viewer).get(pdf_url(published)).content.decode()
    assert '<html lang="nn"' in page


def test_the_pages_script_asks_for_the_state(login, viewer, published):
    client = login(viewer)
    answer = client.get(pdf_url(published), {"progress": ""})
    assert answer.status_code == 200
    assert json.loads(answer.content) == {"state": "queued"}
    pdfjobs.render_and_store(published.pk)
    assert json.loads(client.get(pdf_url(published), {"progress": ""}).content) == {
        "state": "ready"
    }


def test_every_member_downloads_the_rendered_pdf_with_the_measures_names(login, viewer, published):
    assert pdfjobs.render_and_store(published.pk) == "stored"
    response = login(viewer).get(pdf_url(published))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="tertialrapport-1-2026-v1.pdf"'
    body = body_of(response)
    assert body.startswith(b"%PDF")
    text = text_of(body)
    assert "Trygge friminutt" in text
    assert "Leksehjelp på biblioteket" in text
    assert "Tertialrapport 1 2026" in text


def test_the_stored_pdf_is_served_with_the_same_bytes_every_time(
    login, viewer, published, monkeypatch
):
    pdfjobs.render_and_store(published.pk)
    stored = PublishedReport.objects.get(pk=published.pk)
    assert stored.pdf.name.startswith(f"reports/{published.organization_id}/")
    with stored.pdf.open("rb") as file:
        on_disk = file.read()
    assert stored.pdf_sha256 == hashlib.sha256(on_disk).hexdigest()

    def render(*args, **kwargs):
        raise AssertionError("a PDF was rendered in a request")

    monkeypatch.setattr("reports.pdf.html_to_pdf", render)
    client = login(viewer)
    response = client.get(pdf_url(published))
    assert response["ETag"] == f'"{stored.pdf_sha256}"'
    # Read at once: the tests' in-memory storage hands every reader the same file object.
    first = body_of(response)
    # A measure edited after publishing changes neither the stored PDF nor its download.
    measure = published.organization.measures.get(name="Trygge friminutt")
    measure.name = "Omdøpt tiltak"
    measure.save()
    second = body_of(client.get(pdf_url(published)))
    assert first == second == on_disk
    # A duplicate message for the same version finds it stored and does nothing.
    assert pdfjobs.render_and_store(published.pk) == "skipped"
    assert PublishedReport.objects.get(pk=published.pk).pdf_sha256 == stored.pdf_sha256


def test_the_pdf_is_tagged_in_the_written_standard_when_weasyprint_can(
    login, viewer, organization, coordinator, queued
):
    if not pdf.tagged_pdf_supported():
        pytest.skip("this WeasyPrint makes no tagged PDFs")
    organization.written_standard = "nn"
    organization.save()
    MeasureFactory(program=ProgramFactory(organization=organization), name="Trygge friminutt")
    published = publish(ReportFactory(organization=organization, title="Årsrapport"), coordinator)
    pdfjobs.render_and_store(published.pk)
    reader = PdfReader(io.BytesIO(body_of(login(viewer).get(pdf_url(published)))))
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root
    assert root["/MarkInfo"]["/Marked"]
    assert root["/Lang"] == "nn"
    assert reader.metadata.title.startswith("Årsrapport")


def test_the_print_page_is_wholly_in_the_written_standard(organization, coordinator, queued):
    organization.written_standard = "nn"
    organization.save()
    MeasureFactory(program=ProgramFactory(organization=organization), phase=1)
    published = publish(ReportFactory(organization=organization, title="Årsrapport"), coordinator)
    html = render_html(published)
    assert '<html lang="nn">' in html
    assert "<title>Årsrapport – " in html
    assert "I Førebu" in html  # the phase, in nynorsk
    assert "<svg" in html  # the charts, as vectors
    assert "<table" in html  # and their figures


def test_a_pdf_is_tagged_unless_asked_not_to_be(settings):
    html = "<!doctype html><html lang='nb'><title>Hjul</title><p>Årshjul</p></html>"
    assert "/StructTreeRoot" in PdfReader(io.BytesIO(pdf.html_to_pdf(html))).trailer["/Root"]
    plain = PdfReader(io.BytesIO(pdf.html_to_pdf(html, tagged=False)))
    assert "/StructTreeRoot" not in plain.trailer["/Root"]


def test_another_organisations_pdf_is_not_found(
    login, viewer, coordinator, other_organization, queued
):
    MeasureFactory(program=ProgramFactory(organization=other_organization))
    theirs = publish(ReportFactory(organization=other_organization), coordinator)
    client = login(viewer)
    assert client.get(reverse("published_report_pdf", args=["testvik", theirs.pk])).status_code == (
        404
    )
    assert client.post(
        reverse("published_report_pdf_retry", args=["testvik", theirs.pk])
    ).status_code == (404)
    assert state_of(theirs) == ("queued", 0, "")


# --- asking again: missing, lost, failed --------------------------------------------------------


def test_a_missing_pdf_is_queued_once_by_the_first_download(
    login, viewer, published, queued, no_render_here, django_capture_on_commit_callbacks
):
    # A version published before PDFs were queued, or whose message never reached a worker.
    PublishedReport.objects.filter(pk=published.pk).update(pdf_state="missing")
    client = login(viewer)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.get(pdf_url(published)).status_code == 202
        assert client.get(pdf_url(published)).status_code == 202
    assert queued == [(published.pk, None)]
    assert state_of(published) == ("queued", 0, "")


def test_a_render_lost_with_its_worker_is_queued_again_after_the_limit(
    login, viewer, published, queued, monkeypatch, django_capture_on_commit_callbacks
):
    # A worker claims the render and dies (killed for its memory) before storing anything.
    monkeypatch.setattr("reports.pdfjobs.render_pdf", lambda published: 1 / 0)
    claimed = pdfjobs._claim(published.pk)
    assert claimed is not None
    assert state_of(published) == ("running", 1, "")
    # Its message, delivered again meanwhile, finds the render running and leaves it.
    assert pdfjobs.render_and_store(published.pk) == "skipped"
    client = login(viewer)
    limit = dt.timedelta(seconds=settings.HEAVY_WORK_STALE_AFTER)
    with django_capture_on_commit_callbacks(execute=True):
        with time_machine.travel(claimed.pdf_started_at + limit - dt.timedelta(seconds=5)):
            assert client.get(pdf_url(published)).status_code == 202
        assert queued == []
        with time_machine.travel(claimed.pdf_started_at + limit + dt.timedelta(seconds=5)):
            assert client.get(pdf_url(published)).status_code == 202
    assert queued == [(published.pk, None)]
    # Attempts go on counting: a render that kills its worker every time ends as failed.
    assert state_of(published) == ("queued", 1, "")


def test_a_failing_render_is_retried_with_backoff_then_shown_as_failed(
    login, member, coordinator, published, queued, monkeypatch, django_capture_on_commit_callbacks
):
    def broken(published):
        raise RuntimeError("a chart the renderer chokes on")

    monkeypatch.setattr("reports.pdfjobs.render_pdf", broken)
    with django_capture_on_commit_callbacks(execute=True):
        assert pdfjobs.render_and_store(published.pk) == "failed"
        assert state_of(published) == ("queued", 1, "error")
        assert pdfjobs.render_and_store(published.pk) == "failed"
        assert pdfjobs.render_and_store(published.pk) == "failed"
    assert queued == [(published.pk, 60), (published.pk, 240)]
    assert state_of(published) == ("failed", 3, "error")
    assert pdfjobs.render_and_store(published.pk) == "skipped"

    member.language = coordinator.language = "en"
    member.save()
    coordinator.save()
    response = login(member).get(pdf_url(published))
    assert response.status_code == 503
    page = response.content.decode()
    assert "Making the PDF failed after 3 attempts." in page
    assert "The organisation's coordinators can try again" in page
    assert retry_url(published) not in page
    client = login(coordinator)
    page = client.get(pdf_url(published)).content.decode()
    assert f'action="{retry_url(published)}"' in page
    assert json.loads(client.get(pdf_url(published), {"progress": ""}).content) == {
        "state": "failed"
    }


def test_a_failed_render_can_be_tried_again_and_then_succeeds(
    login, coordinator, published, queued, monkeypatch, django_capture_on_commit_callbacks
):
    def unavailable():
        raise pdf.PdfUnavailable("cannot load library 'libpango-1.0-0'")

    monkeypatch.setattr(pdf, "_weasyprint", unavailable)
    with django_capture_on_commit_callbacks(execute=True):
        assert pdfjobs.render_and_store(published.pk) == "failed"
    # No program to draw PDFs: no retry helps until someone installs it.
    assert queued == []
    assert state_of(published) == ("failed", 1, "unavailable")
    coordinator.language = "en"
    coordinator.save()
    client = login(coordinator)
    page = client.get(pdf_url(published)).content.decode()
    assert "The server lacks the program that draws PDF files." in page

    monkeypatch.undo()
    monkeypatch.setattr(
        "reports.tasks.render_report_pdf.apply_async",
        lambda args, countdown=None, **options: queued.append((args[0], countdown)),
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(retry_url(published))
    assert response.status_code == 302
    assert response["Location"] == pdf_url(published)
    assert queued == [(published.pk, None)]
    assert state_of(published) == ("queued", 0, "")
    assert pdfjobs.render_and_store(published.pk) == "stored"
    assert body_of(client.get(pdf_url(published))).startswith(b"%PDF")


def test_trying_again_changes_nothing_when_the_pdf_is_stored_or_under_way(
    login, coordinator, published, queued, django_capture_on_commit_callbacks
):
    client = login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(retry_url(published))  # queued when published, minutes ago
    assert queued == []
    pdfjobs.render_and_store(published.pk)
    sha = PublishedReport.objects.get(pk=published.pk).pdf_sha256
    with django_capture_on_commit_callbacks(execute=True):
        client.post(retry_url(published))
    assert queued == []
    assert PublishedReport.objects.get(pk=published.pk).pdf_sha256 == sha
