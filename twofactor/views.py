"""The second factor's pages: the code after the password, set-up, recovery codes, turning it
off, and the administrator's reset of a member's factor."""

from __future__ import annotations

from base64 import b32encode
from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.generic import FormView
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from config.compression import uncompressed
from organizations.models import Membership
from organizations.views.base import OrganizationViewMixin, user_of
from twofactor import services
from twofactor.forms import CodeForm, SetupCodeForm
from twofactor.policy import confirmed_device, is_required, is_verified, mark_verified, pending_step
from twofactor.qr import qr_svg

# Fresh recovery codes wait here between being made and being shown (and downloaded) once.
NEW_CODES_SESSION_KEY = "two_factor_new_codes"
# A wait this long after a wrong code is worth telling at once (the fourth wrong code in a row);
# shorter ones pass before the person has typed the next code.
NOTABLE_WAIT = timedelta(seconds=8)


def next_url(request: HttpRequest, default: str = "home") -> str:
    """Where to go afterwards: ``next`` when it is a page of this site, else ``default``."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse(default)


def with_next(url_name: str, request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next")
    url = reverse(url_name)
    return f"{url}?{urlencode({'next': target})}" if target else url


def refusal(check: services.CodeCheck) -> str:
    """The message for a refused code, saying when to try again after too many."""
    if check.locked_until is not None:
        when = formats.time_format(timezone.localtime(check.locked_until), "H:i:s")
        if check.throttled:
            return _("Too many wrong codes in a row. Try again after %(time)s.") % {"time": when}
        if check.locked_until - timezone.now() >= NOTABLE_WAIT:
            return _("The code is not right. Wait until %(time)s before you try again.") % {
                "time": when
            }
    return _("The code is not right. Check your app (or your recovery codes) and try again.")


@method_decorator(never_cache, name="dispatch")
class VerifyView(LoginRequiredMixin, FormView):
    """After the password: a code from the authenticator app, or a recovery code."""

    form_class = CodeForm
    template_name = "twofactor/verify.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.user.is_authenticated:
            step = pending_step(request)
            if step is None:
                return redirect(next_url(request))
            if step == "setup":
                return redirect(with_next("two_factor_setup", request))
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {**super().get_context_data(**kwargs), "next": self.request.GET.get("next", "")}

    def form_valid(self, form: CodeForm) -> HttpResponse:
        check, device = services.code_check(
            user=user_of(self.request), code=form.cleaned_data["code"]
        )
        if not check.accepted:
            form.add_error("code", refusal(check))
            return self.form_invalid(form)
        mark_verified(self.request, device)
        if isinstance(device, StaticDevice):
            left = device.token_set.count()
            messages.warning(
                self.request,
                ngettext(
                    "You used a recovery code. You have %(count)d left.",
                    "You used a recovery code. You have %(count)d left.",
                    left,
                )
                % {"count": left},
            )
        return redirect(next_url(self.request))


@method_decorator(never_cache, name="dispatch")
@method_decorator(uncompressed, name="dispatch")
class SetupView(LoginRequiredMixin, FormView):
    """Adds an authenticator app: QR code and the secret as text, confirmed with a code."""

    form_class = SetupCodeForm
    template_name = "twofactor/setup.html"
    device: TOTPDevice

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return super().dispatch(request, *args, **kwargs)
        if confirmed_device(request.user) is not None:
            # One authenticator per person. Without this, a password alone could add a second.
            if not is_verified(request):
                return redirect(with_next("two_factor_verify", request))
            messages.info(request, _("Two-factor authentication is already on."))
            return redirect("profile")
        self.device = services.setup_device(user=user_of(request))
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        secret = b32encode(self.device.bin_key).decode()
        return {
            **super().get_context_data(**kwargs),
            "qr_svg": qr_svg(self.device.config_url, title=_("QR code for your authenticator app")),
            "secret_groups": [secret[i : i + 4] for i in range(0, len(secret), 4)],
            "required": is_required(self.request.user),
            "next": self.request.GET.get("next", ""),
        }

    def form_valid(self, form: SetupCodeForm) -> HttpResponse:
        check, codes = services.setup_confirm(device=self.device, code=form.cleaned_data["code"])
        if not check.accepted:
            form.add_error("code", refusal(check))
            return self.form_invalid(form)
        mark_verified(self.request, self.device)
        self.request.session[NEW_CODES_SESSION_KEY] = codes
        messages.success(self.request, _("Two-factor authentication is on."))
        return redirect(with_next("two_factor_recovery_codes", self.request))


@method_decorator(never_cache, name="dispatch")
@method_decorator(uncompressed, name="dispatch")
class RecoveryCodesView(LoginRequiredMixin, View):
    """Shows the new recovery codes once; they leave the session when the person is done."""

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        codes = request.session.get(NEW_CODES_SESSION_KEY)
        if not codes:
            return redirect("profile")
        context = {"codes": codes, "next": request.GET.get("next", "")}
        return render(request, "twofactor/recovery_codes.html", context)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        request.session.pop(NEW_CODES_SESSION_KEY, None)
        return redirect(next_url(request, default="profile"))


@method_decorator(never_cache, name="dispatch")
@method_decorator(uncompressed, name="dispatch")
class RecoveryCodesDownloadView(LoginRequiredMixin, View):
    http_method_names = ["get"]

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        codes = request.session.get(NEW_CODES_SESSION_KEY)
        if not codes:
            return redirect("profile")
        lines = [
            _("Tiltakshjulet: recovery codes for %(email)s") % {"email": user_of(request).email},
            _("Each code works once. Keep them somewhere safe."),
            "",
            *codes,
        ]
        response = HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="tiltakshjulet-recovery-codes.txt"'
        return response


class ProfileActionView(LoginRequiredMixin, View):
    """POST only, from the profile page, with a current code: proof that the person holding
    the session also holds the authenticator."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user = user_of(request)
        if confirmed_device(user) is None:
            messages.error(request, _("Two-factor authentication is not on."))
            return redirect("profile")
        form = CodeForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Type a code from your app to confirm."))
            return redirect("profile")
        check, _device = services.code_check(user=user, code=form.cleaned_data["code"])
        if not check.accepted:
            messages.error(request, refusal(check))
            return redirect("profile")
        return self.act(request)

    def act(self, request: HttpRequest) -> HttpResponse:
        raise NotImplementedError


@method_decorator(uncompressed, name="dispatch")
class RecoveryCodesRenewView(ProfileActionView):
    def act(self, request: HttpRequest) -> HttpResponse:
        request.session[NEW_CODES_SESSION_KEY] = services.recovery_codes_renew(
            user=user_of(request)
        )
        messages.success(request, _("You have new recovery codes. The old ones no longer work."))
        return redirect(f"{reverse('two_factor_recovery_codes')}?next={reverse('profile')}")


class TurnOffView(ProfileActionView):
    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if is_required(request.user):
            messages.error(
                request,
                _("Your role requires two-factor authentication, so it cannot be turned off."),
            )
            return redirect("profile")
        return super().post(request, *args, **kwargs)

    def act(self, request: HttpRequest) -> HttpResponse:
        services.second_factor_remove(user=user_of(request))
        request.session.pop(DEVICE_ID_SESSION_KEY, None)
        messages.success(request, _("Two-factor authentication is off."))
        return redirect("profile")


class MemberResetView(OrganizationViewMixin, View):
    """POST only: an administrator removes a member's second factor (a lost phone); the member
    sets it up again at their next sign-in. Kept on the audit trail."""

    permission_required = "organizations.manage_members"
    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        membership = self.get_for_organization(
            Membership.objects.select_related("user", "organization"), pk=kwargs["pk"]
        )
        services.second_factor_reset(membership=membership)
        messages.success(
            request,
            _(
                "%(name)s no longer has two-factor authentication. If their role requires "
                "it, they set it up again the next time they log in."
            )
            % {"name": membership.user},
        )
        return redirect("membership_role", org_slug=self.organization.slug, pk=membership.pk)
