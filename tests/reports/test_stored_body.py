"""A published report's body is rendered once from its frozen content, stored, and shown by
every later view (member page, share link, PDF) inside a page in the reader's language."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection, connections
from django.urls import reverse
from django.utils import timezone

from reports import body
from reports.models import PublishedReport, ShareLink
from reports.pdf import render_html
from reports.publishing import publish
from reports.sharing import token_for
from tests.conftest import require_or_skip
from tests.factories import MeasureFactory, ProgramFactory, ReportFactory


@pytest.fixture
def renders(monkeypatch):
    """Every rendering of a report body, by published id."""
    made = []
    original = body.render_body

    def counting(published):
        made.append(published.pk)
        return original(published)

    monkeypatch.setattr(body, "render_body", counting)
    return made


@pytest.fixture
def published(organization, coordinator):
    organization.written_standard = "nn"
    organization.save()
    MeasureFactory(program=ProgramFactory(organization=organization), name="Trygge friminutt")
    return publish(ReportFactory(organization=organization, title="Årsrapport"), coordinator)


def page_url(published):
    return reverse("published_report", args=[published.organization.slug, published.pk])


def test_the_body_is_rendered_once_and_every_later_view_shows_the_stored_one(
    login, viewer, member, published, renders, coordinator
):
    assert PublishedReport.objects.get(pk=published.pk).body_html == ""
    first = login(viewer).get(page_url(published)).content.decode()
    stored = PublishedReport.objects.get(pk=published.pk).body_html
    assert "Trygge friminutt" in stored
    assert stored in first
    assert renders == [published.pk]

    # What later views show is the stored fragment, whatever the content would render to.
    marked = stored.replace("Trygge friminutt", "Frå det lagra utdraget")
    PublishedReport.objects.filter(pk=published.pk).update(body_html=marked)
    again = login(member).get(page_url(published)).content.decode()
    assert marked in again
    link = ShareLink.objects.create(
        published=published,
        label="Kommunestyret",
        expires_at=timezone.now() + dt.timedelta(days=5),
        created_by=coordinator,
    )
    shared = login(viewer).get(reverse("shared_report", args=[token_for(link)]))
    assert marked in shared.content.decode()
    assert marked in render_html(PublishedReport.objects.get(pk=published.pk))
    assert renders == [published.pk]


def test_the_stored_body_is_in_the_written_standard_and_the_page_in_the_readers_language(
    login, viewer, member, published, renders
):
    viewer.language = "en"
    viewer.save()
    english = login(viewer).get(page_url(published)).content.decode()
    member.language = "nb"
    member.save()
    bokmal = login(member).get(page_url(published)).content.decode()
    stored = PublishedReport.objects.get(pk=published.pk).body_html
    assert '<article class="report-document" lang="nn"' in stored
    assert stored in english and stored in bokmal
    assert "Download PDF" in english  # the page around it: the reader's language
    assert "Last ned PDF" in bokmal
    assert renders == [published.pk]


def test_the_published_page_needs_few_queries_once_the_body_is_stored(
    login, viewer, published, django_assert_max_num_queries
):
    client = login(viewer)
    client.get(page_url(published))
    with django_assert_max_num_queries(12):
        assert client.get(page_url(published)).status_code == 200


@pytest.mark.django_db(transaction=True)
def test_two_first_views_at_once_render_the_body_once(
    organization, coordinator, renders, monkeypatch
):
    require_or_skip(connection.vendor == "postgresql", "row locks need PostgreSQL")
    monkeypatch.setattr("reports.tasks.render_report_pdf.apply_async", lambda *a, **k: None)
    MeasureFactory(program=ProgramFactory(organization=organization), name="Trygge friminutt")
    published = publish(ReportFactory(organization=organization), coordinator)
    barrier = threading.Barrier(2)
    bodies = []

    def view():
        try:
            barrier.wait()
            bodies.append(str(body.stored_body(PublishedReport.objects.get(pk=published.pk))))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=view) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert renders == [published.pk]
    assert len(bodies) == 2 and bodies[0] == bodies[1]
