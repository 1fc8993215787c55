"""Forms for the logic model and the knowledge base. They validate; the views save."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q, QuerySet
from django.template.defaultfilters import truncatechars
from django.utils.translation import gettext_lazy as _

from measures.models import KnowledgeItem, LogicColumn, LogicElement, LogicLink, Measure
from measures.uploads import clean_upload, prepare_upload_field
from organizations.formtools import FreeTextLimit, limit_choices, radio_without_empty
from organizations.ids import IdChoiceField
from organizations.widgets import NorwegianDateInput

# --- the logic model ---------------------------------------------------------------------------


def arrow_breaks_the_chain(source_column: int, target_column: int) -> bool:
    """True when an arrow between these columns is not allowed (see LogicLink.clean)."""
    return LogicColumn.ASSUMPTIONS in (source_column, target_column) or (
        target_column <= source_column
    )


class LogicElementForm(forms.ModelForm):
    class Meta:
        model = LogicElement
        fields = ["column", "text"]
        widgets = {"column": forms.RadioSelect, "text": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "text": _("A short statement, for example: two hours of supervision a month."),
        }

    def __init__(self, *args: Any, measure: Measure, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.measure = measure
        radio_without_empty(self, "column", LogicColumn.choices)

    def clean_column(self) -> int:
        column: int = self.cleaned_data["column"]
        element = self.instance
        if element.pk is None or column == element.column:
            return column
        # Moving an element to another column must not leave arrows pointing backwards or
        # at an assumption; the author removes those arrows first, knowingly.
        broken = [
            link
            for link in LogicLink.objects.filter(Q(source=element) | Q(target=element))
            .select_related("source", "target")
            .order_by("pk")
            if arrow_breaks_the_chain(
                column if link.source_id == element.pk else link.source.column,
                column if link.target_id == element.pk else link.target.column,
            )
        ]
        if broken:
            raise ValidationError(
                _(
                    "In that column these arrows would no longer point forwards along the "
                    "chain: %(arrows)s. Delete them first, or choose another column."
                ),
                params={"arrows": "; ".join(str(link) for link in broken)},
            )
        return column


class ElementChoiceField(IdChoiceField):
    def label_from_instance(self, obj: LogicElement) -> str:
        return f"{obj.get_column_display()}: {truncatechars(obj.text, 90)}"


class LogicLinkForm(forms.Form):
    """An arrow between two elements of this measure's chain (assumptions take no arrows)."""

    source = ElementChoiceField(
        label=_("From"),
        queryset=LogicElement.objects.none(),
        help_text=_("The element the arrow starts at."),
    )
    target = ElementChoiceField(
        label=_("To"),
        queryset=LogicElement.objects.none(),
        help_text=_("An element further along the chain, which the first one leads to."),
    )

    def __init__(self, *args: Any, measure: Measure, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.measure = measure
        chain: QuerySet[LogicElement] = (
            LogicElement.objects.filter(measure=measure)
            .exclude(column=LogicColumn.ASSUMPTIONS)
            .order_by("column", "position", "pk")
        )
        limit_choices(self, "source", chain)
        limit_choices(self, "target", chain)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        source, target = cleaned.get("source"), cleaned.get("target")
        if source is None or target is None:
            return cleaned
        link = LogicLink(measure=self.measure, source=source, target=target)
        try:
            link.clean()
        except ValidationError as error:
            # Shown next to "To", so the message names a field the person can change.
            self.add_error("target", error)
            return cleaned
        if LogicLink.objects.filter(source=source, target=target).exists():
            self.add_error("target", _("This arrow is already in the logic model."))
            return cleaned
        self.link = link
        return cleaned


class MoveForm(forms.Form):
    direction = forms.ChoiceField(choices=[("up", _("Up")), ("down", _("Down"))])


# --- the knowledge base ------------------------------------------------------------------------


def _knowledge_formfield(model_field: models.Field, **kwargs: Any) -> forms.Field | None:
    # Links typed without a scheme are taken to be https (Django 6's default, chosen now).
    if isinstance(model_field, models.URLField):
        kwargs["assume_scheme"] = "https"
    return model_field.formfield(**kwargs)


class KnowledgeItemForm(FreeTextLimit, forms.ModelForm):
    class Meta:
        model = KnowledgeItem
        formfield_callback = _knowledge_formfield
        fields = ["kind", "summary", "source", "url", "file", "date"]
        widgets = {
            "kind": forms.RadioSelect,
            "summary": forms.Textarea(attrs={"rows": 4}),
            "date": NorwegianDateInput(),
        }
        help_texts = {
            "summary": _(
                "What it tells us, in a few sentences. Aggregate figures only: never names or "
                "details about individual children or families."
            ),
            "source": _("For example: the pupil survey 2025, Ungdata, a research report."),
            "url": _("A link to the source. Give a link or upload a file, not both."),
            "date": _("When the figures or the source are from, for example 31.12.2026."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        radio_without_empty(self, "kind", KnowledgeItem.Kind.choices)
        prepare_upload_field(self.fields["file"])

    def clean_file(self) -> Any:
        return clean_upload(self.cleaned_data.get("file"))
