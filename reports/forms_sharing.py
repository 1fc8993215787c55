"""The form that makes a share link: who it is for and how many days it lasts."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from reports.models import ShareLink

MIN_DAYS = 1
MAX_DAYS = 90
DEFAULT_DAYS = 30

# One message for every way the number can be wrong: the reader needs the bounds, not the cause.
LIFETIME_ERROR = _("A link lasts from 1 to 90 days: enter a whole number in between.")


class ShareLinkForm(forms.ModelForm):
    lifetime_days = forms.IntegerField(
        label=_("Works for (days)"),
        min_value=MIN_DAYS,
        max_value=MAX_DAYS,
        initial=DEFAULT_DAYS,
        help_text=_("From 1 to 90 days. You can withdraw the link at any time."),
        error_messages={
            "required": LIFETIME_ERROR,
            "invalid": LIFETIME_ERROR,
            "min_value": LIFETIME_ERROR,
            "max_value": LIFETIME_ERROR,
        },
    )

    class Meta:
        model = ShareLink
        fields = ["label"]
        error_messages = {
            "label": {"required": _("Say who the link is for, so you know which one to withdraw.")}
        }
