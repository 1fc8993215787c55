"""The organisation's question bank: every member reads it; planners (coordinators and admins,
``reflections.manage_questions``) add questions, reword them (a new version: answers already
given keep the words they answered) and retire or restore them.

Questions are looked up inside the organisation, so another organisation's id gives 404.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, TemplateView

from measures.models import Phase
from organizations.views.base import OrganizationViewMixin, user_of
from reflections.forms.questions import QuestionFilterForm, QuestionForm
from reflections.models import Question, Theme
from reflections.questions import ensure_default_questions, question_create, question_reword

VIEW = "reflections.view_reflections"
MANAGE = "reflections.manage_questions"

NUMERALS = {1: "I", 2: "II", 3: "III", 4: "IV"}


def phase_label(phase: int | None) -> str:
    """The phase as the list shows it ("Phase II"), or "Every phase" for a question without."""
    if phase is None:
        return _("Every phase")
    return _("Phase %(numeral)s") % {"numeral": NUMERALS.get(phase, str(phase))}


def _list_url(organization_slug: str, theme: str) -> str:
    return f"{reverse('question_list', args=[organization_slug])}#theme-{theme}"


@dataclass
class QuestionRow:
    question: Question
    phase_label: str

    @property
    def text(self) -> str:
        version = self.question.current_version
        return version.text() if version else ""

    @property
    def text_language(self) -> str:
        """The language of :attr:`text` (another where the reader's is missing)."""
        version = self.question.current_version
        return version.text_language() if version else ""

    @property
    def reworded(self) -> bool:
        version = self.question.current_version
        return version is not None and version.number > 1


@dataclass
class ThemeGroup:
    theme: str
    label: str
    questions: list[QuestionRow] = field(default_factory=list)


class QuestionListView(OrganizationViewMixin, TemplateView):
    """The questions in use by theme (in the order of ``Theme``), then the retired ones,
    narrowed by ``?phase=`` and ``?theme=``. Two queries, however many questions."""

    permission_required = VIEW
    template_name = "reflections/questions/question_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        filter_form = QuestionFilterForm(self.request.GET or None)
        phase, theme = filter_form.filters()
        ensure_default_questions(self.organization)
        questions = (
            Question.objects.filter(organization=self.organization)
            .for_phase(phase)
            .select_related("current_version")
            .order_by("position", "pk")
        )
        if theme:
            questions = questions.filter(theme=theme)
        groups = {
            value: ThemeGroup(value, str(label))
            for value, label in Theme.choices
            if not theme or value == theme
        }
        retired = []
        for question in questions:
            row = QuestionRow(question, phase_label(question.phase))
            if question.is_retired:
                retired.append(row)
            elif question.theme in groups:
                groups[question.theme].questions.append(row)
        theme_labels = dict(Theme.choices)
        context.update(
            filter_form=filter_form,
            filtered=phase is not None or bool(theme),
            phase=phase,
            phase_filter_label=str(Phase(phase).label) if phase is not None else "",
            groups=list(groups.values()),
            retired=[(row, str(theme_labels.get(row.question.theme, ""))) for row in retired],
            active_count=sum(len(group.questions) for group in groups.values()),
            can_manage=self.request.user.has_perm(MANAGE, self.organization),
        )
        return context


class QuestionCreateView(OrganizationViewMixin, FormView):
    permission_required = MANAGE
    template_name = "reflections/questions/question_form.html"
    form_class = QuestionForm

    def get_initial(self) -> dict[str, Any]:
        initial: dict[str, Any] = {}
        theme = self.request.GET.get("theme", "")
        if theme in Theme.values:
            initial["theme"] = theme
        phase = self.request.GET.get("phase", "")
        if phase.isdigit() and int(phase) in Phase.values:
            initial["phase"] = int(phase)
        return initial

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "organization": self.organization}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["cancel_url"] = reverse("question_list", args=[self.organization.slug])
        return context

    def form_valid(self, form: QuestionForm) -> HttpResponse:
        question = question_create(
            organization=self.organization,
            theme=form.cleaned_data["theme"],
            phase=form.cleaned_data["phase"],
            texts=form.texts(),
            user=user_of(self.request),
        )
        messages.success(
            self.request, _("The question “%(question)s” is added.") % {"question": question}
        )
        return redirect(_list_url(self.organization.slug, question.theme))


class QuestionUpdateView(OrganizationViewMixin, FormView):
    """A changed wording is saved as a new version; meetings that used an earlier one keep
    it. Theme and phase change in place (they only say where the question is suggested)."""

    permission_required = MANAGE
    template_name = "reflections/questions/question_form.html"
    form_class = QuestionForm

    def load_objects(self) -> None:
        self.question = self.get_for_organization(
            Question.objects.select_related("current_version"), pk=self.kwargs["pk"]
        )

    def get_form_kwargs(self) -> dict[str, Any]:
        return {
            **super().get_form_kwargs(),
            "organization": self.organization,
            "question": self.question,
        }

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        question = self.question
        context.update(
            question=question,
            theme_label=question.get_theme_display(),
            phase_label=phase_label(question.phase),
            earlier_versions=[
                version
                for version in question.versions.select_related("created_by").order_by("-number")
                if version.pk != question.current_version_id
            ],
            cancel_url=_list_url(self.organization.slug, question.theme),
        )
        return context

    def form_valid(self, form: QuestionForm) -> HttpResponse:
        version = question_reword(
            question=self.question,
            theme=form.cleaned_data["theme"],
            phase=form.cleaned_data["phase"],
            texts=form.texts(),
            user=user_of(self.request),
        )
        if version is not None:
            text = _(
                "The new wording is saved as version %(number)s. Meetings that used an earlier "
                "wording keep it."
            ) % {"number": version.number}
        else:
            text = _("The question is saved; its wording is unchanged.")
        messages.success(self.request, text)
        return redirect(_list_url(self.organization.slug, self.question.theme))


class QuestionRetireView(OrganizationViewMixin, View):
    """POST only: retires a question (no longer suggested for meetings; meetings that used it
    keep it) or restores it."""

    permission_required = MANAGE
    http_method_names = ["post"]
    retire = True

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        question = self.get_for_organization(
            Question.objects.select_related("current_version"), pk=self.kwargs["pk"]
        )
        question.is_retired = self.retire
        question.save(update_fields=["is_retired", "updated_at"])
        if self.retire:
            text = _("“%(question)s” is retired: it is no longer suggested for meetings.")
            anchor = "retired"
        else:
            text = _("“%(question)s” is restored and suggested for meetings again.")
            anchor = f"theme-{question.theme}"
        messages.success(request, text % {"question": question})
        return redirect(f"{reverse('question_list', args=[self.organization.slug])}#{anchor}")
