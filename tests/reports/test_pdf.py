"""The PDF of a published report: made on first download from the frozen content, tagged for
screen readers, stored, and the same bytes ever after."""

from __future__ import annotations

import hashlib
import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

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
from yearwheel import pdf


@pytest.fixture
def published(organization, coordinator):
    program = ProgramFactory(organization=organization, name="Trygg oppvekst")
    first = MeasureFactory(program=program, name="Trygge friminutt", phase=3)
    IndicatorFactory(goal=GoalFactory(measure=first), name="Trivsel")
    MeasurementFactory(indicator=first.indicators.get())
    MeasureFactory(program=program, name="Leksehjelp på biblioteket", phase=1)
    report = ReportFactory(organization=organization, title="Tertialrapport 1 2026")
    return publish(report, coordinator)


def pdf_url(published):
    return reverse("published_report_pdf", args=[published.organization.slug, published.pk])


def text_of(body: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)


def test_every_member_downloads_the_pdf_with_the_measures_names(login, viewer, published):
    response = login(viewer).get(pdf_url(published))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="tertialrapport-1-2026-v1.pdf"'
    body = response.content
    assert body.startswith(b"%PDF")
    text = text_of(body)
    assert "Trygge friminutt" in text
    assert "Leksehjelp på biblioteket" in text
    assert "Tertialrapport 1 2026" in text


def test_the_pdf_is_stored_on_first_download_and_served_as_stored(login, viewer, published):
    client = login(viewer)
    first = client.get(pdf_url(published)).content
    stored = PublishedReport.objects.get(pk=published.pk)
    assert stored.pdf.name.startswith(f"reports/{published.organization_id}/")
    assert stored.pdf_sha256 == hashlib.sha256(first).hexdigest()
    with stored.pdf.open("rb") as file:
        assert file.read() == first
    # A measure edited after publishing changes neither the stored PDF nor its download.
    measure = published.organization.measures.get(name="Trygge friminutt")
    measure.name = "Omdøpt tiltak"
    measure.phase = 4
    measure.save()
    second = client.get(pdf_url(published)).content
    assert second == first
    assert "Omdøpt tiltak" not in text_of(second)
    assert PublishedReport.objects.get(pk=published.pk).pdf_sha256 == stored.pdf_sha256


def test_the_pdf_is_tagged_in_the_written_standard_when_weasyprint_can(
    login, viewer, organization, coordinator
):
    if not pdf.tagged_pdf_supported():
        pytest.skip("this WeasyPrint makes no tagged PDFs")
    organization.written_standard = "nn"
    organization.save()
    MeasureFactory(program=ProgramFactory(organization=organization), name="Trygge friminutt")
    published = publish(ReportFactory(organization=organization, title="Årsrapport"), coordinator)
    reader = PdfReader(io.BytesIO(login(viewer).get(pdf_url(published)).content))
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root
    assert root["/MarkInfo"]["/Marked"]
    assert root["/Lang"] == "nn"
    assert reader.metadata.title.startswith("Årsrapport")


def test_the_print_page_is_wholly_in_the_written_standard(organization, coordinator):
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


def test_the_wheels_pdf_stays_untagged(settings):
    html = "<!doctype html><html lang='nb'><title>Hjul</title><p>Årshjul</p></html>"
    plain = PdfReader(io.BytesIO(pdf.html_to_pdf(html)))
    assert "/StructTreeRoot" not in plain.trailer["/Root"]


def test_without_weasyprint_the_pdf_is_a_clear_503_and_nothing_is_stored(
    login, viewer, published, monkeypatch
):
    def unavailable():
        raise pdf.PdfUnavailable("cannot load library 'libpango-1.0-0'")

    monkeypatch.setattr(pdf, "_weasyprint", unavailable)
    response = login(viewer).get(pdf_url(published))
    assert response.status_code == 503
    assert published.get_absolute_url() in response.content.decode()
    assert PublishedReport.objects.get(pk=published.pk).pdf_sha256 == ""


def test_another_organisations_pdf_is_not_found(login, viewer, coordinator, other_organization):
    MeasureFactory(program=ProgramFactory(organization=other_organization))
    theirs = publish(ReportFactory(organization=other_organization), coordinator)
    response = login(viewer).get(reverse("published_report_pdf", args=["testvik", theirs.pk]))
    assert response.status_code == 404
