"""Inviting a partner to a programme, and choosing what a partnership shares."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils import translation
from django.utils.translation import gettext as gettext_now
from django.utils.translation import gettext_lazy as _

from measures.models import Measure, Program
from measures.partnerships import open_partnership_exists
from organizations.formtools import FreeTextLimit, limit_choices, radio_without_empty
from organizations.models import Organization, Partnership


class PartnershipInviteForm(FreeTextLimit, forms.Form):
    program = forms.ModelChoiceField(queryset=Program.objects.none(), label=_("Programme"))
    partner = forms.CharField(
        label=_("Organisation"),
        max_length=150,
        help_text=_("The municipality or county number (4601, 46) or the organisation's name."),
    )
    access = forms.ChoiceField(
        label=_("Access"), choices=Partnership.Access.choices, widget=forms.RadioSelect
    )
    message = forms.CharField(
        label=_("Message to the partner"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, organization: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organization = organization
        limit_choices(
            self,
            "program",
            Program.objects.filter(organization=organization, is_archived=False).order_by("name"),
        )
        self.fields["access"].initial = Partnership.Access.READ

    def clean_partner(self) -> Organization:
        said = self.cleaned_data["partner"].strip()
        found = list(
            Organization.objects.filter(is_active=True)
            .filter(Q(number=said) | Q(name__iexact=said))
            .exclude(pk=self.organization.pk)[:2]
        )
        if not found:
            raise forms.ValidationError(
                _("No other organisation in Tiltakshjulet has that number or name."),
                code="not_found",
            )
        if len(found) > 1:  # two with the same name: the number tells them apart
            raise forms.ValidationError(
                _("More than one organisation has that name: use its number."), code="ambiguous"
            )
        return found[0]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        program, partner = cleaned.get("program"), cleaned.get("partner")
        if program and partner and open_partnership_exists(program, partner):
            raise forms.ValidationError(
                _("%(partner)s is already invited to or taking part in this programme.")
                % {"partner": partner.name},
                code="exists",
            )
        return cleaned


class SharingForm(forms.ModelForm):
    """What one partnership shares; the measures are those of its programmes."""

    measures = forms.ModelMultipleChoiceField(
        queryset=Measure.objects.none(),
        required=False,
        label=_("Chosen measures"),
        help_text=_("Used when not all measures of the programme are shared."),
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Partnership
        fields = [
            "access",
            "share_all_measures",
            "share_status",
            "share_indicators",
            "share_decisions",
            "share_plan",
            "share_learning",
        ]
        widgets = {"access": forms.RadioSelect}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Access is always one of the two; a required radio list offers no empty choice.
        radio_without_empty(self, "access")
        measures: QuerySet[Measure] = Measure.objects.filter(
            program__partnerships=self.instance, is_archived=False
        ).order_by("program__name", "name")
        limit_choices(self, "measures", measures)
        self.fields["measures"].initial = list(
            self.instance.chosen_measures.values_list("pk", flat=True)
        )

    def save(self, commit: bool = True) -> Partnership:
        # The chosen measures are a many-to-many without a history of their own: the
        # partnership's entry in the audit trail names them, in the grantor's written standard.
        chosen = self.cleaned_data["measures"]
        if not self.cleaned_data.get("share_all_measures"):
            with translation.override(self.instance.grantor.written_standard):
                names = ", ".join(measure.name for measure in chosen) or "–"
                reason = gettext_now("Measures shared: %(names)s") % {"names": names}
            self.instance._change_reason = reason
        partnership: Partnership = super().save(commit=commit)
        partnership.chosen_measures.set(chosen)
        return partnership
