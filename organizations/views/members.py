"""Administrators manage who belongs to the organisation and with which role."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, TemplateView, UpdateView

from organizations.forms import InvitationForm, RoleForm
from organizations.models import Invitation, Membership, User
from organizations.services import (
    MembershipError,
    invitation_create,
    membership_change_role,
    membership_set_active,
)
from organizations.views.base import OrganizationViewMixin


class MemberListView(OrganizationViewMixin, TemplateView):
    permission_required = "organizations.manage_members"
    template_name = "organizations/member_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        memberships = list(
            Membership.objects.filter(organization=self.organization)
            .select_related("user")
            .order_by("-is_active", "user__full_name", "user__email")
        )
        context["active_memberships"] = [m for m in memberships if m.is_active]
        context["inactive_memberships"] = [m for m in memberships if not m.is_active]
        context["invitations"] = (
            Invitation.objects.pending()
            .filter(organization=self.organization)
            .select_related("invited_by")
        )
        return context


class InviteMemberView(OrganizationViewMixin, FormView):
    permission_required = "organizations.manage_members"
    form_class = InvitationForm
    template_name = "organizations/invite.html"

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "organization": self.organization}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {
            **super().get_context_data(**kwargs),
            "invitation_days": settings.INVITATION_VALID_DAYS,
        }

    def form_valid(self, form: InvitationForm) -> HttpResponse:
        assert isinstance(self.request.user, User)  # noqa: S101 - the mixin requires login
        invitation = invitation_create(
            organization=self.organization,
            email=form.cleaned_data["email"],
            role=form.cleaned_data["role"],
            invited_by=self.request.user,
        )
        messages.success(
            self.request,
            _("An invitation is on its way to %(email)s.") % {"email": invitation.email},
        )
        return redirect("member_list", org_slug=self.organization.slug)


class MembershipRoleView(OrganizationViewMixin, UpdateView):
    permission_required = "organizations.manage_members"
    form_class = RoleForm
    template_name = "organizations/membership_role.html"
    context_object_name = "target"

    def get_object(self, queryset: Any = None) -> Membership:
        return self.get_for_organization(
            Membership.objects.select_related("user"), pk=self.kwargs["pk"]
        )

    def form_valid(self, form: RoleForm) -> HttpResponse:
        try:
            membership_change_role(membership=self.object, role=form.cleaned_data["role"])
        except MembershipError as error:
            form.add_error("role", str(error))
            return self.form_invalid(form)
        messages.success(self.request, _("The role is changed."))
        return redirect(reverse("member_list", args=[self.organization.slug]))


class MembershipActivationView(OrganizationViewMixin, View):
    """POST only: deactivates or reactivates a membership (history is never deleted)."""

    permission_required = "organizations.manage_members"
    activate = False
    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        membership = self.get_for_organization(
            Membership.objects.select_related("user"), pk=kwargs["pk"]
        )
        try:
            membership_set_active(membership=membership, active=self.activate)
        except MembershipError as error:
            messages.error(request, str(error))
        else:
            text = (
                _("%(name)s is active again.") if self.activate else _("%(name)s is deactivated.")
            )
            messages.success(request, text % {"name": membership.user})
        return redirect("member_list", org_slug=self.organization.slug)


class InvitationRevokeView(OrganizationViewMixin, View):
    permission_required = "organizations.manage_members"
    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        invitation = self.get_for_organization(Invitation.objects.all(), pk=kwargs["pk"])
        if Invitation.objects.pending().filter(pk=invitation.pk).update(revoked_at=timezone.now()):
            messages.success(
                request,
                _("The invitation to %(email)s is withdrawn.") % {"email": invitation.email},
            )
        return redirect("member_list", org_slug=self.organization.slug)
