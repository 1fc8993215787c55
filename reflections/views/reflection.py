"""Placeholder: being written."""

from django.views.generic import TemplateView

from organizations.views.base import OrganizationViewMixin


class MeasureReflectionView(OrganizationViewMixin, TemplateView):
    permission_required = "reflections.view_reflections"
    template_name = "base.html"
    archive = True
    retire = True
