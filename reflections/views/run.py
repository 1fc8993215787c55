"""Placeholder: being written."""

from django.views.generic import TemplateView

from organizations.views.base import OrganizationViewMixin


class MeetingDetailView(OrganizationViewMixin, TemplateView):
    permission_required = "reflections.view_reflections"
    template_name = "base.html"
    archive = True
    retire = True


class MeetingQuestionsView(OrganizationViewMixin, TemplateView):
    permission_required = "reflections.view_reflections"
    template_name = "base.html"
    archive = True
    retire = True


class AnswerCreateView(OrganizationViewMixin, TemplateView):
    permission_required = "reflections.view_reflections"
    template_name = "base.html"
    archive = True
    retire = True


class DecisionCreateView(OrganizationViewMixin, TemplateView):
    permission_required = "reflections.view_reflections"
    template_name = "base.html"
    archive = True
    retire = True


class ActionItemCreateView(OrganizationViewMixin, TemplateView):
    permission_required = "reflections.view_reflections"
    template_name = "base.html"
    archive = True
    retire = True


class MeetingCloseView(OrganizationViewMixin, TemplateView):
    permission_required = "reflections.view_reflections"
    template_name = "base.html"
    archive = True
    retire = True


class MeetingReopenView(OrganizationViewMixin, TemplateView):
    permission_required = "reflections.view_reflections"
    template_name = "base.html"
    archive = True
    retire = True


class ActionItemStatusView(OrganizationViewMixin, TemplateView):
    permission_required = "reflections.view_reflections"
    template_name = "base.html"
    archive = True
    retire = True
