"""Every PDF the product makes is a tagged PDF/UA-1 document a screen reader can use: marked,
in the document's language, its title shown as the window title, headings in order, table
headers with a scope, alternative text on every meaningful figure (decoration is an artifact,
never an empty figure), and metadata in words. One test per kind and written standard: the
wheel's A3 poster, the minutes of a learning meeting and a published report."""

from __future__ import annotations

import io
import re
from datetime import date
from itertools import pairwise

import pytest
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from filejobs.models import FileJob
from reports import pdfjobs
from reports.models import PublishedReport
from reports.publishing import publish
from tests.factories import (
    GoalFactory,
    IndicatorFactory,
    LearningMeetingFactory,
    MeasureFactory,
    MeasurementFactory,
    ProgramFactory,
    ReportFactory,
)
from tests.reports.helpers import body_of
from tests.yearwheel.test_wheel_views import (  # noqa: F401  (fixtures)
    filled,
    measure,
    politics,
    school,
    wheel,
)

pytestmark = pytest.mark.django_db

# A raw code or an ISO date where words belong ("four_months 2026-05-01").
RAW = re.compile(r"\b[a-z]+_[a-z_]+\b|\b\d{4}-\d{2}-\d{2}\b")


def struct_elements(reader: PdfReader) -> list[dict]:
    """Every structure element of the tagged PDF, depth first (reading order)."""
    found: list[dict] = []

    def walk(node) -> None:
        node = node.get_object()
        if isinstance(node, list):
            for kid in node:
                walk(kid)
            return
        # Marked-content ids (numbers) and references to annotations end the walk.
        if not hasattr(node, "get") or node.get("/Type") not in ("/StructElem", None):
            return
        if "/S" in node:
            found.append(node)
        if "/K" in node:
            walk(node["/K"])

    walk(reader.trailer["/Root"]["/StructTreeRoot"]["/K"])
    return found


def marked_content(reader: PdfReader) -> tuple[int, int]:
    """(tagged sequences, artifacts) in the pages' content; asserts that every tagged
    sequence has its structure element in the parent tree, as a reader looks it up."""
    from pypdf.generic import ContentStream

    parents = reader.trailer["/Root"]["/StructTreeRoot"]["/ParentTree"]["/Nums"]
    per_page = {parents[index]: parents[index + 1] for index in range(0, len(parents), 2)}
    tagged = artifacts = 0
    for number, page in enumerate(reader.pages):
        for operands, operator in ContentStream(page.get_contents(), reader).operations:
            if operator == b"BDC" and "/MCID" in operands[1]:
                tagged += 1
                parent = per_page[number].get_object()[operands[1]["/MCID"]]
                assert parent.get_object()["/Type"] == "/StructElem"
            elif operator in (b"BMC", b"BDC") and operands[0] == "/Artifact":
                artifacts += 1
    return tagged, artifacts


def check_accessible(pdf: bytes, *, lang: str, title: str) -> list[dict]:
    """Asserts what PDF/UA asks of every document we make; returns its structure elements."""
    reader = PdfReader(io.BytesIO(pdf))
    root = reader.trailer["/Root"]
    assert bool(root.get("/MarkInfo", {}).get("/Marked")), "not a tagged PDF"
    assert root.get("/Lang") == lang
    assert reader.metadata.title == title
    assert bool(root.get("/ViewerPreferences", {}).get("/DisplayDocTitle"))
    assert reader.metadata.author  # the organisation
    subject = reader.metadata.subject or ""
    assert subject and not RAW.search(subject), f"Subject in codes: {subject!r}"

    elements = struct_elements(reader)
    tags = [str(element["/S"]) for element in elements]
    # Headings from H1 down, never skipping a level.
    levels = [int(tag[2:]) for tag in tags if re.fullmatch(r"/H[1-6]", tag)]
    assert levels[:1] == [1] and 2 in levels
    assert all(later <= earlier + 1 for earlier, later in pairwise(levels))
    # Every figure says what it shows; decoration is an artifact, not an empty figure.
    for element in elements:
        if element["/S"] == "/Figure":
            assert str(element.get("/Alt", "")).strip(), "a figure without alternative text"
    # Every table header says what it heads.
    headers = [element for element in elements if element["/S"] == "/TH"]
    for header in headers:
        attributes = header.get("/A", {})
        assert attributes.get("/O") == "/Table"
        assert attributes.get("/Scope") in ("/Column", "/Row", "/Both"), "a header without scope"
    tagged, _artifacts = marked_content(reader)
    assert tagged
    return elements


def texts_of(elements: list[dict], tag: str) -> list[str]:
    return [str(element.get("/Alt", "")) for element in elements if element["/S"] == tag]


# --- the wheel's A3 poster ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "title", "next_pages"),
    [
        ("nb", "Årshjul 2026/27 · Testvik kommune · Tiltakshjulet", "neste side"),
        ("nn", "Årshjul 2026/27 · Testvik kommune · Tiltakshjulet", "neste side"),
    ],
)
def test_the_wheel_poster_is_tagged(
    member,
    organization,
    wheel,  # noqa: F811
    filled,  # noqa: F811
    language,
    title,
    next_pages,
):
    from yearwheel.pdfjob import build_wheel_pdf

    job = FileJob.objects.create(
        organization=organization,
        requested_by=member,
        kind=FileJob.Kind.WHEEL_PDF,
        parameters="year=2026",
    )
    with translation.override(language):  # the worker renders in the asker's language
        poster = b"".join(build_wheel_pdf(job).chunks)
    elements = check_accessible(poster, lang=language, title=title)
    # The wheel is the one figure; its alternative text names it and points to the agenda.
    [alt] = texts_of(elements, "/Figure")
    assert alt.startswith("Årshjul 2026/27") and next_pages in alt
    # The legend's swatches and symbols are decoration: artifacts, beside the page's own.
    reader = PdfReader(io.BytesIO(poster))
    assert marked_content(reader)[1] > len(reader.pages)
    assert "/Table" in [str(element["/S"]) for element in elements]


# --- the minutes of a learning meeting ---------------------------------------------------


@pytest.mark.parametrize("language", ["nb", "nn"])
def test_the_minutes_are_tagged(login, organization, team_lead, language):
    organization.written_standard = language
    organization.save()
    meeting = LearningMeetingFactory(
        measure=MeasureFactory(program__organization=organization, name="Trygge friminutt"),
        title="Lærende møte om friminuttene",
        date=date(2026, 10, 15),
    )
    url = reverse("meeting_minutes_pdf", kwargs={"org_slug": "testvik", "pk": meeting.pk})
    response = login(team_lead).get(url)
    assert response.status_code == 200
    elements = check_accessible(
        response.content,
        lang=language,
        title="Referat: Lærende møte om friminuttene · Testvik kommune · Tiltakshjulet",
    )
    assert texts_of(elements, "/Figure") == []
    # "Referat fra «Lærende møte om friminuttene», torsdag 15. oktober 2026"
    subject = PdfReader(io.BytesIO(response.content)).metadata.subject
    assert "Lærende møte om friminuttene" in subject and "torsdag 15. oktober 2026" in subject


# --- a published report -----------------------------------------------------------------------


@pytest.fixture
def queued(monkeypatch):
    monkeypatch.setattr("reports.tasks.render_report_pdf.apply_async", lambda *a, **k: None)


@pytest.mark.parametrize("language", ["nb", "nn"])
def test_the_report_is_tagged(login, viewer, organization, coordinator, queued, language):
    organization.written_standard = language
    organization.save()
    program = ProgramFactory(organization=organization, name="Trygg oppvekst")
    first = MeasureFactory(program=program, name="Trygge friminutt", phase=3)
    indicator = IndicatorFactory(goal=GoalFactory(measure=first), name="Trivsel")
    MeasurementFactory(indicator=indicator)
    MeasureFactory(program=program, name="Leksehjelp på biblioteket", phase=1)
    published = publish(
        ReportFactory(organization=organization, title="Tertialrapport 1 2026"), coordinator
    )
    assert pdfjobs.render_and_store(published.pk) == "stored"
    published = PublishedReport.objects.get(pk=published.pk)
    url = reverse("published_report_pdf", args=["testvik", published.pk])
    pdf = body_of(login(viewer).get(url))
    elements = check_accessible(pdf, lang=language, title="Tertialrapport 1 2026 – Testvik kommune")
    # The two charts say what they show; the attainment bars are decoration (artifacts).
    alts = texts_of(elements, "/Figure")
    assert len(alts) == 2, alts
    # "Tertialrapport for perioden 1. januar 2026–30. april 2026"
    subject = PdfReader(io.BytesIO(pdf)).metadata.subject
    assert subject.startswith("Tertialrapport ")
    assert "1. januar 2026" in subject and "30. april 2026" in subject


# --- what yearwheel/pdf.py adds to WeasyPrint's tagging -------------------------------------


def test_headers_get_their_scope_and_untitled_pictures_become_artifacts():
    from yearwheel.pdf import html_to_pdf

    square = '<rect width="20" height="20"/>'
    decoration = (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="20" aria-hidden="true">{square}</svg>'
    )
    figure = (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="20">{square}'
        "<title>Et svart kvadrat</title></svg>"
    )
    html = (
        "<!doctype html><html lang='nb'><title>Prøve</title><h1>Prøve</h1>"
        "<table><thead><tr><th scope='col'>Dato</th><th>Hendelse</th></tr></thead>"
        "<tbody><tr><th scope='row'>1.9.</th><td>Møte</td></tr></tbody></table>"
        f"<p>{decoration} Pynt</p><p>{figure}</p></html>"
    )
    reader = PdfReader(io.BytesIO(html_to_pdf(html)))
    elements = struct_elements(reader)
    scopes = [str(element["/A"]["/Scope"]) for element in elements if element["/S"] == "/TH"]
    assert scopes == ["/Column", "/Column", "/Row"]  # no scope: a column header, as WeasyPrint
    assert texts_of(elements, "/Figure") == ["Et svart kvadrat"]
    assert marked_content(reader)[1] == 1  # the decoration, an artifact
    untagged = PdfReader(io.BytesIO(html_to_pdf(html, tagged=False)))
    assert "/StructTreeRoot" not in untagged.trailer["/Root"]
