"""Forms for programmes and measures. They validate; nothing else."""

from __future__ import annotations

from typing import Any

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from measures.forms import choices
from measures.life import Life, named_records, records_outside
from measures.lookups import lookup_fields, resolve_lookup
from measures.models import (
    Comment,
    ExternalContributor,
    Measure,
    Phase,
    Program,
    Tag,
    TargetGroup,
    TrafficLight,
)
from measures.tags import tags_for_names
from organizations.formtools import FreeTextLimit, limit_choices
from organizations.ids import IdChoiceField, IdMultipleChoiceField, id_formfield
from organizations.models import Organization, Partnership, Unit, User
from organizations.widgets import NorwegianDateInput, use_quick_selects


class PartnershipChoiceField(IdMultipleChoiceField):
    def label_from_instance(self, obj: Partnership) -> str:
        return f"{obj.partner.name} ({obj.get_access_display()})"


class ProgramForm(FreeTextLimit, forms.ModelForm):
    partnerships = PartnershipChoiceField(
        queryset=Partnership.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Shared with partner organisations"),
    )

    class Meta:
        formfield_callback = id_formfield
        model = Program
        fields = [
            "name",
            "description",
            "coordinator",
            "status",
            "start_date",
            "end_date",
            "units",
            "partnerships",
        ]
        widgets = {
            "start_date": NorwegianDateInput(),
            "end_date": NorwegianDateInput(),
            "units": forms.CheckboxSelectMultiple,
            "description": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args: Any, organization: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.organization = organization
        limit_choices(self, "coordinator", choices.leaders(organization))
        limit_choices(self, "units", choices.units(organization))
        limit_choices(self, "partnerships", choices.partnerships(organization))

    def _save_m2m(self) -> None:
        # The field offers the accepted partnerships only: an invitation waiting for an answer
        # (and an ended one, for the record) stays on the programme whatever the form says.
        kept = list(self.instance.partnerships.filter(is_active=False))
        super()._save_m2m()  # type: ignore[misc]
        self.instance.partnerships.add(*kept)


class TagsField(forms.CharField):
    """Tags typed as a comma-separated list; new ones are created on save."""

    def to_python(self, value: Any) -> list[str]:  # type: ignore[override]
        text = super().to_python(value) or ""
        names: list[str] = []
        for name in (part.strip() for part in text.split(",")):
            if name and name.lower() not in {existing.lower() for existing in names}:
                names.append(name[:60])
        return names


class MeasureForm(FreeTextLimit, forms.ModelForm):
    target_groups = forms.MultipleChoiceField(
        label=_("Target groups"),
        choices=TargetGroup.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    tags_text = TagsField(
        label=_("Tags"),
        required=False,
        help_text=_("Separate with commas, for example: inclusion, kindergarten."),
    )

    # Team leads edit the measures they lead, but programme and leadership stay with the
    # coordinators. The phase is no field at all: every measure starts in phase I and moves
    # only through the gates (or is registered once in a later phase), each move recorded with
    # who, when and why.
    PLANNER_ONLY = ("program", "team_lead")

    class Meta:
        formfield_callback = id_formfield
        model = Measure
        fields = [
            "program",
            "name",
            "description",
            "target_groups",
            "target_group_note",
            "responsible_unit",
            "team_lead",
            "contributors",
            "start_date",
            "end_date",
            "status",
            "status_explanation",
        ]
        widgets = {
            "start_date": NorwegianDateInput(),
            "end_date": NorwegianDateInput(),
            "contributors": forms.CheckboxSelectMultiple,
            "description": forms.Textarea(attrs={"rows": 4}),
            "status_explanation": forms.Textarea(attrs={"rows": 3}),
            "status": forms.RadioSelect,
        }

    def __init__(
        self, *args: Any, organization: Organization, planner: bool, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.organization = organization
        self.instance.organization = organization
        limit_choices(self, "program", choices.programs(organization))
        limit_choices(self, "responsible_unit", choices.units(organization))
        limit_choices(self, "team_lead", choices.leaders(organization))
        limit_choices(self, "contributors", choices.contributors(organization))
        if self.instance.pk:
            self.fields["tags_text"].initial = ", ".join(t.name for t in self.instance.tags.all())
        if not planner:
            for name in self.PLANNER_ONLY:
                del self.fields[name]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        assert data is not None  # noqa: S101 - ModelForm.clean returns the data
        if self.instance.pk:
            self._refuse_leaving_records_outside(data)
        return data

    def _refuse_leaving_records_outside(self, data: dict[str, Any]) -> None:
        """A measure's dates cannot move so that laps, activities, evaluations or routines
        already recorded fall outside its life (measures/life.py). Only a side that changes
        is checked: an unrelated edit is never refused for what was recorded before."""
        stored = self.instance
        start = data.get("start_date") if "start_date" not in self.errors else stored.start_date
        end = data.get("end_date") if "end_date" not in self.errors else stored.end_date
        start_moves = start is not None and start != stored.start_date
        end_moves = end is not None and end != stored.end_date
        if not (start_moves or end_moves):
            return
        outside = records_outside(
            stored, Life(start if start_moves else None, end if end_moves else None)
        )
        if outside.before:
            self.add_error(
                "start_date",
                _(
                    "With this start, these would lie before it: %(records)s. Move or delete "
                    "them first, or choose an earlier start."
                )
                % {"records": named_records(outside.before)},
            )
        if outside.after:
            self.add_error(
                "end_date",
                _(
                    "With this end, these would lie after it: %(records)s. Move or delete "
                    "them first, or choose a later end."
                )
                % {"records": named_records(outside.after)},
            )

    def save_tags(self, measure: Measure) -> None:
        measure.tags.set(
            tags_for_names(self.organization, self.cleaned_data.get("tags_text") or [])
        )


class ExternalContributorForm(forms.ModelForm):
    class Meta:
        model = ExternalContributor
        fields = ["role", "organization_name", "name"]


class CommentForm(FreeTextLimit, forms.ModelForm):
    class Meta:
        model = Comment
        fields = ["text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}


class MeasureFilterForm(forms.Form):
    """The list's filters; every field optional, every choice from this organisation."""

    SORTS = {
        "name": ("name",),
        "phase": ("phase", "name"),
        "status": ("status", "name"),
        "due": ("next_evaluation_due", "name"),
        "updated": ("-updated_at",),
    }

    q = forms.CharField(label=_("Search"), required=False)
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
        label=_("Unit"),
        queryset=Unit.objects.none(),
        required=False,
        empty_label=_("All units"),
    )
    team_lead = IdChoiceField(
        label=_("Team lead"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("All team leads"),
    )
    tag = IdChoiceField(
        label=_("Tag"),
        queryset=Tag.objects.none(),
        required=False,
        empty_label=_("All tags"),
    )
    overdue = forms.BooleanField(label=_("Evaluation overdue"), required=False)
    archived = forms.BooleanField(label=_("Show archived"), required=False)
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[
            ("name", _("Name")),
            ("phase", _("Phase")),
            ("status", _("Status")),
            ("due", _("Next evaluation")),
            ("updated", _("Last changed")),
        ],
    )

    def __init__(self, *args: Any, organization: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit_choices(self, "program", Program.objects.filter(organization=organization))
        limit_choices(self, "unit", choices.units(organization))
        limit_choices(self, "team_lead", choices.leaders(organization))
        limit_choices(self, "tag", Tag.objects.filter(organization=organization))
        # Hundreds of people are too many options: the team lead is searched and chosen.
        lookup_fields(
            self,
            id_field="team_lead",
            text_field="lead",
            label=_("Team lead"),
            url=reverse("lead_lookup", args=[organization.slug]),
        )
        use_quick_selects(self)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        resolve_lookup(self, cleaned, "team_lead", "lead")
        return cleaned
