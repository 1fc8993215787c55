"""The second factor's sections on pages of other apps: the profile and a member's page."""

from __future__ import annotations

from typing import Any

from django import template
from django_otp.plugins.otp_totp.models import TOTPDevice

from twofactor import services
from twofactor.forms import CodeForm
from twofactor.policy import is_required

register = template.Library()


@register.inclusion_tag("twofactor/includes/profile_section.html", takes_context=True)
def two_factor_profile(context: dict[str, Any]) -> dict[str, Any]:
    user = context["request"].user
    on = TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    return {
        "on": on,
        "required": is_required(user),
        "codes_left": services.recovery_codes_left(user=user) if on else 0,
        "form": CodeForm(auto_id="id_two_factor_%s"),
        "off_form": CodeForm(auto_id="id_two_factor_off_%s"),
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("twofactor/includes/member_section.html", takes_context=True)
def two_factor_member(context: dict[str, Any], membership: Any) -> dict[str, Any]:
    return {
        "target": membership,
        "on": TOTPDevice.objects.filter(user_id=membership.user_id, confirmed=True).exists(),
        "organization": context.get("organization"),
        "csrf_token": context.get("csrf_token"),
    }
