"""Forms validate; the workflows they start live in services.py."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from organizations.formtools import ReminderDaysField
from organizations.models import Membership, Organization, Role, Unit, User

# The password rule (settings.AUTH_PASSWORD_VALIDATORS) as people read it, under every field
# where a new password is chosen: joining, changing it and setting a new one after a reset.
PASSWORD_HELP = _(
    "At least 12 characters. Any letters, digits and signs will do: a few words in a row are "
    "easy to remember and hard to guess. Very common passwords, and passwords too like your "
    "name or email address, are refused."
)


class EmailAuthenticationForm(AuthenticationForm):
    """The login form, with the username field presented as an email address."""

    username = forms.EmailField(
        label=_("Email address"),
        widget=forms.EmailInput(attrs={"autocomplete": "username"}),
    )


class ProfileForm(forms.ModelForm):
    # Edited as text ("7, 1"), stored as a list of whole numbers (User.reminder_days).
    reminder_days = ReminderDaysField(
        label=_("Remind me (days before)"),
        empty_value=[],
        help_text=_(
            "For the reminder emails and the alarms in your calendar. Whole numbers from 0 to "
            "60, separated by commas, for example 7, 1 for a week and a day before. 0 is the "
            "same day. At most five; leave empty for no reminders."
        ),
    )
    digest_weekday = forms.TypedChoiceField(
        label=_("Weekly digest"),
        required=False,
        coerce=int,
        empty_value=None,
        help_text=_(
            "An email on the morning of the chosen day: what you are responsible for in the "
            "next 14 days, and the evaluations of the measures you lead that are overdue."
        ),
    )

    class Meta:
        model = User
        fields = ["full_name", "language", "reminder_days", "digest_weekday"]
        labels = {"language": _("Language in the interface")}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        weekday = self.fields["digest_weekday"]
        assert isinstance(weekday, forms.TypedChoiceField)  # noqa: S101 - declared above
        weekday.choices = [
            ("", _("No weekly digest")),
            *(User._meta.get_field("digest_weekday").choices or []),
        ]


class OrganizationSettingsForm(forms.ModelForm):
    # Declared here only to pass assume_scheme: an address typed without one gets https://.
    accessibility_statement_url = forms.URLField(
        label=Organization._meta.get_field("accessibility_statement_url").verbose_name,
        help_text=Organization._meta.get_field("accessibility_statement_url").help_text,
        required=False,
        max_length=200,
        assume_scheme="https",
    )
    escalate_after_days = forms.IntegerField(
        label=_("Tell the coordinator when an evaluation is overdue by (days)"),
        min_value=1,
        max_value=90,
        help_text=_(
            "The programme's coordinator (or, if the programme has none, every coordinator) "
            "gets an email when an evaluation is this many days overdue. From 1 to 90 days."
        ),
    )

    class Meta:
        model = Organization
        fields = [
            "name",
            "number",
            "written_standard",
            "planning_year_start_month",
            "escalate_after_days",
            "accessibility_contact_email",
            "accessibility_statement_url",
        ]


class UnitForm(forms.ModelForm):
    class Meta:
        model = Unit
        fields = ["name", "kind"]

    def __init__(self, *args: Any, organization: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.organization = organization

    def clean_name(self) -> str:
        name: str = self.cleaned_data["name"].strip()
        duplicates = Unit.objects.filter(
            organization=self.instance.organization, name__iexact=name
        ).exclude(pk=self.instance.pk)
        if duplicates.exists():
            raise forms.ValidationError(_("The organisation already has a unit with this name."))
        return name


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("Email address"))
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.MEMBER)

    def __init__(self, *args: Any, organization: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organization = organization

    def clean_email(self) -> str:
        email: str = self.cleaned_data["email"].strip().lower()
        already = Membership.objects.filter(
            organization=self.organization, user__email__iexact=email, is_active=True
        )
        if already.exists():
            raise forms.ValidationError(_("This person is already a member of the organisation."))
        return email


class RoleForm(forms.ModelForm):
    class Meta:
        model = Membership
        fields = ["role"]


class AcceptInvitationForm(forms.Form):
    """Creates the account of a person who accepts an invitation and has none yet."""

    full_name = forms.CharField(label=_("Full name"), max_length=150)
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=PASSWORD_HELP,
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args: Any, email: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.email = email

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        password1, password2 = cleaned.get("password1"), cleaned.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", _("The two passwords are not the same."))
        elif password1:
            candidate = User(email=self.email, full_name=cleaned.get("full_name", ""))
            try:
                password_validation.validate_password(password1, candidate)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned
