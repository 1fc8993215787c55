"""The narrowing shared by the wheel, the agenda, the print view, the PDF and the .ics file."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from dataversion import versions
from measures.forms.choices import programs, units
from measures.models import Measure, Program
from organizations.content_language import mark_choice_languages
from organizations.ids import IdChoiceField, IdMultipleChoiceField
from organizations.models import Organization, Unit
from yearwheel.models import Kind, Ring
from yearwheel.occurrences import Scope


class WheelFilterForm(forms.Form):
    """GET parameters ``program``, ``measure``, ``unit``, ``ring`` (repeated) and ``kind``
    (repeated). Values that do not belong to the organisation are errors, never leaks."""

    program = IdChoiceField(
        label=_("Programme"),
        queryset=Program.objects.none(),
        required=False,
        empty_label=_("All programmes"),
    )
    measure = IdChoiceField(
        label=_("Measure"),
        queryset=Measure.objects.none(),
        required=False,
        empty_label=_("All measures"),
    )
    unit = IdChoiceField(
        label=_("Unit"), queryset=Unit.objects.none(), required=False, empty_label=_("All units")
    )
    ring = IdMultipleChoiceField(
        label=_("Rings"),
        queryset=Ring.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None chosen: the rings shown on the wheel."),
    )
    kind = forms.MultipleChoiceField(
        label=_("Kinds"),
        choices=Kind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, organization: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["program"].queryset = programs(organization)  # type: ignore[attr-defined]
        self.fields["measure"].queryset = (  # type: ignore[attr-defined]
            Measure.objects.active().filter(organization=organization).order_by("name")
        )
        self.fields["unit"].queryset = units(organization)  # type: ignore[attr-defined]
        self.fields["ring"].queryset = (  # type: ignore[attr-defined]
            Ring.objects.active().filter(organization=organization)
        )
        mark_choice_languages(self, ("program", "measure", "unit", "ring"), organization)

    def scope(self) -> Scope:
        if not self.is_bound or not self.is_valid():
            return Scope()
        data = self.cleaned_data
        return Scope(
            program_id=data["program"].pk if data["program"] else None,
            measure_id=data["measure"].pk if data["measure"] else None,
            unit_id=data["unit"].pk if data["unit"] else None,
            ring_ids=frozenset(ring.pk for ring in data["ring"]),
            kinds=frozenset(data["kind"]),
        )


# A day: entries nobody reads any more (the version moved on) go without being asked for.
FILTER_FIELDS_SECONDS = 24 * 60 * 60


def cached_filter_fields(
    organization: Organization, form: WheelFilterForm, pairs: list[tuple[str, str]]
) -> SafeString:
    """The filter form's fields as markup, from the cache while the organisation's data
    version stands: the choices (every programme, measure, unit and ring) are the same for
    every reader, and rendering 500 measures as options cost more than an agenda month's table
    and a good part of the wheel page. The chosen values (``pairs``) and the language are in
    the key."""
    key = versions.key(
        "wheel-filter",
        versions.current([organization.pk]),
        organization.pk,
        sorted(pairs),
        translation.get_language(),
        organization.written_standard,  # the options' lang (organizations/content_language.py)
    )
    found: str | None = cache.get(key)
    if found is None:
        found = render_to_string("yearwheel/includes/filter_fields.html", {"filter_form": form})
        cache.set(key, found, FILTER_FIELDS_SECONDS)
    return mark_safe(found)  # noqa: S308 - rendered by the template engine, escaped there
