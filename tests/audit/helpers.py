"""Helpers for the audit trail's tests."""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms.widgets import ChoiceWidget
from django.test import Client
from django.urls import reverse


def shown_form_data(form: forms.BaseForm) -> dict[str, Any]:
    """What a browser would post for ``form`` untouched: each field's value as rendered."""
    data: dict[str, Any] = {}
    for name, field in form.fields.items():
        if field.disabled:
            continue
        bound = form[name]
        value = bound.value()
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput):
            if value:
                data[bound.html_name] = "on"
        elif isinstance(widget, forms.FileInput):
            continue
        elif isinstance(widget, ChoiceWidget):
            chosen = widget.format_value(value)  # a list of the chosen values as text
            if widget.allow_multiple_selected:
                data[bound.html_name] = chosen
            else:
                data[bound.html_name] = chosen[0] if chosen else ""
        else:
            shown = widget.format_value(value)
            data[bound.html_name] = "" if shown is None else str(shown)
    return data


def change_through_form(client: Client, url: str, *, form: str = "form", **changes: Any) -> Any:
    """GETs the form at ``url``, changes some fields and posts it back: as a person would,
    so the test does not depend on the form's other fields."""
    page = client.get(url)
    assert page.status_code == 200, (url, page.status_code)
    data = shown_form_data(page.context[form])
    data.update(changes)
    response = client.post(url, data)
    assert response.status_code == 302, getattr(response.context[form], "errors", response)
    return response


def audit_page(client: Client, organization: Any, **query: Any) -> Any:
    response = client.get(reverse("audit_trail", args=[organization.slug]), query)
    assert response.status_code == 200
    return response


def newest(client: Client, organization: Any, kind: str) -> Any:
    """The newest entry of a kind on the audit page."""
    entries = audit_page(client, organization, kind=kind).context["entries"]
    assert entries, f"no {kind} in the audit trail"
    return entries[0]


def changes_of(entry: Any) -> dict[str, tuple[str, str]]:
    """``{field's verbose name in lower case: (before, after)}``."""
    return {change.field.lower(): (change.old, change.new) for change in entry.changes}


def audit_csv(client: Client, organization: Any, **query: Any) -> str:
    """The audit trail as CSV, as a person gets it: asked for with the filters, built by the
    worker (run here directly), downloaded from the job's page."""
    from filejobs import services
    from filejobs.models import FileJob

    response = client.post(reverse("audit_trail_export", args=[organization.slug]), query)
    assert response.status_code == 302, response.status_code
    job = FileJob.objects.latest("pk")
    assert response["Location"] == reverse("file_job", args=[organization.slug, job.pk])
    assert services.build(job.pk) == "ready"
    download = client.get(reverse("file_job_download", args=[organization.slug, job.pk]))
    assert download.status_code == 200
    assert download["Content-Type"] == "text/csv; charset=utf-8"
    assert "no-store" in download["Cache-Control"]
    return b"".join(download.streaming_content).decode("utf-8-sig")
