"""The page of one learning meeting, where a team lead runs it from its agenda, and the POSTs
that add to it: questions, answers, decisions, action items; closing and reopening.

Every member reads the page. Runners (planners and the measure's team lead) choose questions,
record decisions and close the meeting; the participants who may edit content also answer and
add action items; the owner of an action item ticks it off.

A form posted here either saves and redirects back to the meeting page, or, when what was typed
is not valid, renders the meeting page again (status 200) with the form bound: nothing is saved,
the errors are shown at the field and at the top of the page, and what was typed is kept. Steps
the meeting's state refuses (adding to a closed meeting, closing it twice) and status buttons
with an unknown value redirect with a message instead, as there is no typed text to keep.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.db.models import Prefetch, QuerySet
from django.forms import BaseForm
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views import View
from django.views.generic import FormView, TemplateView

from organizations.formtools import correction_reason
from organizations.records import CorrectionRefused
from organizations.views.base import OrganizationViewMixin, user_of
from reflections.forms.run import (
    ActionItemForm,
    ActionItemStatusForm,
    AnswerForm,
    DecisionCorrectionForm,
    DecisionForm,
    MeetingCloseForm,
    QuestionChoiceForm,
)
from reflections.meetings import (
    decision_versions,
    meeting_decisions,
    meeting_decisions_queryset,
    open_items_before,
)
from reflections.models import ActionItem, Answer, LearningMeeting, MeetingQuestion, Question
from reflections.questions import suggested_questions
from reflections.running import (
    RunRefused,
    action_item_add,
    action_item_set_status,
    answer_add,
    closed_message,
    decision_add,
    decision_correct,
    meeting_close,
    meeting_question_remove,
    meeting_questions_add,
    meeting_reopen,
)
from reflections.views.base import MeetingViewMixin
from yearwheel.views.events import safe_next

VIEW = "reflections.view_reflections"
RUN = "reflections.run_meeting"
TAKE_PART = "reflections.take_part"
UPDATE_ITEM = "reflections.update_action_item"

# The status buttons of an action item: the statuses it can be given, as verbs.
STATUS_BUTTONS = [
    (ActionItem.Status.DONE, gettext_lazy("Mark done")),
    (ActionItem.Status.DROPPED, gettext_lazy("Drop")),
    (ActionItem.Status.OPEN, gettext_lazy("Reopen")),
]


def answer_form(meeting_question: MeetingQuestion, data: Any = None) -> AnswerForm:
    # One form per question on the page: the ids differ, the field's name stays "text".
    pk = meeting_question.pk
    return AnswerForm(data, auto_id=f"id_answer{pk}_%s", described_by=f"question-{pk}-text")


@dataclass
class QuestionRow:
    item: MeetingQuestion
    answers: list[Answer]
    form: AnswerForm | None


@dataclass
class ThemeGroup:
    label: str
    questions: list[Question]


def theme_groups(questions: list[Question]) -> list[ThemeGroup]:
    """The questions grouped by theme. ``questions`` come phase-specific first, so the themes
    with questions for this phase come first, and those questions first within their theme."""
    groups: dict[str, ThemeGroup] = {}
    for question in questions:
        label = str(question.get_theme_display())
        groups.setdefault(question.theme, ThemeGroup(label, [])).questions.append(question)
    return list(groups.values())


class MeetingPageMixin(MeetingViewMixin, TemplateView):
    """The meeting page, in a fixed number of queries however much the meeting holds. Bound
    forms passed to ``get_context_data`` replace the empty ones (``question_form``,
    ``decision_form``, ``action_form``, and ``answer`` as ``(meeting question pk, form)``)."""

    template_name = "reflections/run/meeting_detail.html"

    def get_meeting_queryset(self) -> QuerySet[LearningMeeting]:
        return super().get_meeting_queryset().select_related("closed_by")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        meeting = self.meeting
        user = self.request.user
        is_open = not meeting.is_closed
        can_run = user.has_perm(RUN, meeting)
        can_take_part = user.has_perm(TAKE_PART, meeting)
        rows = self.question_rows(can_take_part and is_open, kwargs.get("answer"))
        actions = list(meeting.action_items.select_related("owner"))
        follow_up = self.follow_up_items()
        for item in actions:
            item.organization = self.organization
        context.update(
            participants=sorted(
                meeting.participants.all(), key=lambda person: (str(person).lower(), person.pk)
            ),
            follow_up=follow_up,
            question_rows=rows,
            decisions=meeting_decisions(meeting),
            action_items=actions,
            updatable={
                item.pk for item in [*follow_up, *actions] if user.has_perm(UPDATE_ITEM, item)
            },
            status_buttons=STATUS_BUTTONS,
            can_run=can_run,
            can_take_part=can_take_part,
            is_open=is_open,
            today=timezone.localdate(),
        )
        if can_run and is_open:
            chosen = {row.item.question_id for row in rows}
            question_form = kwargs.get("question_form")
            context.update(
                suggestion_groups=self.suggestions(chosen),
                selected=set(question_form.data.getlist("questions")) if question_form else set(),
                decision_form=kwargs.get("decision_form") or DecisionForm(),
            )
        if can_take_part and is_open:
            context["action_form"] = kwargs.get("action_form") or ActionItemForm(meeting=meeting)
        return context

    def question_rows(self, with_forms: bool, answer: Any) -> list[QuestionRow]:
        """The chosen questions in their meeting's wording, with their answers (two queries)."""
        bound_pk, bound_form = answer or (None, None)
        questions = self.meeting.questions.select_related("version", "question").prefetch_related(
            Prefetch("answers", queryset=Answer.objects.select_related("author"))
        )
        rows = []
        for item in questions:
            form = None
            if with_forms:
                form = bound_form if item.pk == bound_pk else answer_form(item)
            rows.append(QuestionRow(item, list(item.answers.all()), form))
        return rows

    def follow_up_items(self) -> list[ActionItem]:
        """What earlier meetings on the subject left open (two queries). The objects the
        permission checks read are filled in, so checking each item costs no query."""
        meeting = self.meeting
        items = list(open_items_before(meeting).prefetch_related("meeting__participants"))
        for item in items:
            item.organization = self.organization
            item.meeting.organization = self.organization
            if item.meeting.measure_id == meeting.measure_id:
                item.meeting.measure = meeting.measure
        return items

    def suggestions(self, chosen: set[int]) -> list[ThemeGroup]:
        measure = self.meeting.measure
        suggested = suggested_questions(self.organization, measure.phase if measure else None)
        return theme_groups([question for question in suggested if question.pk not in chosen])


class MeetingDetailView(MeetingPageMixin):
    permission_required = VIEW


class MeetingPostView(MeetingPageMixin):
    """POST only: a step of running the meeting, saved or refused with a message."""

    http_method_names = ["post"]

    def back(self, anchor: str) -> HttpResponse:
        return redirect(f"{self.meeting.get_absolute_url()}#{anchor}")

    def refused(self, message: str, anchor: str) -> HttpResponse:
        messages.error(self.request, message)
        return self.back(anchor)

    def invalid(self, form: BaseForm, **forms: Any) -> HttpResponse:
        """The meeting page again with the bound form; its errors also head the page."""
        for errors in form.errors.values():
            for error in errors:
                messages.error(self.request, str(error))
        return self.render_to_response(self.get_context_data(**forms))


class MeetingQuestionsView(MeetingPostView):
    """Adds the questions ticked (``questions``), or removes one not answered yet (``remove``:
    the meeting question's pk)."""

    permission_required = RUN

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if self.meeting.is_closed:
            return self.refused(closed_message(), "questions")
        if "remove" in request.POST:
            return self.remove(request.POST["remove"])
        form = QuestionChoiceForm(request.POST, organization=self.organization)
        if not form.is_valid():
            return self.invalid(form, question_form=form)
        # Asked in the order the page suggests them: this phase's questions first.
        questions = sorted(
            form.cleaned_data["questions"], key=lambda q: (q.phase is None, q.position, q.pk)
        )
        try:
            added = meeting_questions_add(meeting=self.meeting, questions=questions)
        except RunRefused as refusal:
            return self.refused(str(refusal), "questions")
        if added:
            text = ngettext(
                "%(count)s question is added.", "%(count)s questions are added.", len(added)
            )
            messages.success(request, text % {"count": len(added)})
        else:
            messages.info(request, _("The questions you chose are in the meeting already."))
        return self.back("questions")

    def remove(self, value: str) -> HttpResponse:
        if not value.isdigit():
            raise Http404
        item = get_object_or_404(self.meeting.questions.select_related("version"), pk=value)
        try:
            meeting_question_remove(meeting_question=item)
        except RunRefused as refusal:
            return self.refused(str(refusal), f"question-{item.pk}")
        messages.success(
            self.request, _("“%(question)s” is taken off the meeting.") % {"question": item}
        )
        return self.back("questions")


class AnswerCreateView(MeetingPostView):
    permission_required = TAKE_PART

    def load_objects(self) -> None:
        super().load_objects()
        self.meeting_question = get_object_or_404(
            self.meeting.questions.all(), pk=self.kwargs["question_pk"]
        )

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        anchor = f"question-{self.meeting_question.pk}"
        if self.meeting.is_closed:
            return self.refused(closed_message(), anchor)
        form = answer_form(self.meeting_question, request.POST)
        if not form.is_valid():
            return self.invalid(form, answer=(self.meeting_question.pk, form))
        try:
            answer_add(
                meeting_question=self.meeting_question,
                text=form.cleaned_data["text"],
                author=user_of(request),
            )
        except RunRefused as refusal:
            return self.refused(str(refusal), anchor)
        messages.success(request, _("Your answer is saved."))
        return self.back(anchor)


class DecisionCreateView(MeetingPostView):
    permission_required = RUN

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if self.meeting.is_closed:
            return self.refused(closed_message(), "decisions")
        form = DecisionForm(request.POST)
        if not form.is_valid():
            return self.invalid(form, decision_form=form)
        try:
            decision_add(
                meeting=self.meeting, text=form.cleaned_data["text"], user=user_of(request)
            )
        except RunRefused as refusal:
            return self.refused(str(refusal), "decisions")
        messages.success(request, _("The decision is recorded."))
        return self.back("decisions")


class DecisionCorrectView(MeetingViewMixin, FormView):
    """Corrects a recorded decision of an open meeting: a new version with its reason, the
    earlier wording kept and shown."""

    permission_required = RUN
    template_name = "reflections/run/decision_correct.html"
    form_class = DecisionCorrectionForm

    def load_objects(self) -> None:
        super().load_objects()
        self.decision = get_object_or_404(
            meeting_decisions_queryset(self.meeting), pk=self.kwargs["decision_pk"]
        )

    def get_initial(self) -> dict[str, Any]:
        return {"text": self.decision.current_text()}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            decision=self.decision,
            versions=decision_versions(self.decision),
            is_open=not self.meeting.is_closed,
            cancel_url=f"{self.meeting.get_absolute_url()}#decisions",
        )
        return context

    def form_valid(self, form: DecisionCorrectionForm) -> HttpResponse:
        try:
            decision_correct(
                decision=self.decision,
                text=form.cleaned_data["text"],
                reason=correction_reason(form),
                user=user_of(self.request),
            )
        except RunRefused as refusal:
            form.add_error(None, str(refusal))
            return self.form_invalid(form)
        except CorrectionRefused as refused:
            for text in refused.messages:
                form.add_error(None, text)
            return self.form_invalid(form)
        messages.success(self.request, _("The decision is corrected; the earlier wording is kept."))
        return redirect(f"{self.meeting.get_absolute_url()}#decision-{self.decision.pk}")


class ActionItemCreateView(MeetingPostView):
    permission_required = TAKE_PART

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if self.meeting.is_closed:
            return self.refused(closed_message(), "actions")
        form = ActionItemForm(request.POST, meeting=self.meeting)
        if not form.is_valid():
            return self.invalid(form, action_form=form)
        data = form.cleaned_data
        try:
            item = action_item_add(
                meeting=self.meeting,
                text=data["text"],
                owner=data["owner"],
                due_date=data["due_date"],
                user=user_of(request),
            )
        except RunRefused as refusal:
            return self.refused(str(refusal), "actions")
        messages.success(
            request, _("The action item is added for %(owner)s.") % {"owner": data["owner"]}
        )
        return self.back(f"action-{item.pk}")


class ActionItemStatusView(OrganizationViewMixin, View):
    """POST ``status`` (open, done or dropped), also after the meeting is closed: following
    action items up is what the next meeting is for. Back to a ``next`` page of this site,
    else to the item on its meeting's page."""

    permission_required = UPDATE_ITEM
    http_method_names = ["post"]

    def load_objects(self) -> None:
        self.item = self.get_for_organization(
            ActionItem.objects.select_related("meeting", "meeting__measure"),
            pk=self.kwargs["pk"],
        )
        self.item.organization = self.organization
        self.item.meeting.organization = self.organization

    def get_permission_object(self) -> Any:
        return self.item

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = ActionItemStatusForm(request.POST)
        if not form.is_valid():
            messages.error(request, str(form.errors["status"][0]))
        elif action_item_set_status(item=self.item, status=form.cleaned_data["status"]):
            texts = {
                ActionItem.Status.DONE: _("“%(text)s” is done."),
                ActionItem.Status.DROPPED: _("“%(text)s” is dropped."),
                ActionItem.Status.OPEN: _("“%(text)s” is open again."),
            }
            text = Truncator(self.item.text).chars(80)
            messages.success(request, texts[ActionItem.Status(self.item.status)] % {"text": text})
        return redirect(safe_next(request) or self.item.get_absolute_url())


class MeetingCloseView(MeetingViewMixin, FormView):
    """The learning checklist and the notes; saving them closes the meeting."""

    permission_required = RUN
    template_name = "reflections/run/meeting_close.html"
    form_class = MeetingCloseForm

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if self.meeting.is_closed:
            messages.info(request, _("The meeting is already closed."))
            return redirect(self.meeting.get_absolute_url())
        response: HttpResponse = super().get(request, *args, **kwargs)
        return response

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "instance": self.meeting}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        meeting = self.meeting
        # What the meeting holds, to help the team tick the checklist honestly.
        context.update(
            question_count=meeting.questions.count(),
            answer_count=Answer.objects.filter(meeting_question__meeting=meeting).count(),
            decision_count=meeting.decisions.count(),
            action_count=meeting.action_items.count(),
            follow_up_count=open_items_before(meeting).count(),
        )
        return context

    def form_valid(self, form: MeetingCloseForm) -> HttpResponse:
        data = form.cleaned_data
        try:
            meeting_close(
                meeting=self.meeting,
                user=user_of(self.request),
                checklist={name: data[name] for name in LearningMeeting.CHECKLIST},
                notes=data["notes"],
            )
        except RunRefused as refusal:
            messages.error(self.request, str(refusal))
        else:
            messages.success(self.request, _("The meeting is closed."))
        return redirect(self.meeting.get_absolute_url())


class MeetingReopenView(MeetingViewMixin, View):
    permission_required = RUN
    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            meeting_reopen(meeting=self.meeting)
        except RunRefused as refusal:
            messages.error(request, str(refusal))
        else:
            messages.success(request, _("The meeting is open again: it can be changed."))
        return redirect(self.meeting.get_absolute_url())
