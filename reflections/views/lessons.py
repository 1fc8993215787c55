"""Placeholder: being written."""

from django.views.generic import TemplateView

from organizations.views.base import OrganizationViewMixin


class LessonListView(OrganizationViewMixin, TemplateView):
    permission_required = "reflections.view_reflections"
    template_name = "base.html"
    archive = True
    retire = True


class LessonCreateView(OrganizationViewMixin, TemplateView):
    permission_required = "reflections.view_reflections"
    template_name = "base.html"
    archive = True
    retire = True


class SharedLessonListView(OrganizationViewMixin, TemplateView):
    permission_required = "reflections.view_reflections"
    template_name = "base.html"
    archive = True
    retire = True


class SharedLessonDetailView(OrganizationViewMixin, TemplateView):
    permission_required = "reflections.view_reflections"
    template_name = "base.html"
    archive = True
    retire = True


class LessonDetailView(OrganizationViewMixin, TemplateView):
    permission_required = "reflections.view_reflections"
    template_name = "base.html"
    archive = True
    retire = True


class LessonUpdateView(OrganizationViewMixin, TemplateView):
    permission_required = "reflections.view_reflections"
    template_name = "base.html"
    archive = True
    retire = True


class LessonArchiveView(OrganizationViewMixin, TemplateView):
    permission_required = "reflections.view_reflections"
    template_name = "base.html"
    archive = True
    retire = True
