"""The lessons log (*erfaringslogg*): search, record, read, change and archive lessons, and
read the lessons partner organisations shared with this one.

Every member reads and searches; anyone but a viewer records a lesson; the one who recorded
it and the planners change it; only planners share it with partner organisations.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db import transaction
from django.db.models import QuerySet
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import CreateView, ListView, TemplateView, UpdateView

from measures.models import Phase
from measures.rules import is_planner
from measures.tags import tags_for_names
from organizations.formtools import choice_from_query
from organizations.views.base import ArchiveView, OrganizationViewMixin, query_without_page, user_of
from reflections.forms.lessons import LessonFilterForm, LessonForm, SharedLessonFilterForm
from reflections.lessons import (
    lessons_shared_with,
    matching_words,
    search_lessons,
    with_details,
)
from reflections.models import Lesson

VIEW = "reflections.view_reflections"
CHANGE = "reflections.change_lesson"
SHARE = "reflections.share_lessons"
PER_PAGE = 25


# --- the organisation's own lessons ------------------------------------------------------------


class LessonListView(OrganizationViewMixin, ListView):
    permission_required = VIEW
    template_name = "reflections/lessons/list.html"
    context_object_name = "lessons"
    paginate_by = PER_PAGE

    def get_queryset(self) -> QuerySet[Lesson]:
        planner = is_planner.test(self.request.user, self.organization)
        self.filter_form = LessonFilterForm(
            self.request.GET or None, organization=self.organization, planner=planner
        )
        # A filter that does not validate (a tag of another organisation, say) is left out
        # and shown with its error; the others still apply.
        self.filter_form.is_valid()
        data = getattr(self.filter_form, "cleaned_data", {})
        return search_lessons(self.organization, data)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context.update(
            filter_form=self.filter_form,
            can_add=user.has_perm("reflections.add_lesson", self.organization),
            query_without_page=query_without_page(self.request),
        )
        return context


class LessonFormMixin(OrganizationViewMixin):
    template_name: str | None = "reflections/lessons/form.html"
    form_class: type[BaseForm] | None = LessonForm
    request: HttpRequest

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs: dict[str, Any] = super().get_form_kwargs()  # type: ignore[misc]
        can_share = self.request.user.has_perm(SHARE, self.organization)
        return {**kwargs, "organization": self.organization, "can_share": can_share}

    def form_valid(self, form: LessonForm) -> HttpResponse:
        # The lesson, its tags (new ones created) and its shares are saved together or not
        # at all.
        with transaction.atomic():
            if form.instance.pk is None:
                form.instance.recorded_by = user_of(self.request)
            lesson = form.save()
            lesson.tags.set(tags_for_names(self.organization, form.cleaned_data["tags_text"]))
        messages.success(self.request, _("The lesson “%(title)s” is saved.") % {"title": lesson})
        return redirect(lesson.get_absolute_url())


class LessonCreateView(LessonFormMixin, CreateView):
    """A new lesson. ``?meeting=``, ``?iteration=``, ``?evaluation=`` or ``?measure=`` (pks)
    fill in the source and, from it, the measure, programme and phase."""

    permission_required = "reflections.add_lesson"

    def get_initial(self) -> dict[str, Any]:
        initial: dict[str, Any] = super().get_initial()
        form = LessonForm(organization=self.organization, can_share=False)
        query = self.request.GET
        iteration = choice_from_query(form, "iteration", query.get("iteration", ""))
        evaluation = choice_from_query(form, "evaluation", query.get("evaluation", ""))
        meeting = choice_from_query(form, "meeting", query.get("meeting", ""))
        measure = choice_from_query(form, "measure", query.get("measure", ""))
        if iteration is not None:
            initial["iteration"] = iteration.pk
            measure = iteration.measure
        if evaluation is not None:
            initial["evaluation"] = evaluation.pk
            measure = evaluation.measure
        if meeting is not None:
            initial.update(meeting=meeting.pk, program=meeting.program_id)
            measure = meeting.measure or measure
        if measure is not None:
            initial.update(measure=measure.pk, program=measure.program_id, phase=measure.phase)
        if iteration is not None:
            # A pilot lap is phase III (the roundabout), whatever phase the measure is in now.
            initial["phase"] = Phase.IMPLEMENT
        return initial

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["title"] = _("New lesson")
        context["cancel_url"] = reverse("lesson_list", args=[self.organization.slug])
        return context


class LessonMixin(OrganizationViewMixin):
    """For URLs under ``/o/<org_slug>/lessons/<pk>/``: ``self.lesson`` (404 when it belongs
    to another organisation); permissions are checked against it."""

    lesson: Lesson

    def load_objects(self) -> None:
        self.lesson = self.get_for_organization(
            with_details(Lesson.objects.all()), pk=self.kwargs["pk"]
        )
        # Found inside this organisation: saying so spares the permission check a query.
        self.lesson.organization = self.organization

    def get_permission_object(self) -> Any:
        return self.lesson


class LessonDetailView(LessonMixin, TemplateView):
    permission_required = VIEW
    template_name = "reflections/lessons/detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            lesson=self.lesson,
            can_change=self.request.user.has_perm(CHANGE, self.lesson),
        )
        return context


class LessonUpdateView(LessonMixin, LessonFormMixin, UpdateView):
    permission_required = CHANGE

    def get_object(self, queryset: Any = None) -> Lesson:
        return self.lesson

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            title=_("Edit lesson"), lesson=self.lesson, cancel_url=self.lesson.get_absolute_url()
        )
        return context


class LessonArchiveView(LessonMixin, ArchiveView):
    permission_required = CHANGE

    def get_archivable(self) -> Lesson:
        return self.lesson


# --- lessons shared with this organisation -------------------------------------------------------


class SharedLessonListView(OrganizationViewMixin, ListView):
    """Lessons other organisations shared with this one through an active partnership."""

    permission_required = VIEW
    template_name = "reflections/lessons/shared_list.html"
    context_object_name = "lessons"
    paginate_by = PER_PAGE

    def get_queryset(self) -> QuerySet[Lesson]:
        self.filter_form = SharedLessonFilterForm(self.request.GET or None)
        self.filter_form.is_valid()
        data = getattr(self.filter_form, "cleaned_data", {})
        queryset = lessons_shared_with(self.organization)
        if data.get("q"):
            queryset = matching_words(queryset, data["q"])
        if data.get("phase") not in (None, ""):
            queryset = queryset.filter(phase=data["phase"])
        return queryset

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            filter_form=self.filter_form,
            query_without_page=query_without_page(self.request),
        )
        return context


class SharedLessonDetailView(OrganizationViewMixin, TemplateView):
    permission_required = VIEW
    template_name = "reflections/lessons/shared_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        # Not shared with this organisation (or no longer): 404, as for any unknown lesson.
        context["lesson"] = get_object_or_404(
            lessons_shared_with(self.organization), pk=self.kwargs["pk"]
        )
        return context
