"""The organisation itself: choosing one, its front page and its settings."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import ListView, TemplateView, UpdateView

from organizations.forms import OrganizationSettingsForm
from organizations.models import Membership, Organization, Role, User
from organizations.views.base import OrganizationViewMixin
from organizations.views.public import statement_context


class OrganizationListView(LoginRequiredMixin, ListView):
    """The organisations a person belongs to, to switch between them."""

    template_name = "organizations/organization_list.html"
    context_object_name = "memberships"

    def get_queryset(self) -> QuerySet[Membership]:
        assert isinstance(self.request.user, User)  # noqa: S101 - login is required above
        return (
            Membership.objects.active()
            .filter(user=self.request.user)
            .select_related("organization")
            .order_by("organization__name")
        )


class OrganizationHomeView(OrganizationViewMixin, TemplateView):
    permission_required = "organizations.view_organization"
    template_name = "organizations/home.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if self.membership.role == Role.VIEWER:
            # Viewers (politicians, top management) land on the status of the measures.
            return redirect("status_dashboard", org_slug=self.organization.slug)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["unit_count"] = self.organization.units.filter(is_archived=False).count()
        context["member_count"] = (
            Membership.objects.active().filter(organization=self.organization).count()
        )
        context["is_admin"] = self.membership.role == Role.ADMIN
        return context


class OrganizationAccessibilityView(OrganizationViewMixin, TemplateView):
    """The accessibility statement with the organisation's own published statement and
    feedback address (organisation settings)."""

    permission_required = "organizations.view_organization"
    template_name = "pages/accessibility.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {**super().get_context_data(**kwargs), **statement_context(self.organization)}


class OrganizationSettingsView(OrganizationViewMixin, UpdateView):
    permission_required = "organizations.change_organization"
    form_class = OrganizationSettingsForm
    template_name = "organizations/settings.html"

    def get_object(self, queryset: Any = None) -> Organization:
        return self.organization

    def get_success_url(self) -> str:
        return reverse("organization_settings", args=[self.organization.slug])

    def form_valid(self, form: OrganizationSettingsForm) -> HttpResponse:
        messages.success(self.request, _("The settings are saved."))
        return super().form_valid(form)
