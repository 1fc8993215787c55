"""Placeholder: being written."""

from django.views.generic import TemplateView

from organizations.views.base import OrganizationViewMixin


class MeetingListView(OrganizationViewMixin, TemplateView):
    permission_required = "reflections.view_reflections"
    template_name = "base.html"
    archive = True
    retire = True


class MeetingCreateView(OrganizationViewMixin, TemplateView):
    permission_required = "reflections.view_reflections"
    template_name = "base.html"
    archive = True
    retire = True


class MeetingUpdateView(OrganizationViewMixin, TemplateView):
    permission_required = "reflections.view_reflections"
    template_name = "base.html"
    archive = True
    retire = True


class MeetingArchiveView(OrganizationViewMixin, TemplateView):
    permission_required = "reflections.view_reflections"
    template_name = "base.html"
    archive = True
    retire = True


class ActionItemListView(OrganizationViewMixin, TemplateView):
    permission_required = "reflections.view_reflections"
    template_name = "base.html"
    archive = True
    retire = True
