"""The status dashboard's filters and sorting, and the coordinator's summary of a measure."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from measures.attainment import mean_percent
from measures.forms import choices
from measures.forms.transitions import limit_units, unit_choice_field
from measures.models import Phase, Program, TrafficLight
from measures.transitions import transition_units
from organizations.content_language import mark_choice_languages
from organizations.formtools import limit_choices
from organizations.ids import IdChoiceField
from organizations.models import Organization, Unit
from reports.content import MeasureContent
from reports.models import MeasureSummary

STATUS_ORDER = {"red": 0, "yellow": 1, "green": 2}
DASHBOARD_PARAMETERS = ("program", "phase", "status", "unit", "service", "sort", "page", "view")


def _by_attainment(measure: MeasureContent) -> tuple[Any, ...]:
    # Lowest attainment first (what lags behind); measures without measurements last.
    share = mean_percent(i["attainment_percent"] for i in measure["indicators"])
    return (share is None, share or 0, measure["name"].lower(), measure["id"])


SORTS: dict[str, Callable[[MeasureContent], tuple[Any, ...]]] = {
    "program": lambda m: (m["program"].lower(), m["name"].lower(), m["id"]),
    "name": lambda m: (m["name"].lower(), m["id"]),
    "phase": lambda m: (m["phase"], m["name"].lower(), m["id"]),
    "status": lambda m: (STATUS_ORDER.get(m["status"], 3), m["name"].lower(), m["id"]),
    # Longest in its phase first: the measures that may be stuck.
    "time_in_phase": lambda m: (m["phase_since"], m["name"].lower(), m["id"]),
    "attainment": _by_attainment,
}


class DashboardFilterForm(forms.Form):
    """Every field optional; a value that is not understood is left out (and said so)."""

    # The empty choices say what choosing nothing means (not Django's "---------").
    program = IdChoiceField(
        label=_("Programme"),
        queryset=Program.objects.none(),
        required=False,
        empty_label=_("All programmes"),
    )
    phase = forms.TypedChoiceField(
        label=_("Phase"),
        choices=[("", _("All phases")), *Phase.choices],
        coerce=int,
        required=False,
    )
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("All statuses")), *TrafficLight.choices], required=False
    )
    unit = IdChoiceField(
        label=_("Unit"), queryset=Unit.objects.none(), required=False, empty_label=_("All units")
    )
    # The measures that improve a hand-over from or to this unit (measures/transitions.py);
    # partners' units are offered while their partnership is active.
    service = unit_choice_field(
        _("Transition involving"), required=False, empty_label=_("All measures")
    )
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[
            ("program", _("Programme")),
            ("name", _("Name")),
            ("phase", _("Phase")),
            ("status", _("Status (red first)")),
            ("time_in_phase", _("Time in phase (longest first)")),
            ("attainment", _("Goal attainment (lowest first)")),
        ],
    )

    def __init__(self, *args: Any, organization: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit_choices(self, "program", choices.programs(organization))
        limit_choices(self, "unit", choices.units(organization))
        limit_units(self.fields["service"], organization, transition_units(organization))
        mark_choice_languages(self, ("program", "unit"), organization)

    def filters(self) -> dict[str, Any]:
        """The values understood; the ones that were not are dropped (their errors stay on
        the form for the page to show)."""
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items() if value not in ("", None)}


def dashboard_query(back: str) -> str:
    """Only the dashboard's own parameters from a query string handed around (``back``):
    nothing else rides along into the redirect."""
    given = QueryDict(back)
    kept = QueryDict(mutable=True)
    for key in DASHBOARD_PARAMETERS:
        value = given.get(key, "")
        if value:
            kept[key] = value[:50]
    return kept.urlencode()


class MeasureSummaryForm(forms.Form):
    # The dashboard's query string to come back to (see dashboard_query).
    back = forms.CharField(required=False, widget=forms.HiddenInput)
    text = forms.CharField(
        label=_("Summary in plain language"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "A few sentences for readers outside the team, such as politicians: where the "
            "measure stands and what happens next. At most 1000 characters. Leave empty to "
            "remove the summary."
        ),
        error_messages={
            "max_length": _(
                "The summary can be at most %(limit_value)d characters long; "
                "it has %(show_value)d. Shorten it a little."
            )
        },
    )

    @classmethod
    def for_summary(cls, summary: MeasureSummary | None, *, back: str = "") -> MeasureSummaryForm:
        return cls(initial={"text": summary.text if summary else "", "back": back})
