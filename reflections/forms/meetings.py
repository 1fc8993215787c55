"""Planning a learning meeting (its subject, time, place, participants and agenda) and the
filters of the meeting and action item lists. Every choice is limited to the organisation's own
rows; team leads are offered only the measures they lead."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from measures.models import Measure, Program
from organizations.formtools import FreeTextLimit, limit_choices
from organizations.ids import IdChoiceField, IdMultipleChoiceField
from organizations.models import Membership, Organization, Role, User
from organizations.widgets import NorwegianDateInput
from reflections.models import ActionItem, LearningMeeting
from yearwheel.forms import TIME_WIDGET_ATTRS

ROLE_LABELS = dict(Role.choices)


def participant_choices(
    organization: Organization, meeting: LearningMeeting | None = None
) -> QuerySet[User]:
    """The organisation's active members, each with their role there (``org_role``). A
    meeting's present participants stay choices even after they left: saving a correction
    must not quietly drop them from the record."""
    members = Membership.objects.active().filter(organization=organization, user__is_active=True)
    found = Q(pk__in=members.values("user_id"))
    if meeting is not None and meeting.pk:
        found |= Q(pk__in=meeting.participants.values("pk"))
    role = members.filter(user=OuterRef("pk")).values("role")[:1]
    return (
        User.objects.filter(found).annotate(org_role=Subquery(role)).order_by("full_name", "email")
    )


class ParticipantsField(IdMultipleChoiceField):
    def label_from_instance(self, obj: User) -> str:
        role = ROLE_LABELS.get(getattr(obj, "org_role", None) or "")
        if role is None:
            return gettext("%(name)s (no longer a member)") % {"name": obj}
        return f"{obj} ({role})"


class MeasureChoiceField(IdChoiceField):
    def label_from_instance(self, obj: Measure) -> str:
        return f"{obj.name} ({obj.program.name})"


class MeetingForm(FreeTextLimit, forms.ModelForm):
    """A meeting on a measure, or (planners only) on a whole programme.

    ``planner`` (coordinators and admins) may choose any measure of the organisation or a
    programme without a measure; others (team leads) only the measures they lead, so a
    forged choice of another measure is refused as an invalid choice."""

    class Meta:
        model = LearningMeeting
        fields = [
            "measure",
            "program",
            "title",
            "date",
            "start_time",
            "end_time",
            "place",
            "participants",
            "agenda",
            "notes",
        ]
        field_classes = {"measure": MeasureChoiceField, "participants": ParticipantsField}
        widgets = {
            "date": NorwegianDateInput(),
            "start_time": forms.TimeInput(format="%H:%M", attrs=TIME_WIDGET_ATTRS),
            "end_time": forms.TimeInput(format="%H:%M", attrs=TIME_WIDGET_ATTRS),
            "participants": forms.CheckboxSelectMultiple,
            "agenda": forms.Textarea(attrs={"rows": 8}),
            "notes": forms.Textarea(attrs={"rows": 6}),
        }
        help_texts = {
            "participants": _("Active members of the organisation."),
            "agenda": _(
                "One item a line. The meeting's page shows the action items earlier meetings "
                "left open, and the questions chosen."
            ),
            "notes": _("What was said that belongs in the minutes."),
        }

    def __init__(
        self, *args: Any, organization: Organization, user: User, planner: bool, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.organization = organization
        self.planner = planner
        instance = self.instance
        instance.organization = organization
        current = Q(pk=instance.measure_id) if instance.measure_id else Q(pk__in=[])
        measures = Measure.objects.filter(organization=organization).filter(
            Q(is_archived=False) | current
        )
        if not planner:
            measures = measures.filter(team_lead=user)
        limit_choices(self, "measure", measures.select_related("program").order_by("name", "pk"))
        measure = self.fields["measure"]
        measure.required = False  # clean() says what is missing, in words that fit the role
        measure.error_messages["invalid_choice"] = (
            _("Choose one of the measures listed.")
            if planner
            else _("Choose one of the measures you lead.")
        )
        if planner:
            current_program = Q(pk=instance.program_id) if instance.program_id else Q(pk__in=[])
            limit_choices(
                self,
                "program",
                Program.objects.filter(organization=organization).filter(
                    Q(is_archived=False) | current_program
                ),
            )
            measure.help_text = _(
                "For a meeting of a whole programme, leave this empty and choose the programme."
            )
            self.fields["program"].help_text = _(
                "Only for a meeting of the whole programme: a measure's meeting belongs to the "
                "measure's programme."
            )
        else:
            del self.fields["program"]
        limit_choices(self, "participants", participant_choices(organization, instance))
        self.fields["participants"].error_messages["required"] = _(
            "A meeting needs at least one participant."
        )
        if instance.pk is None:
            del self.fields["notes"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        measure: Measure | None = cleaned.get("measure")
        program: Program | None = cleaned.get("program")
        if measure is not None:
            if program is not None and program.pk != measure.program_id:
                self.add_error(
                    "program",
                    _(
                        "The measure belongs to the programme “%(program)s”. Leave the "
                        "programme empty, or choose that one."
                    )
                    % {"program": measure.program.name},
                )
            else:
                cleaned["program"] = measure.program
        elif not self.has_error("measure") and not self.has_error("program"):
            if not self.planner:
                self.add_error(
                    "measure",
                    forms.ValidationError(
                        _("Choose the measure the meeting is about."), code="no_subject"
                    ),
                )
            elif program is None:
                self.add_error(
                    "measure",
                    forms.ValidationError(
                        _(
                            "Choose the measure the meeting is about, or a programme for a "
                            "meeting of the whole programme."
                        ),
                        code="no_subject",
                    ),
                )
        return cleaned

    def _post_clean(self) -> None:
        super()._post_clean()  # type: ignore[misc]
        # Without a subject the model's own check would repeat, for the whole form, what the
        # measure field already says.
        if self.has_error("measure"):
            self.errors.pop(NON_FIELD_ERRORS, None)


class MeetingFilterForm(forms.Form):
    """The meeting list's filters; every field optional, every choice from this organisation."""

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
    state = forms.ChoiceField(
        label=_("State"),
        choices=[("", _("All states")), *LearningMeeting.State.choices],
        required=False,
    )
    archived = forms.BooleanField(label=_("Show archived"), required=False)

    def __init__(self, *args: Any, organization: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit_choices(self, "program", Program.objects.filter(organization=organization))
        limit_choices(
            self, "measure", Measure.objects.filter(organization=organization).order_by("name")
        )


ALL = "all"


class ActionItemFilterForm(forms.Form):
    """The action item list's filters: the open items unless another status is asked for."""

    status = forms.ChoiceField(
        label=_("Status"),
        choices=[*ActionItem.Status.choices, (ALL, _("All"))],
        required=False,
    )
    measure = IdChoiceField(
        label=_("Measure"),
        queryset=Measure.objects.none(),
        required=False,
        empty_label=_("All measures"),
    )
    mine = forms.BooleanField(label=_("Only mine"), required=False)
    overdue = forms.BooleanField(label=_("Only overdue"), required=False)

    def __init__(self, *args: Any, organization: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["status"].initial = ActionItem.Status.OPEN
        limit_choices(
            self, "measure", Measure.objects.filter(organization=organization).order_by("name")
        )
