"""Forms for running a learning meeting: choosing questions, answering, deciding, agreeing on
action items and closing. They validate; the views and ``reflections.running`` save."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django import forms
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from organizations.formtools import FreeTextLimit, add_correction_reason
from organizations.ids import IdChoiceField, IdMultipleChoiceField
from organizations.models import Membership, Organization, Role, User
from organizations.widgets import NorwegianDateInput
from reflections.models import ActionItem, Answer, LearningMeeting, MeetingDecision, Question


class QuestionChoiceForm(forms.Form):
    """The questions to add to a meeting: any question of the organisation still in use (the
    page offers the ones suggested for the measure's phase)."""

    questions = IdMultipleChoiceField(
        label=_("Questions"),
        queryset=Question.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("Choose at least one question to add."),
            "invalid_choice": _("Choose among the organisation's questions in use."),
            "invalid_pk_value": _("Choose among the organisation's questions in use."),
        },
    )

    def __init__(self, *args: Any, organization: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["questions"]
        assert isinstance(field, forms.ModelMultipleChoiceField)  # noqa: S101
        # The current wording comes along: the meeting keeps the version it was asked in.
        field.queryset = (
            Question.objects.active()
            .filter(organization=organization)
            .select_related("current_version")
            .order_by("position", "pk")
        )


class AnswerForm(FreeTextLimit, forms.ModelForm):
    class Meta:
        model = Answer
        fields = ["text"]
        labels = {"text": _("Your answer")}
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}
        error_messages = {"text": {"required": _("Write an answer before saving.")}}

    def __init__(self, *args: Any, described_by: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if described_by:
            # Several answer fields share a label: each is tied to the question it answers
            # (and, when shown again with an error, to the error).
            ids = [described_by]
            if self.is_bound:
                ids.append(f"{self['text'].auto_id}_error")
            self.fields["text"].widget.attrs["aria-describedby"] = " ".join(ids)


class DecisionForm(FreeTextLimit, forms.ModelForm):
    class Meta:
        model = MeetingDecision
        fields = ["text"]
        labels = {"text": _("Decision")}
        widgets = {"text": forms.Textarea(attrs={"rows": 2})}
        error_messages = {"text": {"required": _("Write the decision before saving.")}}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # The meeting page also holds the action item form, whose text field would otherwise
        # share the id "id_text" (and the label would name the wrong box).
        kwargs.setdefault("auto_id", "id_decision_%s")
        super().__init__(*args, **kwargs)


class DecisionCorrectionForm(FreeTextLimit, forms.Form):
    """A meeting decision as it should read, and why it is corrected."""

    text = forms.CharField(
        label=_("The decision as it should read"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Write the decision before saving.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        add_correction_reason(self, correcting=True)


class OwnerChoiceIterator(forms.models.ModelChoiceIterator):
    """The meeting's participants in one group, the organisation's other members in another."""

    def __iter__(self) -> Iterator[Any]:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        participants: list[Any] = []
        others: list[Any] = []
        for user in self.queryset:
            (participants if getattr(user, "takes_part", False) else others).append(
                self.choice(user)
            )
        if participants:
            yield (str(_("Participants")), participants)
        if others:
            yield (str(_("Other members") if participants else _("Members")), others)


class OwnerField(IdChoiceField):
    iterator = OwnerChoiceIterator


def owner_choices(meeting: LearningMeeting) -> QuerySet[User]:
    """The organisation's active members who may work on content, the meeting's participants
    first. Viewers are left out: they never change anything, so could not tick their item."""
    members = (
        Membership.objects.active()
        .filter(organization_id=meeting.organization_id)
        .exclude(role=Role.VIEWER)
        .values("user_id")
    )
    through = LearningMeeting.participants.through
    return (
        User.objects.filter(is_active=True, pk__in=members)
        .annotate(
            takes_part=Exists(
                through.objects.filter(learningmeeting_id=meeting.pk, user_id=OuterRef("pk"))
            )
        )
        .order_by("-takes_part", "full_name", "email")
    )


class ActionItemForm(forms.ModelForm):
    owner = OwnerField(
        label=_("Owner"),
        queryset=User.objects.none(),
        error_messages={
            "required": _("Choose who owns the action item."),
            "invalid_choice": _("Choose an active member of the organisation as owner."),
        },
    )

    class Meta:
        model = ActionItem
        fields = ["text", "owner", "due_date"]
        labels = {"text": _("What is to be done"), "due_date": _("Due date")}
        widgets = {"due_date": NorwegianDateInput()}
        error_messages = {
            "text": {"required": _("Write what is to be done.")},
            "due_date": {
                "required": _("Give the date the action item is due."),
                "invalid": _("Write the due date like 31.12.2026."),
            },
        }

    def __init__(self, *args: Any, meeting: LearningMeeting, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "id_action_%s")  # unique beside the decision form
        super().__init__(*args, **kwargs)
        self.meeting = meeting
        owner = self.fields["owner"]
        assert isinstance(owner, forms.ModelChoiceField)  # noqa: S101
        owner.queryset = owner_choices(meeting)
        self.fields["due_date"].help_text = _("On or after the meeting (%(date)s).") % {
            "date": formats.date_format(meeting.date, "SHORT_DATE_FORMAT")
        }

    def clean_due_date(self) -> Any:
        due = self.cleaned_data["due_date"]
        if due < self.meeting.date:
            raise forms.ValidationError(
                _("The due date cannot be before the meeting."), code="before_meeting"
            )
        return due


class ActionItemStatusForm(forms.Form):
    status = forms.ChoiceField(
        choices=ActionItem.Status.choices,
        error_messages={
            "required": _("Choose the action item's new status."),
            "invalid_choice": _("Choose the action item's new status."),
        },
    )


CHECKLIST_HELP = {
    "questions_prepared": _(
        "The reflection questions were chosen before the meeting, so everyone could think "
        "them over in advance."
    ),
    "actions_followed_up": _(
        "The action items earlier meetings left open were gone through: done, given a new "
        "date or dropped."
    ),
    "decisions_recorded": _(
        "What the meeting decided is written down, and who does what by when is clear."
    ),
    "everyone_heard": _(
        "Everyone present had the chance to say what they think, not only the usual voices."
    ),
}


class MeetingCloseForm(FreeTextLimit, forms.ModelForm):
    """The learning checklist filled in at the end, and the meeting's notes."""

    class Meta:
        model = LearningMeeting
        fields = [*LearningMeeting.CHECKLIST, "notes"]
        help_texts = {
            **CHECKLIST_HELP,
            "notes": _("What was said that the minutes should keep."),
        }
        labels = {
            "questions_prepared": _("Questions were prepared"),
            "actions_followed_up": _("The last meeting's action items were followed up"),
            "decisions_recorded": _("Decisions were recorded"),
            "everyone_heard": _("Everyone was heard"),
            "notes": _("Notes"),
        }
        widgets = {"notes": forms.Textarea(attrs={"rows": 6})}
