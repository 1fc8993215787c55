"""A person's own account: profile and joining through an invitation."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import UpdateView

from organizations.forms import AcceptInvitationForm, ProfileForm
from organizations.models import Invitation, User
from organizations.services import InvitationUnavailable, invitation_accept


class ProfileView(LoginRequiredMixin, UpdateView):
    form_class = ProfileForm
    template_name = "accounts/profile.html"
    success_url = reverse_lazy("profile")

    def get_object(self, queryset: Any = None) -> User:
        assert isinstance(self.request.user, User)  # noqa: S101 - login is required above
        return self.request.user

    def form_valid(self, form: ProfileForm) -> HttpResponse:
        messages.success(self.request, _("Your profile is saved."))
        return super().form_valid(form)


class InvitationAcceptView(View):
    """``/invitations/<token>/``: join an organisation, creating an account if needed.

    Public by design (the link is the credential); every unusable state says so plainly.
    """

    invitation: Invitation
    existing_user: User | None

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        invitation = (
            Invitation.objects.for_token(kwargs["token"]).select_related("organization").first()
        )
        if invitation is None:
            return self.unusable("invalid", status=404)
        if invitation.state != "pending":
            return self.unusable(invitation.state, status=410)
        self.invitation = invitation
        self.existing_user = User.objects.filter(email__iexact=invitation.email).first()
        return super().dispatch(request, *args, **kwargs)

    def unusable(self, state: str, *, status: int) -> HttpResponse:
        return render(
            self.request, "accounts/invitation_unusable.html", {"state": state}, status=status
        )

    def render_page(self, form: AcceptInvitationForm | None = None) -> HttpResponse:
        user = self.request.user
        context = {
            "invitation": self.invitation,
            "organization": self.invitation.organization,
            "wrong_account": user.is_authenticated and user != self.existing_user,
            "needs_login": not user.is_authenticated and self.existing_user is not None,
            "login_url": f"{reverse('login')}?next={self.request.path}",
            "form": form,
        }
        if form is None and not user.is_authenticated and self.existing_user is None:
            context["form"] = AcceptInvitationForm(email=self.invitation.email)
        return render(self.request, "accounts/invitation_accept.html", context)

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self.render_page()

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user = request.user
        if user.is_authenticated:
            if user != self.existing_user:
                return self.render_page()
            assert isinstance(user, User)  # noqa: S101 - narrowed for the type checker
            return self.join(user)
        if self.existing_user is not None:
            return self.render_page()
        form = AcceptInvitationForm(request.POST, email=self.invitation.email)
        if not form.is_valid():
            return self.render_page(form)
        try:
            # The account and the membership come together or not at all.
            with transaction.atomic():
                new_user = User.objects.create_user(
                    self.invitation.email,
                    form.cleaned_data["password1"],
                    full_name=form.cleaned_data["full_name"],
                )
                invitation_accept(invitation=self.invitation, user=new_user)
        except InvitationUnavailable:
            return self.unusable("accepted", status=410)
        return self.welcome(new_user)

    def join(self, user: User) -> HttpResponse:
        try:
            invitation_accept(invitation=self.invitation, user=user)
        except InvitationUnavailable:
            return self.unusable("accepted", status=410)
        return self.welcome(user)

    def welcome(self, user: User) -> HttpResponse:
        if not self.request.user.is_authenticated:
            login(self.request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(
            self.request,
            _("Welcome to %(organization)s.") % {"organization": self.invitation.organization},
        )
        return redirect("organization_home", org_slug=self.invitation.organization.slug)
