"""The organisation's sign-in page: its identity providers and its password policy."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import CreateView, TemplateView, UpdateView

from organizations.views.base import OrganizationViewMixin
from sso.forms import IdentityProviderForm, SignInPolicyForm
from sso.models import IdentityProvider, SignInPolicy


class SignInSettingsView(OrganizationViewMixin, TemplateView):
    permission_required = "sso.manage_sign_in"
    template_name = "sso/settings.html"

    def policy_form(self, data: Any = None) -> SignInPolicyForm:
        policy = SignInPolicy.objects.filter(organization=self.organization).first()
        return SignInPolicyForm(data, instance=policy, organization=self.organization)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.setdefault("form", self.policy_form())
        context["providers"] = IdentityProvider.objects.filter(organization=self.organization)
        context["callback_url"] = self.request.build_absolute_uri(reverse("sso_callback"))
        context["logout_url"] = self.request.build_absolute_uri(reverse("login"))
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = self.policy_form(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        form.save()
        messages.success(request, _("The sign-in settings are saved."))
        return redirect("sso_settings", org_slug=self.organization.slug)


class ProviderFormMixin(OrganizationViewMixin):
    permission_required = "sso.manage_sign_in"
    form_class: type[BaseForm] | None = IdentityProviderForm
    template_name: str | None = "sso/provider_form.html"

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs: dict[str, Any] = super().get_form_kwargs()  # type: ignore[misc]
        kwargs["organization"] = self.organization
        return kwargs

    def get_success_url(self) -> str:
        return reverse("sso_settings", kwargs={"org_slug": self.organization.slug})

    def form_valid(self, form: IdentityProviderForm) -> HttpResponse:
        messages.success(self.request, _("%(name)s is saved.") % {"name": form.instance.name})
        return super().form_valid(form)  # type: ignore[misc]


class ProviderCreateView(ProviderFormMixin, CreateView):
    pass


class ProviderUpdateView(ProviderFormMixin, UpdateView):
    object: IdentityProvider

    def load_objects(self) -> None:
        self.object = self.get_for_organization(
            IdentityProvider.objects.all(), pk=self.kwargs["pk"]
        )

    def get_object(self, queryset: Any = None) -> IdentityProvider:
        return self.object
