"""Two first downloads at once queue one render, and two workers given the same render make one
file: the row's lock decides, not luck. Threads with their own database connections, on
committed data (a transactional test)."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from reports import pdfjobs
from reports.models import PublishedReport
from tests.conftest import require_or_skip
from tests.factories import MeasureFactory, ProgramFactory, ReportFactory
from tests.second_factor import pass_second_factor

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _postgresql():
    require_or_skip(connection.vendor == "postgresql", "row locks need PostgreSQL")


@pytest.fixture
def queued(monkeypatch):
    sent = []
    monkeypatch.setattr(
        "reports.tasks.render_report_pdf.apply_async",
        lambda args, countdown=None, **options: sent.append(args[0]),
    )
    return sent


@pytest.fixture
def missing_pdf(organization, coordinator, queued):
    MeasureFactory(program=ProgramFactory(organization=organization), name="Trygge friminutt")
    published = pdfjobs_publish(organization, coordinator)
    queued.clear()
    # As a version published before PDFs were queued: the first download asks for it.
    PublishedReport.objects.filter(pk=published.pk).update(pdf_state="missing")
    return published


def pdfjobs_publish(organization, user):
    from reports.publishing import publish

    return publish(ReportFactory(organization=organization), user)


def slowed(monkeypatch, module, name, seconds=0.3):
    """Makes ``module.name`` wait before it answers: without the row lock, the other thread
    would decide the same thing meanwhile."""
    original = getattr(module, name)

    def slow(*args, **kwargs):
        answer = original(*args, **kwargs)
        time.sleep(seconds)
        return answer

    monkeypatch.setattr(module, name, slow)


def run_together(*calls):
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)
    errors: list = []

    def run(index, call):
        try:
            barrier.wait()
            results[index] = call()
        except Exception as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    return results


def member_client(user) -> Client:
    client = Client()
    client.force_login(user)
    pass_second_factor(client, user)
    return client


def test_two_first_downloads_at_once_queue_one_render(
    viewer, member, missing_pdf, queued, monkeypatch
):
    slowed(monkeypatch, pdfjobs, "needs_render")
    url = reverse("published_report_pdf", args=[missing_pdf.organization.slug, missing_pdf.pk])
    first, second = member_client(viewer), member_client(member)
    statuses = run_together(lambda: first.get(url).status_code, lambda: second.get(url).status_code)
    assert statuses == [202, 202]
    assert queued == [missing_pdf.pk]


def test_two_workers_given_the_same_render_make_one_file(missing_pdf, monkeypatch):
    renders = []

    def render(published, **kwargs):
        renders.append(published.pk)
        time.sleep(0.3)
        return b"%PDF-1.7 one render"

    monkeypatch.setattr("reports.pdfjobs.render_pdf", render)
    slowed(monkeypatch, pdfjobs, "claimable")
    outcomes = run_together(
        lambda: pdfjobs.render_and_store(missing_pdf.pk),
        lambda: pdfjobs.render_and_store(missing_pdf.pk),
    )
    assert sorted(outcomes) == ["skipped", "stored"]
    assert renders == [missing_pdf.pk]
    stored = PublishedReport.objects.get(pk=missing_pdf.pk)
    assert stored.pdf_state == "ready"
    assert stored.pdf_attempts == 1
    with stored.pdf.open("rb") as file:
        assert file.read() == b"%PDF-1.7 one render"
