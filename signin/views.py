"""Signing in: the lockout page, the throttled password reset, and the administrators' page
of their members' lockouts."""

from __future__ import annotations

from typing import Any

from axes.models import AccessAttempt
from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordResetForm
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from organizations.models import Membership, Organization
from organizations.throttle import (
    PASSWORD_RESET_BY_ADDRESS,
    PASSWORD_RESET_BY_EMAIL,
    client_ip,
    too_many_requests,
)
from organizations.views.base import OrganizationViewMixin
from signin.forms import OutboxPasswordResetForm, PlainPasswordChangeForm, PlainSetPasswordForm
from signin.lockout import Lockout, current_lockouts, locked_until, username
from signin.models import LockoutRelease
from usersessions.services import sessions_end


def locked_out(
    request: HttpRequest, original_response: HttpResponse | None, credentials: dict[str, Any]
) -> HttpResponse:
    """``AXES_LOCKOUT_CALLABLE``: the page a locked-out person sees, in their language."""
    address = getattr(request, "axes_ip_address", None) or client_ip(request)
    until = locked_until(username(request, credentials), address)
    context = {"until": until, "failure_limit": settings.LOGIN_FAILURE_LIMIT}
    response = render(request, "signin/locked_out.html", context, status=429)
    if until is not None:
        wait = max(1, int((until - timezone.now()).total_seconds()) + 1)
        response["Retry-After"] = str(wait)
    return response


class PasswordResetView(auth_views.PasswordResetView):
    """Django's reset request, throttled twice: requests per client address (429 past the
    limit), and mails per email address, silently, so the page is the same whether or not
    the address has an account. The email goes through the outbox."""

    form_class = OutboxPasswordResetForm

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        wait = PASSWORD_RESET_BY_ADDRESS.attempt(client_ip(request))
        if wait is not None:
            return too_many_requests(request, wait)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form: PasswordResetForm) -> HttpResponse:
        if PASSWORD_RESET_BY_EMAIL.attempt(form.cleaned_data["email"]) is not None:
            return HttpResponseRedirect(self.get_success_url())
        return super().form_valid(form)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Setting a new password through the emailed link also lifts a lockout of the account
    from this address (the person has shown they own the mailbox), and ends every session of
    the account: whoever knew the old password is out at once."""

    form_class = PlainSetPasswordForm

    def form_valid(self, form: PlainSetPasswordForm) -> HttpResponse:
        response = super().form_valid(form)
        axes_reset(ip=client_ip(self.request), username=form.user.get_username())
        sessions_end(user=form.user)
        return response


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's, and then the person's other sessions end: Django keeps this one (it moves
    it to a new key and the new password's hash), and the others would only fail at their
    next request; deleting them makes them gone now and off the sessions page."""

    form_class = PlainPasswordChangeForm

    def form_valid(self, form: PlainPasswordChangeForm) -> HttpResponse:
        response = super().form_valid(form)
        sessions_end(user=form.user, keep=self.request.session.session_key)
        return response


def _member_accounts(organization: Organization) -> list[str]:
    """Every account that is or was a member: a lockout never shows outside its organisations."""
    return [
        email.lower()
        for email in Membership.objects.filter(organization=organization).values_list(
            "user__email", flat=True
        )
    ]


class LockoutListView(OrganizationViewMixin, TemplateView):
    """``/o/<org>/lockouts/``: the members' accounts locked from some address, and why."""

    permission_required = "organizations.manage_members"
    template_name = "signin/lockout_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        lockouts = current_lockouts(_member_accounts(self.organization))
        names = dict(
            Membership.objects.filter(
                organization=self.organization, user__email__in=[lo.username for lo in lockouts]
            ).values_list("user__email", "user__full_name")
        )
        context["lockouts"] = [(lockout, names.get(lockout.username, "")) for lockout in lockouts]
        context["failure_limit"] = settings.LOGIN_FAILURE_LIMIT
        return context


class LockoutReleaseView(OrganizationViewMixin, View):
    """POST only: lifts one lockout of a member and records who did it (the audit trail)."""

    permission_required = "organizations.manage_members"
    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        attempt = get_object_or_404(
            AccessAttempt,
            pk=kwargs["pk"],
            username__in=_member_accounts(self.organization),
        )
        lockout = self._lockout(attempt)
        axes_reset(ip=attempt.ip_address, username=attempt.username)
        LockoutRelease.objects.create(
            organization=self.organization,
            username=lockout.username,
            ip_address=lockout.ip_address,
            failures=lockout.failures,
            locked_until=lockout.until,
        )
        messages.success(
            request,
            _("%(account)s can log in again from %(address)s.")
            % {"account": lockout.username, "address": lockout.ip_address},
        )
        return redirect("lockout_list", org_slug=self.organization.slug)

    def _lockout(self, attempt: AccessAttempt) -> Lockout:
        for lockout in current_lockouts([attempt.username or ""]):
            if lockout.ip_address == attempt.ip_address:
                return lockout
        raise Http404  # over already, or never a lockout
