"""The wheel's A3 PDF, made by a worker for the person who asked (filejobs/, yearwheel/pdfjob.py):
asked for with a POST carrying the zoom and filter, queued on the heavy queue, rendered with
the print view, downloaded by the asker alone, asked again only when something differs."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import time_machine
from django.urls import reverse

from config.celery import app
from filejobs import services
from filejobs.models import FileJob
from tests.test_file_jobs import queued  # noqa: F401  (the task's messages, captured)
from tests.yearwheel.test_wheel_views import (  # noqa: F401  (fixtures)
    filled,
    measure,
    politics,
    school,
    wheel,
)
from yearwheel import pdf

pytestmark = pytest.mark.django_db


def ask_url(year=2026):
    return reverse("wheel_pdf", args=["testvik", year])


def job_url(job, name="file_job"):
    return reverse(name, args=[job.organization.slug, job.pk])


@pytest.fixture
def english(member):
    member.language = "en"
    member.save()


def test_the_pdf_is_made_by_a_worker_and_downloaded_by_the_one_who_asked(
    client,
    login,
    member,
    admin_user,
    outsider,
    wheel,  # noqa: F811
    filled,  # noqa: F811
    queued,  # noqa: F811
    english,
    django_capture_on_commit_callbacks,
):
    asker = login(member)
    with django_capture_on_commit_callbacks(execute=True):
        response = asker.post(ask_url())
    job = FileJob.objects.get()
    assert response.status_code == 302 and response["Location"] == job_url(job)
    assert (job.kind, job.requested_by, job.state, job.parameters) == (
        "wheel_pdf",
        member,
        "queued",
        "year=2026",
    )
    assert queued == [(job.pk, None)]
    assert app.amqp.router.route({}, "filejobs.tasks.build_file")["queue"].name == "heavy"

    text = asker.get(job_url(job)).content.decode()
    assert "The PDF of the wheel is being made." in text
    assert 'href="/o/testvik/wheel/2026/">Back to the wheel</a>' in text
    assert asker.get(job_url(job, "file_job_download"))["Location"] == job_url(job)

    assert services.build(job.pk) == "ready"  # the real renderer, WeasyPrint
    job.refresh_from_db()
    assert (job.state, job.filename, job.rows) == ("ready", "arshjul-testvik-2026-27.pdf", None)
    text = asker.get(job_url(job)).content.decode()
    assert "Download the PDF" in text and "rows" not in text
    download = asker.get(job_url(job, "file_job_download"))
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"] == 'attachment; filename="arshjul-testvik-2026-27.pdf"'
    assert "no-store" in download["Cache-Control"]
    body = b"".join(download.streaming_content)
    assert body.startswith(b"%PDF") and len(body) > 5000
    try:
        from pypdf import PdfReader
    except ImportError:  # pypdf is not a dependency: the bytes must do
        pass
    else:
        reader = PdfReader(io.BytesIO(body))
        assert "Budsjettseminar" in "".join(page.extract_text() for page in reader.pages)
        # A3 landscape (420 × 297 mm): the print stylesheet was read into the PDF.
        box = reader.pages[0].mediabox
        size = (round(float(box.width) / 72 * 25.4), round(float(box.height) / 72 * 25.4))
        assert size == (420, 297)

    # Another member may read the wheel, but not someone else's file; outsiders see nothing.
    for other in (login(admin_user), login(outsider)):
        assert other.get(job_url(job)).status_code == 404
        assert other.get(job_url(job, "file_job_download")).status_code == 404
    assert login(outsider).post(ask_url()).status_code == 404
    client.logout()
    assert client.post(ask_url()).status_code == 302  # to the login page
    assert FileJob.objects.count() == 1


def test_the_year_zoom_and_filter_reach_the_render(
    login,
    member,
    organization,
    wheel,  # noqa: F811
    filled,  # noqa: F811
    measure,  # noqa: F811
    queued,  # noqa: F811
    english,
    monkeypatch,
):
    rendered = []

    def fake_pdf(html, **options):
        rendered.append(html)
        return b"%PDF-1.7 fake"

    monkeypatch.setattr("yearwheel.views.wheel.html_to_pdf", fake_pdf)
    asker = login(member)
    # The page's form carries the filter and the zoom as hidden fields.
    page = asker.get(wheel.get_absolute_url() + f"?measure={measure.pk}&zoom=q1").content.decode()
    assert f'<form method="post" action="{ask_url()}"' in page
    assert '<input type="hidden" name="zoom" value="q1">' in page
    asker.post(ask_url(), {"measure": measure.pk, "zoom": "q1", "unknown": "x"})
    job = FileJob.objects.get()
    assert job.parameters == f"year=2026&measure={measure.pk}&zoom=q1"
    assert services.build(job.pk) == "ready"
    html = rendered[0]
    assert "Ukemøte" in html  # the measure's meetings, in September (Q1 starts in August)
    assert "Budsjettseminar" not in html  # not the measure's
    assert "Kurs for lærere" not in html  # the measure's, but in November
    assert "Filtered" in html  # in the asker's language
    back = f'href="/o/testvik/wheel/2026/?measure={measure.pk}&amp;zoom=q1"'
    assert back in asker.get(job_url(job)).content.decode()
    # A zoom the wheel does not know is left out, as the page ignores it.
    asker.post(ask_url(), {"zoom": "m99"})
    assert FileJob.objects.latest("pk").parameters == "year=2026"


def test_asking_again_for_the_same_pdf_gives_the_same_job_while_it_is_fresh(
    login,
    member,
    wheel,  # noqa: F811
    queued,  # noqa: F811
    monkeypatch,
):
    monkeypatch.setattr("yearwheel.views.wheel.html_to_pdf", lambda html, **o: b"%PDF-1.7")
    asker = login(member)
    first = asker.post(ask_url(), {"zoom": "q2"})["Location"]
    assert asker.post(ask_url(), {"zoom": "q2"})["Location"] == first  # a double click
    assert FileJob.objects.count() == 1
    assert asker.post(ask_url(), {"zoom": "q3"})["Location"] != first  # another view
    job = FileJob.objects.get(parameters="year=2026&zoom=q2")
    services.build(job.pk)
    assert asker.post(ask_url(), {"zoom": "q2"})["Location"] == first  # ready, just made
    with time_machine.travel(dt.timedelta(minutes=6)):
        # Later, a new file, which shows what was changed in the meantime.
        assert asker.post(ask_url(), {"zoom": "q2"})["Location"] != first
    assert FileJob.objects.count() == 3


def test_a_failed_render_shows_the_failure_and_a_way_to_try_again(
    login,
    member,
    wheel,  # noqa: F811
    queued,  # noqa: F811
    english,
    monkeypatch,
    django_capture_on_commit_callbacks,
):
    def unavailable():
        raise pdf.PdfUnavailable("cannot load library 'libpango-1.0-0'")

    monkeypatch.setattr(pdf, "_weasyprint", unavailable)
    asker = login(member)
    asker.post(ask_url(), {"zoom": "q2"})
    job = FileJob.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(services.MAX_ATTEMPTS):
            assert services.build(job.pk) == "failed"
    job.refresh_from_db()
    assert (job.state, job.error, job.file.name) == ("failed", "PdfUnavailable", "")
    assert asker.get(job_url(job), {"progress": ""}).json() == {"state": "failed"}
    text = asker.get(job_url(job)).content.decode()
    assert "The file could not be made" in text
    assert "libpango" not in text
    assert f'<form method="post" action="{ask_url()}">' in text
    assert '<input type="hidden" name="zoom" value="q2">' in text
    assert asker.get(job_url(job, "file_job_download"))["Location"] == job_url(job)
    # Trying again asks for a new file (the failed one is not reused).
    assert asker.post(ask_url(), {"zoom": "q2"})["Location"] != job_url(job)


# --- the poster: tagged (PDF/UA), with language, title, the wheel's alternative text ---------


def structure(reader):
    """The tagged structure as (tag, alternative text) in reading order, with each element's
    page (0-based) where it names one."""
    pages = {page.indirect_reference.idnum: number for number, page in enumerate(reader.pages)}
    found = []

    def walk(element):
        element = element.get_object()
        if isinstance(element, list):
            for child in element:
                walk(child)
            return
        if not hasattr(element, "get") or element.get("/Type") not in ("/StructElem", None):
            return
        if "/S" in element:
            page = element.get("/Pg")
            found.append(
                (
                    str(element["/S"]),
                    str(element.get("/Alt", "")),
                    pages.get(page.idnum) if page is not None else None,
                    element,
                )
            )
        kids = element.get("/K")
        if kids is not None:
            walk(kids)

    walk(reader.trailer["/Root"]["/StructTreeRoot"]["/K"])
    return found


def test_the_poster_is_a_tagged_pdf_with_language_title_and_the_wheel_described(
    member,
    organization,
    wheel,  # noqa: F811
    filled,  # noqa: F811
    english,
):
    from pypdf import PdfReader

    from yearwheel.pdfjob import build_wheel_pdf

    if not pdf.tagged_pdf_supported():
        pytest.fail("this WeasyPrint makes no tagged PDFs: the wheel's poster must be tagged")
    job = FileJob.objects.create(
        organization=organization,
        requested_by=member,
        kind=FileJob.Kind.WHEEL_PDF,
        parameters="year=2026",
    )
    from django.utils import translation

    with translation.override("en"):  # as the worker renders it: in the asker's language
        built = build_wheel_pdf(job)
    reader = PdfReader(io.BytesIO(b"".join(built.chunks)))
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root
    assert root["/MarkInfo"]["/Marked"]
    assert root["/Lang"] == "en"
    assert reader.metadata.title == "Annual wheel 2026/27 · Testvik kommune · Tiltakshjulet"

    elements = structure(reader)
    tags = [tag for tag, _alt, _page, _element in elements]
    [wheel_figure] = [e for e in elements if e[0] == "/Figure" and "Annual wheel" in e[1]]
    assert wheel_figure[1].startswith("Annual wheel 2026/27, 1 August 2026 – 31 July 2027")
    assert "with 7 rings and 14 events" in wheel_figure[1]  # the system rings too
    assert wheel_figure[1].endswith("events; see the agenda on the next page.")
    assert wheel_figure[2] == 0  # the wheel is on the first sheet
    # Every figure has an alternative text (the legend's little pictures are artifacts).
    assert all(alt for tag, alt, _page, _element in elements if tag == "/Figure")
    # Reading order: the title, the wheel, the legend's headings, then the agenda's.
    headings = [(tag, page) for tag, _alt, page, _element in elements if tag[:2] == "/H"]
    assert [tag for tag, _page in headings][:4] == ["/H1", "/H2", "/H2", "/H2"]
    assert tags.index("/H1") < tags.index("/Figure") < tags.index("/H2")
    agenda = [page for tag, page in headings if tag == "/H3"]
    assert agenda and min(agenda) >= 1  # the agenda starts on the second sheet
    # Its tables: column headers and a row header a line.
    assert "/Table" in tags and tags.count("/TH") > tags.count("/Table") * 2
    text = reader.pages[1].extract_text()
    assert "Agenda" in text and "Budsjettseminar" in text and "Event (ring)" in text
    # The agenda's table is not on the poster (whose wheel draws the names, so they are there).
    assert "Event (ring)" not in reader.pages[0].extract_text()


def poster_text_sizes(reader) -> list[tuple[str, float]]:
    """Every piece of text on the poster (the first sheet) with its size in points as
    printed: the font size times the scale of the text and graphics matrices."""
    found = []

    def visit(text, cm, tm, _font, size):
        if text.strip():
            scale_tm = (tm[0] ** 2 + tm[1] ** 2) ** 0.5
            scale_cm = (cm[0] ** 2 + cm[1] ** 2) ** 0.5
            found.append((text, size * scale_tm * scale_cm))

    reader.pages[0].extract_text(visitor_text=visit)
    return found


def test_the_posters_event_names_are_print_sized(
    member,
    organization,
    wheel,  # noqa: F811
    filled,  # noqa: F811
):
    """On the A3 poster the wheel is 258 mm wide: event names at least 7 pt, ring numbers at
    least 9 pt (the legend beside the wheel names the rings at 11 pt)."""
    from pypdf import PdfReader

    from yearwheel.pdfjob import build_wheel_pdf

    job = FileJob.objects.create(
        organization=organization,
        requested_by=member,
        kind=FileJob.Kind.WHEEL_PDF,
        parameters="year=2026",
    )
    reader = PdfReader(io.BytesIO(b"".join(build_wheel_pdf(job).chunks)))
    sizes = poster_text_sizes(reader)
    assert sizes
    # The smallest type on the sheet is the event names' (and the counts'): every piece of
    # text is at least 7 pt.
    assert min(size for _text, size in sizes) >= 7, sorted(sizes, key=lambda s: s[1])[:5]
    # "Budsjettseminar" is drawn on the wheel glyph by glyph: its letters are there, at the
    # names' size.
    # "Budsjettseminar" is drawn on the wheel glyph by glyph, and is there at the names' size
    # (10 user units on a wheel of about 800 units shown 258 mm wide: some 9 pt).
    name = [size for text, size in sizes if "Budsjettsem" in text]
    assert name and min(name) >= 8.5, name
    numbers = [size for text, size in sizes if text.strip().isdigit() and len(text.strip()) <= 2]
    assert numbers and max(numbers) >= 9
