"""Forms of the lessons log: a lesson with its sources and tags, and the search. Every choice is
limited to one organisation; the forms validate, the views save."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.db.models import Q
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from measures.forms.choices import partnerships
from measures.forms.core import PartnershipChoiceField, TagsField
from measures.lookups import lookup_fields, resolve_lookup
from measures.models import Evaluation, Measure, Phase, Program, Tag
from organizations.formtools import FreeTextLimit, limit_choices
from organizations.ids import IdChoiceField
from organizations.models import Organization, Partnership
from organizations.widgets import use_quick_selects
from phases.models import PilotIteration
from reflections.models import LearningMeeting, Lesson


def short(day: date) -> str:
    return str(formats.date_format(day, "SHORT_DATE_FORMAT"))


class IterationChoiceField(IdChoiceField):
    def label_from_instance(self, obj: PilotIteration) -> str:
        return gettext("%(measure)s – lap %(number)s, %(start)s–%(end)s") % {
            "measure": obj.measure.name,
            "number": obj.number,
            "start": short(obj.period_start),
            "end": short(obj.period_end),
        }


class EvaluationChoiceField(IdChoiceField):
    def label_from_instance(self, obj: Evaluation) -> str:
        return gettext("%(measure)s – evaluation %(start)s–%(end)s") % {
            "measure": obj.measure.name,
            "start": short(obj.period_start),
            "end": short(obj.period_end),
        }


class MeetingChoiceField(IdChoiceField):
    def label_from_instance(self, obj: LearningMeeting) -> str:
        subject = obj.measure or obj.program
        return gettext("%(subject)s – %(title)s, %(date)s") % {
            "subject": subject.name if subject else "–",
            "title": obj.title,
            "date": short(obj.date),
        }


class LessonForm(FreeTextLimit, forms.ModelForm):
    tags_text = TagsField(
        label=_("Tags"),
        required=False,
        help_text=_("Separate with commas, for example: inclusion, kindergarten."),
    )

    SOURCES = ("iteration", "evaluation", "meeting")

    class Meta:
        model = Lesson
        fields = [
            "title",
            "lesson",
            "context",
            "phase",
            "program",
            "measure",
            "iteration",
            "evaluation",
            "meeting",
            "shared_with",
        ]
        field_classes = {
            "iteration": IterationChoiceField,
            "evaluation": EvaluationChoiceField,
            "meeting": MeetingChoiceField,
            "shared_with": PartnershipChoiceField,
        }
        widgets = {
            "lesson": forms.Textarea(attrs={"rows": 5}),
            "context": forms.Textarea(attrs={"rows": 3}),
            "shared_with": forms.CheckboxSelectMultiple,
        }
        labels = {"shared_with": _("Share with partner organisations")}
        help_texts = {
            "program": _("Filled in from the measure when a measure is chosen."),
            "measure": _("Optional: filled in from the lap, evaluation or meeting if left empty."),
            "iteration": _("Optional: the pilot lap the lesson came from."),
            "evaluation": _("Optional: the evaluation the lesson came from."),
            "meeting": _("Optional: the learning meeting the lesson came from."),
            "shared_with": _(
                "Partner organisations see the lesson, its context and tags, and that it came "
                "from you. They see nothing else of your measures through it."
            ),
        }

    def __init__(
        self, *args: Any, organization: Organization, can_share: bool, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.organization = organization
        instance = self.instance
        instance.organization = organization
        # What the lesson already points at stays a valid choice, even if archived since:
        # saving the form must not force a change nobody asked for.
        limit_choices(
            self,
            "program",
            Program.objects.filter(
                Q(is_archived=False) | Q(pk=instance.program_id), organization=organization
            ),
        )
        limit_choices(
            self,
            "measure",
            Measure.objects.filter(
                Q(is_archived=False) | Q(pk=instance.measure_id), organization=organization
            ).order_by("name"),
        )
        limit_choices(
            self,
            "iteration",
            PilotIteration.objects.filter(measure__organization=organization)
            .filter(Q(measure__is_archived=False) | Q(pk=instance.iteration_id))
            .select_related("measure")
            .order_by("measure__name", "number"),
        )
        limit_choices(
            self,
            "evaluation",
            Evaluation.objects.filter(measure__organization=organization)
            .filter(Q(measure__is_archived=False) | Q(pk=instance.evaluation_id))
            .select_related("measure")
            .order_by("measure__name", "-period_end", "-pk"),
        )
        limit_choices(
            self,
            "meeting",
            LearningMeeting.objects.filter(organization=organization)
            .filter(Q(is_archived=False) | Q(pk=instance.meeting_id))
            .select_related("measure", "program")
            .order_by("-date", "-pk"),
        )
        if can_share:
            limit_choices(self, "shared_with", partnerships(organization).order_by("partner__name"))
        else:
            # Only planners share: without the field a posted value is never read.
            del self.fields["shared_with"]
        phase = self.fields["phase"]
        assert isinstance(phase, forms.ChoiceField)  # noqa: S101 - a programming error
        phase.choices = [("", _("No particular phase")), *Phase.choices]
        if instance.pk:
            self.initial["tags_text"] = ", ".join(tag.name for tag in instance.tags.all())

    def clean_shared_with(self) -> list[Partnership]:
        chosen = list(self.cleaned_data.get("shared_with") or [])
        if self.instance.pk:
            # Shares through partnerships no longer offered (made inactive) are kept: they
            # count again if the partnership is taken up again.
            offered = self.fields["shared_with"].queryset  # type: ignore[attr-defined]
            chosen += list(self.instance.shared_with.exclude(pk__in=offered.values("pk")))
        return chosen

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not any(name in self.errors for name in ("measure", "program", *self.SOURCES)):
            self._clean_links(cleaned)
        return cleaned

    def _clean_links(self, cleaned: dict[str, Any]) -> None:
        """Every source belongs to the measure; the measure to the programme. A lesson from
        a lap, evaluation or meeting of a measure is about that measure when none is chosen."""
        sources = [(name, cleaned.get(name)) for name in self.SOURCES]
        measure: Measure | None = cleaned.get("measure")
        if measure is None:
            for _name, source in sources:
                if source is not None and source.measure_id is not None:
                    cleaned["measure"] = measure = source.measure
                    break
        if measure is not None:
            for name, source in sources:
                if source is not None and source.measure_id != measure.pk:
                    self.add_error(name, self._wrong_measure(name, source, measure))
        program: Program | None = cleaned.get("program")
        expected: Program | None = None
        if measure is not None:
            expected = measure.program
        elif cleaned.get("meeting") is not None:
            expected = cleaned["meeting"].program
        if expected is None:
            return
        if program is not None and program.pk != expected.pk:
            self.add_error(
                "program",
                gettext(
                    "The lesson's measure or meeting belongs to the programme “%(program)s”. "
                    "Choose that programme, or leave the field empty."
                )
                % {"program": expected.name},
            )
        else:
            cleaned["program"] = expected

    @staticmethod
    def _wrong_measure(name: str, source: Any, measure: Measure) -> str:
        # One whole sentence per kind of source: translations need the noun's own grammar.
        if source.measure_id is None:
            return gettext(
                "This meeting is about the programme “%(program)s”, not a measure. Choose a "
                "meeting of “%(chosen)s”, or no meeting."
            ) % {"program": source.program.name if source.program else "–", "chosen": measure.name}
        texts = {
            "iteration": gettext(
                "This pilot lap belongs to the measure “%(measure)s”. Choose a lap of "
                "“%(chosen)s”, or no lap."
            ),
            "evaluation": gettext(
                "This evaluation belongs to the measure “%(measure)s”. Choose an evaluation of "
                "“%(chosen)s”, or no evaluation."
            ),
            "meeting": gettext(
                "This meeting belongs to the measure “%(measure)s”. Choose a meeting of "
                "“%(chosen)s”, or no meeting."
            ),
        }
        return texts[name] % {"measure": source.measure.name, "chosen": measure.name}


class LessonFilterForm(forms.Form):
    """The search: every field optional, every choice from this organisation. ``archived`` is
    offered to planners only."""

    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=200,
        help_text=_("Words in the title, the lesson, its context or its tags."),
    )
    phase = forms.TypedChoiceField(
        label=_("Phase"),
        choices=[("", _("All phases")), *Phase.choices],
        coerce=int,
        required=False,
    )
    tag = IdChoiceField(
        label=_("Tag"),
        queryset=Tag.objects.none(),
        required=False,
        empty_label=_("All tags"),
    )
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
    archived = forms.BooleanField(label=_("Show archived"), required=False)

    def __init__(
        self, *args: Any, organization: Organization, planner: bool, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        # Only the tags lessons use: the organisation's tags also hold the measures' own.
        limit_choices(
            self,
            "tag",
            Tag.objects.filter(organization=organization, lessons__isnull=False)
            .distinct()
            .order_by("name"),
        )
        limit_choices(self, "program", Program.objects.filter(organization=organization))
        limit_choices(
            self, "measure", Measure.objects.filter(organization=organization).order_by("name")
        )
        # Hundreds of measures are too many options: the measure is searched and chosen.
        lookup_fields(
            self,
            id_field="measure",
            text_field="measure_name",
            label=_("Measure"),
            url=reverse("measure_lookup", args=[organization.slug]),
        )
        use_quick_selects(self)
        if not planner:
            del self.fields["archived"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        resolve_lookup(self, cleaned, "measure", "measure_name")
        return cleaned


class SharedLessonFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=200,
        help_text=_("Words in the title, the lesson, its context or its tags."),
    )
    phase = forms.TypedChoiceField(
        label=_("Phase"),
        choices=[("", _("All phases")), *Phase.choices],
        coerce=int,
        required=False,
    )
