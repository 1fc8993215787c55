"""The login page, email first, and signing out (with the provider's own sign-out)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from sso.discovery import client_for
from sso.forms import EmailStepForm, PasswordLoginForm
from sso.models import IdentityProvider
from sso.services import providers_for_email

# Read by other parts of the product (two-factor asks password users only): how the person
# in this session signed in, "password" or "sso".
PROVIDER_SESSION_KEY = "sso_provider_id"
ID_TOKEN_SESSION_KEY = "sso_id_token"  # noqa: S105 - a session key


class LoginView(auth_views.LoginView):
    """Step one asks for the email address only. An address whose domain or membership
    belongs to an organisation with single sign-on goes to its provider (or a choice of
    them); any other goes on to the password step with the address filled in.
    ``?password=1`` opens the password step at once (the break-glass way in)."""

    authentication_form = PasswordLoginForm
    redirect_authenticated_user = True

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.GET.get("password"):
            return super().get(request, *args, **kwargs)
        return self.render_step("email", email_form=EmailStepForm())

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if "password" in request.POST:
            return super().post(request, *args, **kwargs)
        form = EmailStepForm(request.POST)
        if not form.is_valid():
            return self.render_step("email", email_form=form)
        email = form.cleaned_data["username"].strip().lower()
        providers = providers_for_email(email)
        if len(providers) == 1:
            # Not a redirect: a content security policy with form-action 'self' stops a form
            # post that is redirected to another site (Chromium checks every hop). A page
            # that moves on by itself (and has a link, should it not) is a new navigation.
            provider = providers[0]
            return self.render_step(
                "redirect", provider=provider, start_url=self.start_url(provider)
            )
        if providers:
            choices = [(provider, self.start_url(provider)) for provider in providers]
            return self.render_step("choose", choices=choices, email=email)
        password_form = self.get_form_class()(request, initial={"username": email})
        # The person has just given their address: the password is what they type next.
        password_form.fields["password"].widget.attrs["autofocus"] = True
        return self.render_step("password", form=password_form)

    def start_url(self, provider: IdentityProvider) -> str:
        url = reverse("sso_start", kwargs={"pk": provider.pk})
        next_url = self.get_redirect_url()
        return f"{url}?{urlencode({'next': next_url})}" if next_url else url

    def render_step(self, step: str, **context: Any) -> HttpResponse:
        context.setdefault("form", None)
        return self.render_to_response(self.get_context_data(step=step, **context))

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        kwargs.setdefault("step", "password")
        context = super().get_context_data(**kwargs)
        next_url = self.get_redirect_url()
        query = {"password": "1", **({"next": next_url} if next_url else {})}
        context["password_url"] = f"{reverse('login')}?{urlencode(query)}"
        return context


class LogoutView(auth_views.LogoutView):
    """Ends the session here; a person who came through a provider with a sign-out endpoint
    is then offered to sign out there too (RP-initiated logout)."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        provider_id = request.session.get(PROVIDER_SESSION_KEY)
        id_token = request.session.get(ID_TOKEN_SESSION_KEY)
        response = super().post(request, *args, **kwargs)
        provider = IdentityProvider.objects.filter(pk=provider_id).first() if provider_id else None
        if provider is None or not provider.end_session_endpoint:
            return response
        logout_url = client_for(provider, with_secret=False).create_logout_url(
            post_logout_redirect_uri=request.build_absolute_uri(reverse("login")),
            id_token_hint=id_token,
            client_id=provider.client_id,
        )["url"]
        # A link, not a redirect: the person chooses whether to end the provider's session
        # too (it may also sign them out of other services there).
        return render(
            request, "sso/signed_out.html", {"provider": provider, "logout_url": logout_url}
        )
