"""The form that names a hand-over a measure improves. It validates; nothing else."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from measures.models import Measure, ServiceTransition
from measures.transitions import transition_units, unit_label
from organizations.ids import IdChoiceField
from organizations.models import Organization, Unit

NOT_A_CHOICE = _(
    "Choose a unit of your organisation, or of a partner organisation taking part in this "
    "programme."
)


class UnitChoiceField(IdChoiceField):
    """Units with a partner's name after their own (``organization_id`` is the home one)."""

    organization_id = 0

    def label_from_instance(self, obj: Unit) -> str:
        return unit_label(obj, self.organization_id)


def unit_choice_field(
    label: Any, *, required: bool, empty_label: Any = "---------"
) -> UnitChoiceField:
    return UnitChoiceField(
        label=label,
        queryset=Unit.objects.none(),
        required=required,
        empty_label=empty_label,
        error_messages={"invalid_choice": NOT_A_CHOICE},
    )


def limit_units(field: Any, organization: Organization, queryset: Any) -> None:
    field.queryset = queryset
    field.organization_id = organization.pk


class ServiceTransitionForm(forms.ModelForm):
    from_unit = unit_choice_field(_("From"), required=True)
    to_unit = unit_choice_field(_("To"), required=True)

    class Meta:
        model = ServiceTransition
        fields = ["from_unit", "to_unit", "note"]

    def __init__(self, *args: Any, measure: Measure, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.measure = measure
        units = transition_units(measure.organization, measure.program)
        for name in ("from_unit", "to_unit"):
            limit_units(self.fields[name], measure.organization, units)
        self.fields["from_unit"].help_text = _("The service the children leave.")
        self.fields["to_unit"].help_text = _("The service they come to.")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("from_unit"), data.get("to_unit")
        # The same unit on both sides is refused by the model's constraint.
        if (
            start
            and end
            and start != end
            and ServiceTransition.objects.filter(
                measure=self.measure, from_unit=start, to_unit=end
            ).exists()
        ):
            self.add_error("to_unit", _("This measure already names this hand-over."))
        return data
