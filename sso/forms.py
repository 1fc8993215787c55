"""The login page's forms and the administrators' forms for providers and the policy."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from organizations.forms import EmailAuthenticationForm
from organizations.models import Membership, Organization, Role, User
from sso.discovery import DiscoveryError, fetch_discovery
from sso.models import (
    SECRET_ENV_PREFIX,
    IdentityProvider,
    SignInPolicy,
    parse_domains,
    parse_group_roles,
)
from sso.services import password_login_allowed

DOMAIN = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


class EmailStepForm(forms.Form):
    """The first step of the login page: the address decides how the person signs in."""

    username = forms.EmailField(
        label=_("Email address"),
        widget=forms.EmailInput(attrs={"autocomplete": "username"}),
    )


class PasswordLoginForm(EmailAuthenticationForm):
    """The password step, refusing members of organisations that turned passwords off."""

    def confirm_login_allowed(self, user: Any) -> None:
        super().confirm_login_allowed(user)
        if not password_login_allowed(user):
            raise forms.ValidationError(
                _(
                    "Your organisation has turned off sign-in with a password. Sign in "
                    "through its identity provider: enter your email address again and "
                    "choose Next."
                ),
                code="password_login_disabled",
            )


class IdentityProviderForm(forms.ModelForm):
    issuer = forms.URLField(
        label=IdentityProvider._meta.get_field("issuer").verbose_name,
        max_length=300,
        assume_scheme="https",
        help_text=IdentityProvider._meta.get_field("issuer").help_text,
    )
    client_secret = forms.CharField(
        label=_("Client secret"),
        required=False,
        strip=True,
        widget=forms.PasswordInput(attrs={"autocomplete": "off"}, render_value=False),
        help_text=_(
            "Stored encrypted and never shown again. Leave empty to keep the stored secret."
        ),
    )

    class Meta:
        model = IdentityProvider
        fields = [
            "name",
            "issuer",
            "client_id",
            "client_secret",
            "client_secret_env",
            "allowed_domains",
            "email_claim",
            "trust_unverified_email",
            "group_claim",
            "group_roles",
            "allow_new_members",
            "is_active",
        ]
        widgets = {"group_roles": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, organization: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.organization = organization
        self.metadata: dict[str, Any] | None = None

    def clean_issuer(self) -> str:
        try:
            self.metadata = fetch_discovery(self.cleaned_data["issuer"])
        except DiscoveryError as error:
            raise forms.ValidationError(str(error)) from error
        return str(self.metadata["issuer"])

    def clean_client_secret_env(self) -> str:
        name: str = self.cleaned_data["client_secret_env"].strip()
        if name and not re.fullmatch(re.escape(SECRET_ENV_PREFIX) + r"[A-Z0-9_]+", name):
            raise forms.ValidationError(
                _(
                    "The name must start with SSO_CLIENT_SECRET_ and have only capital "
                    "letters, digits and underscores."
                )
            )
        return name

    def clean_allowed_domains(self) -> str:
        domains = parse_domains(self.cleaned_data["allowed_domains"])
        if not domains:
            raise forms.ValidationError(_("Name at least one email domain."))
        wrong = [domain for domain in domains if not DOMAIN.match(domain)]
        if wrong:
            raise forms.ValidationError(
                _("Not a domain: %(domains)s.") % {"domains": ", ".join(wrong)}
            )
        others = IdentityProvider.objects.exclude(
            organization=self.instance.organization
        ).select_related("organization")
        for provider in others:
            taken = sorted(set(domains) & set(provider.domains))
            if taken:
                raise forms.ValidationError(
                    _("Another organisation already signs in people with %(domains)s.")
                    % {"domains": ", ".join(taken)}
                )
        return ", ".join(dict.fromkeys(domains))

    def clean_email_claim(self) -> str:
        return str(self.cleaned_data["email_claim"]).strip()

    def clean_group_roles(self) -> str:
        text: str = self.cleaned_data["group_roles"]
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        for line in lines:
            group, sep, role = line.rpartition("=")
            if not sep or not group.strip() or role.strip() not in Role.values:
                raise forms.ValidationError(
                    _(
                        "Write each line as a group, an equals sign and one of admin, "
                        "coordinator, team_lead, member, viewer. This line is not: %(line)s"
                    )
                    % {"line": line}
                )
        return "\n".join(f"{g} = {r}" for g, r in parse_group_roles("\n".join(lines)).items())

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        has_secret = (
            cleaned.get("client_secret")
            or cleaned.get("client_secret_env")
            or self.instance.has_stored_secret
        )
        if not has_secret:
            self.add_error(
                "client_secret",
                _("Enter the client secret, or the environment variable that holds it."),
            )
        if cleaned.get("group_roles") and not cleaned.get("group_claim"):
            self.add_error("group_claim", _("Name the claim that carries the groups."))
        return cleaned

    def save(self, commit: bool = True) -> IdentityProvider:
        provider: IdentityProvider = super().save(commit=False)
        if self.metadata is not None:
            provider.metadata = self.metadata
        secret = self.cleaned_data.get("client_secret")
        if secret:
            provider.set_client_secret(secret)
        if commit:
            provider.save()
        return provider


class SignInPolicyForm(forms.ModelForm):
    class Meta:
        model = SignInPolicy
        fields = ["password_login_disabled", "break_glass_admin"]

    def __init__(self, *args: Any, organization: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.organization = organization
        admins = Membership.objects.active().filter(organization=organization, role=Role.ADMIN)
        field = self.fields["break_glass_admin"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101 - a foreign key
        field.queryset = User.objects.filter(pk__in=admins.values("user")).order_by("email")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("password_login_disabled"):
            organization = self.instance.organization
            if not IdentityProvider.objects.usable().filter(organization=organization).exists():
                raise forms.ValidationError(
                    _("Add an identity provider in use before turning off passwords.")
                )
            if not cleaned.get("break_glass_admin"):
                self.add_error(
                    "break_glass_admin",
                    _("Choose a break-glass administrator before turning off passwords."),
                )
        return cleaned
