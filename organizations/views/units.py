"""Units (service areas and institutions): everyone reads them, administrators keep them."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import QuerySet
from django.forms import BaseForm
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import CreateView, ListView, UpdateView

from organizations.forms import UnitForm
from organizations.models import Unit
from organizations.views.base import ArchiveView, OrganizationViewMixin


class UnitListView(OrganizationViewMixin, ListView):
    permission_required = "organizations.view_units"
    template_name = "organizations/unit_list.html"
    context_object_name = "units"

    def get_queryset(self) -> QuerySet[Unit]:
        show_archived = self.request.GET.get("archived") == "1"
        return Unit.objects.filter(organization=self.organization, is_archived=show_archived)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["show_archived"] = self.request.GET.get("archived") == "1"
        context["can_manage"] = self.request.user.has_perm(
            "organizations.manage_units", self.organization
        )
        return context


class UnitFormMixin(OrganizationViewMixin):
    permission_required = "organizations.manage_units"
    # Typed as in Django's own mixins, which the concrete views combine this with.
    form_class: type[BaseForm] | None = UnitForm
    template_name: str | None = "organizations/unit_form.html"

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs: dict[str, Any] = super().get_form_kwargs()  # type: ignore[misc]
        return {**kwargs, "organization": self.organization}

    def get_success_url(self) -> str:
        messages.success(self.request, _("The unit is saved."))
        return reverse("unit_list", args=[self.organization.slug])


class UnitCreateView(UnitFormMixin, CreateView):
    pass


class UnitUpdateView(UnitFormMixin, UpdateView):
    def get_object(self, queryset: Any = None) -> Unit:
        return self.get_for_organization(Unit.objects.all(), pk=self.kwargs["pk"])


class UnitArchiveView(ArchiveView):
    permission_required = "organizations.manage_units"

    def get_archivable(self) -> Unit:
        return self.get_for_organization(Unit.objects.all(), pk=self.kwargs["pk"])

    def get_success_url(self, obj: Unit) -> str:
        return reverse("unit_list", args=[self.organization.slug])
