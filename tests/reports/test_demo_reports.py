"""The demo's reports: summaries for every measure and two four-month reports a term apart,
whose comparison shows phase moves, status changes and indicator changes."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.urls import reverse

from measures.models import Measure
from reports.compare import compare
from reports.models import MeasureSummary, PublishedReport
from reports.pdfjobs import render_and_store


@pytest.mark.django_db
def test_the_demo_has_two_published_reports_a_term_apart_that_differ(client, password_login):
    call_command("seed_demo", password="demo-passord-1")
    call_command("seed_demo", password="demo-passord-1")
    assert PublishedReport.objects.count() == 2, "seeding twice publishes nothing twice"
    assert (
        MeasureSummary.objects.count()
        == Measure.objects.filter(organization__slug__in=["demo-kommune", "demo-herad"]).count()
    )

    older, newer = PublishedReport.objects.order_by("published_at")
    assert (newer.published_at - older.published_at).days > 100
    comparison = compare(older.content, newer.content)
    assert comparison.phase_moves == 2
    assert comparison.status_changes >= 2
    assert comparison.indicator_changes > 0

    assert password_login("politiker@demo-kommune.no", "demo-passord-1")
    render_and_store(newer.pk)  # what the worker does after publishing
    for name in ("published_report", "published_report_compare", "published_report_pdf"):
        url = reverse(name, args=["demo-kommune", newer.pk])
        assert client.get(url).status_code == 200, name
