"""The body of a published report, rendered once and stored.

A 500-measure report's body is some 4.6 MB of HTML; rendering it from the frozen content on
every view made the published page one of the slowest in the product. The content never
changes, and the body is wholly in the report's written standard (its template sets the
language), so it is rendered on first need, stored on the row, and every later view (member
page, share link, PDF) wraps the stored fragment in a page in the reader's language.
"""

from __future__ import annotations

from django.db import transaction
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from reports.models import PublishedReport

TEMPLATE = "reports/includes/published_body.html"


def render_body(published: PublishedReport) -> str:
    return render_to_string(TEMPLATE, {"content": published.content, "published": published})


def stored_body(published: PublishedReport) -> SafeString:
    """The report's body: the stored one, or rendered and stored now under the row's lock
    (two first readers at once render it once; the second waits and reads it)."""
    if not published.body_html:
        with transaction.atomic():
            stored = (
                PublishedReport.objects.select_for_update()
                .only("pk", "body_html")
                .get(pk=published.pk)
            )
            if not stored.body_html:
                stored.body_html = render_body(published)
                PublishedReport.objects.filter(pk=published.pk).update(body_html=stored.body_html)
        published.body_html = stored.body_html
    # Rendered by our own template with autoescaping from the frozen content.
    return mark_safe(published.body_html)  # noqa: S308
