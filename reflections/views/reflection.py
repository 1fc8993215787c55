"""Reflection over time: for one measure, the answers to the same question side by side across
its learning meetings, so a team sees how its thinking moved.

A row is a question (whatever wording it was asked in), a column a meeting in date order, a
cell the answers given to that question in that meeting, or "not asked". Where the question
was asked in other words than in the meeting before, the cell says so with the wording's
number and text.

Three queries for the table, however many meetings and answers there are: the meetings, the
questions asked in them (with wording and theme), and their answers (with authors).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from measures.views.base import MeasureViewMixin
from reflections.models import Answer, LearningMeeting, MeetingQuestion, Question, Theme
from reflections.models.questions import QuestionVersion

LAST_CHOICES = [
    ("", _("All meetings")),
    ("3", _("The last 3 meetings")),
    ("6", _("The last 6 meetings")),
    ("12", _("The last 12 meetings")),
]


class ReflectionFilterForm(forms.Form):
    """GET ``theme`` and ``last``; an unknown value is ignored (the whole table is shown)."""

    theme = forms.ChoiceField(
        label=_("Theme"), choices=[("", _("All themes")), *Theme.choices], required=False
    )
    last = forms.ChoiceField(label=_("Meetings"), choices=LAST_CHOICES, required=False)

    def values(self) -> tuple[str, int | None]:
        if not self.is_valid():
            return "", None
        last = self.cleaned_data["last"]
        return self.cleaned_data["theme"], int(last) if last else None


@dataclass
class Cell:
    """One meeting's answers to one question; ``asked`` is False when it was not asked."""

    asked: bool = False
    version: QuestionVersion | None = None
    # The wording differs from the one of the last meeting that asked the question.
    reworded: bool = False
    answers: list[Answer] = field(default_factory=list)


@dataclass
class Row:
    question: Question
    wording: QuestionVersion  # the latest wording it was asked in
    cells: list[Cell]
    versions: list[int]  # the numbers of the wordings asked, in ascending order

    @property
    def reworded(self) -> bool:
        return len(self.versions) > 1


@dataclass
class ThemeGroup:
    theme: str
    label: str
    rows: list[Row]


def reflection_table(
    meetings: list[LearningMeeting], asked: list[MeetingQuestion], answers: list[Answer]
) -> list[ThemeGroup]:
    """The rows of the table, grouped by theme in the order of the themes, each group's
    questions in the question bank's order."""
    column = {meeting.pk: index for index, meeting in enumerate(meetings)}
    by_asked: dict[int, list[Answer]] = defaultdict(list)
    for answer in answers:
        by_asked[answer.meeting_question_id].append(answer)
    rows: dict[int, Row] = {}
    for mq in sorted(asked, key=lambda mq: column[mq.meeting_id]):
        row = rows.get(mq.question_id)
        number = mq.version.number
        if row is None:
            row = rows[mq.question_id] = Row(
                mq.question, mq.version, [Cell() for _ in meetings], [number]
            )
        row.cells[column[mq.meeting_id]] = Cell(
            asked=True,
            version=mq.version,
            # Compared with the last meeting that asked it (``row.wording`` so far).
            reworded=number != row.wording.number,
            answers=by_asked.get(mq.pk, []),
        )
        if number not in row.versions:
            row.versions = sorted([*row.versions, number])
        row.wording = mq.version  # meetings come in date order: the latest wording stays
    themes = list(Theme)
    groups: dict[str, ThemeGroup] = {}
    ordered = sorted(
        rows.values(),
        key=lambda r: (
            themes.index(Theme(r.question.theme)) if r.question.theme in Theme.values else 99,
            r.question.position,
            r.question.pk,
        ),
    )
    for row in ordered:
        theme = row.question.theme
        if theme not in groups:
            label = Theme(theme).label if theme in Theme.values else theme
            groups[theme] = ThemeGroup(theme, str(label), [])
        groups[theme].rows.append(row)
    return list(groups.values())


class MeasureReflectionView(MeasureViewMixin, TemplateView):
    permission_required = "reflections.view_reflections"
    http_method_names = ["get", "head", "options"]
    template_name = "reflections/reflection/measure_reflection.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        form = ReflectionFilterForm(self.request.GET or None)
        theme, last = form.values()
        # Every meeting of the measure, in a few columns: a measure has dozens, not thousands,
        # and the count of them comes free.
        every = list(
            LearningMeeting.objects.active()
            .filter(organization=self.organization, measure=self.measure)
            # A meeting without a time first on its day, on every database.
            .order_by("date", F("start_time").asc(nulls_first=True), "pk")
            .only("pk", "title", "date", "start_time", "state", "organization_id")
        )
        meetings = every[-last:] if last else every
        for meeting in meetings:
            meeting.organization = self.organization  # its URL needs the slug: no query each
        asked: list[MeetingQuestion] = []
        answers: list[Answer] = []
        if meetings:
            questions = Q(meeting__in=[meeting.pk for meeting in meetings])
            if theme:
                questions &= Q(question__theme=theme)
            asked = list(
                MeetingQuestion.objects.filter(questions).select_related("question", "version")
            )
            if asked:
                answers = list(
                    Answer.objects.filter(meeting_question__in=[mq.pk for mq in asked])
                    .select_related("author")
                    .order_by("created_at", "pk")
                )
        context.update(
            filter_form=form,
            theme=theme,
            theme_label=Theme(theme).label if theme else "",
            last=last,
            meetings=meetings,
            total_meetings=len(every),
            groups=reflection_table(meetings, asked, answers),
            filtered=bool(theme or last),
        )
        return context
