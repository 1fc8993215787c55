"""The audit trail's filters: person, kind of record, measure and period."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from organizations.audit.query import AuditFilters
from organizations.audit.registry import audited_models
from organizations.models import Organization, User
from organizations.widgets import NorwegianDateInput


def _start_of(day: date) -> datetime:
    """Midnight at the start of ``day`` in the organisation's time zone (Europe/Oslo)."""
    return timezone.make_aware(datetime.combine(day, time.min))


def measure_names(organization: Organization) -> dict[int, str]:
    """The organisation's measures (archived ones too: their history stays), by id. The
    measure model is the audited model whose records are measures (``"measure": "id"``)."""
    for entry in audited_models().values():
        if entry.measure == "id":
            name = entry.name[0]
            where = Q()
            for path in entry.organization:
                where |= Q(**{path: organization.pk})
            rows = entry.model._default_manager.filter(where).order_by(name, "pk")
            return dict(rows.values_list("pk", name))
    return {}


class AuditFilterForm(forms.Form):
    person = forms.TypedChoiceField(label=_("Person"), required=False, coerce=int)
    kind = forms.ChoiceField(label=_("Kind of record"), required=False)
    measure = forms.TypedChoiceField(label=_("Measure"), required=False, coerce=int)
    date_from = forms.DateField(label=_("From"), required=False, widget=NorwegianDateInput())
    date_to = forms.DateField(label=_("To"), required=False, widget=NorwegianDateInput())

    def __init__(
        self, *args: Any, organization: Organization, measures: dict[int, str], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        # Everyone who is or was a member: people who left still answer for their changes.
        people = (
            User.objects.filter(memberships__organization=organization)
            .order_by("full_name", "email")
            .values_list("pk", "full_name", "email")
        )
        kinds = sorted(audited_models().values(), key=lambda entry: entry.label.casefold())
        self.lists: dict[str, list[tuple[Any, Any]]] = {
            "person": [
                ("", _("Everyone")),
                *((pk, full_name or email) for pk, full_name, email in people),
            ],
            "kind": [("", _("Every kind")), *((entry.key, entry.label) for entry in kinds)],
            "measure": [("", _("Every measure")), *measures.items()],
        }
        for name, choices in self.lists.items():
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)  # noqa: S101 - declared above
            field.choices = choices

    def options(self) -> dict[str, SafeString]:
        """The ``<option>`` elements of each list, written in one pass: Django renders each
        option with a template of its own, and a large municipality has hundreds of
        measures (see docs/audit-trail.md)."""
        found = {}
        for name, choices in self.lists.items():
            chosen = str(self[name].value() or "")
            found[name] = format_html_join(
                "\n",
                '<option value="{}"{}>{}</option>',
                (
                    (value, mark_safe(" selected") if str(value) == chosen else "", label)
                    for value, label in choices
                ),
            )
        return found

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("The period must end on or after the day it starts."))
        return data

    def filters(self) -> AuditFilters:
        """The filters of a valid form; a day is a whole day in Norwegian time."""
        data = self.cleaned_data
        start, end = data.get("date_from"), data.get("date_to")
        return AuditFilters(
            person=data.get("person") or None,
            kind=data.get("kind") or "",
            measure=data.get("measure") or None,
            start=_start_of(start) if start else None,
            end=_start_of(end + timedelta(days=1)) if end else None,
        )
