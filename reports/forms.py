"""Forms for composing a report: what it covers and says, and a comment per measure. The
forms validate; the views save (reports/publishing.py for the comments)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from measures.models import Measure, Program
from organizations.formtools import FreeTextLimit, limit_choices
from organizations.models import Organization
from organizations.widgets import NorwegianDateInput
from reports.models import Report

COMMENT_MAX_LENGTH = 2000


class ReportForm(FreeTextLimit, forms.ModelForm):
    class Meta:
        model = Report
        fields = ["title", "kind", "program", "period_start", "period_end", "introduction"]
        widgets = {
            "period_start": NorwegianDateInput(),
            "period_end": NorwegianDateInput(),
            "introduction": forms.Textarea(attrs={"rows": 6}),
        }
        help_texts = {
            "introduction": _(
                "Shown at the top of the report, before the figures. Write for readers who "
                "are not in the teams."
            ),
        }

    def __init__(self, *args: Any, organization: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.organization = organization
        # A programme archived since the report was made stays a valid choice, so saving the
        # form never forces a change nobody asked for.
        limit_choices(
            self,
            "program",
            Program.objects.filter(
                Q(is_archived=False) | Q(pk=self.instance.program_id), organization=organization
            ),
        )
        program = self.fields["program"]
        assert isinstance(program, forms.ModelChoiceField)  # noqa: S101 - a ModelForm field
        program.empty_label = _("Every programme")


@dataclass(frozen=True)
class CommentGroup:
    """The comment fields of one programme's measures, for a fieldset each."""

    program: str
    fields: list[forms.BoundField]


class ReportCommentsForm(forms.Form):
    """One optional comment per measure in the report's scope (``measure_<pk>``)."""

    def __init__(
        self,
        *args: Any,
        measures: Iterable[Measure],
        comments: dict[int, str],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.measures = list(measures)
        for measure in self.measures:
            self.fields[self.field_name(measure)] = forms.CharField(
                label=measure.name,
                required=False,
                max_length=COMMENT_MAX_LENGTH,
                initial=comments.get(measure.pk, ""),
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    @staticmethod
    def field_name(measure: Measure) -> str:
        return f"measure_{measure.pk}"

    def groups(self) -> list[CommentGroup]:
        groups: list[CommentGroup] = []
        for measure in self.measures:
            name = measure.program.name
            if not groups or groups[-1].program != name:
                groups.append(CommentGroup(name, []))
            groups[-1].fields.append(self[self.field_name(measure)])
        return groups

    def texts(self) -> dict[int, str]:
        """Measure id → the comment typed (may be empty: the comment is removed)."""
        return {
            measure.pk: self.cleaned_data.get(self.field_name(measure), "")
            for measure in self.measures
        }
