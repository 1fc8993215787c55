"""Placeholder: being written."""

from django.views.generic import TemplateView

from organizations.views.base import OrganizationViewMixin


class QuestionListView(OrganizationViewMixin, TemplateView):
    permission_required = "reflections.view_reflections"
    template_name = "base.html"
    archive = True
    retire = True


class QuestionCreateView(OrganizationViewMixin, TemplateView):
    permission_required = "reflections.view_reflections"
    template_name = "base.html"
    archive = True
    retire = True


class QuestionUpdateView(OrganizationViewMixin, TemplateView):
    permission_required = "reflections.view_reflections"
    template_name = "base.html"
    archive = True
    retire = True


class QuestionRetireView(OrganizationViewMixin, TemplateView):
    permission_required = "reflections.view_reflections"
    template_name = "base.html"
    archive = True
    retire = True
