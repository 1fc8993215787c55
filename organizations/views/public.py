"""Pages outside any organisation: the front door, language, accessibility."""

from __future__ import annotations

import json
import logging
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView

from organizations import accessibility
from organizations.models import Language, Membership, Organization, Role, User

logger = logging.getLogger(__name__)


def home(request: HttpRequest) -> HttpResponse:
    """Sends people where they work: their last organisation, else their first one."""
    if not request.user.is_authenticated:
        return redirect("login")
    memberships = (
        Membership.objects.active().filter(user=request.user).select_related("organization")
    )
    assert isinstance(request.user, User)  # noqa: S101 - narrowed for the type checker
    last_id = request.user.last_organization_id
    chosen = next((m for m in memberships if m.organization_id == last_id), None)
    chosen = chosen or next(iter(memberships), None)
    if chosen is None:
        return redirect("organization_list")
    if chosen.role == Role.VIEWER:
        # Politicians and top management read the status of the measures, nothing else.
        return redirect("status_dashboard", org_slug=chosen.organization.slug)
    return redirect("organization_home", org_slug=chosen.organization.slug)


def statement_context(organization: Organization | None) -> dict[str, Any]:
    """What the accessibility statement shows (organizations/accessibility.py), with the
    feedback address: the organisation's own, else the service's, else its administrators."""
    contact = organization.accessibility_contact_email if organization else ""
    admins: list[Membership] = []
    if not contact and organization is not None and not settings.SUPPORT_EMAIL:
        admins = list(
            Membership.objects.active()
            .filter(organization=organization, role=Role.ADMIN)
            .select_related("user")
            .order_by("user__full_name")
        )
    return {
        "statement_organization": organization,
        "statement_url": organization.accessibility_statement_url if organization else "",
        "contact_email": contact or settings.SUPPORT_EMAIL,
        "contact_is_service": not contact and bool(settings.SUPPORT_EMAIL),
        "contact_admins": admins,
        "standard": accessibility.STANDARD,
        "statement_made": accessibility.STATEMENT_MADE,
        "last_reviewed": accessibility.LAST_REVIEWED,
        "deviations": accessibility.DEVIATIONS,
        "authority_url": accessibility.AUTHORITY_URL,
    }


class AccessibilityStatementView(TemplateView):
    """The statement for everyone, logged in or not; inside an organisation the footer links
    to its own version (OrganizationAccessibilityView), with its contact and published link."""

    template_name = "pages/accessibility.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {**super().get_context_data(**kwargs), **statement_context(None)}


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """The language switcher: saved on the profile of a logged-in user, in a cookie otherwise."""
    language = request.POST.get("language", "")
    next_url = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = "/"
    response: HttpResponse = HttpResponseRedirect(next_url)
    if language not in Language.values:
        return response
    if request.user.is_authenticated:
        User.objects.filter(pk=request.user.pk).update(language=language)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE or 60 * 60 * 24 * 365,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
    return response


# A browser's violation report is a few hundred bytes; anything much larger is not one.
CSP_REPORT_MAX_BYTES = 16 * 1024
CSP_REPORT_FIELDS = (
    "document-uri",
    "effective-directive",
    "violated-directive",
    "blocked-uri",
    "source-file",
    "line-number",
    "column-number",
    "disposition",
)


@csrf_exempt  # browsers send reports without our token (and without cookies)
@require_POST
def csp_report(request: HttpRequest) -> HttpResponse:
    """Where browsers report what the Content-Security-Policy blocked (``report-uri``): one
    warning in the log per report, with the fields that say what was blocked on which page.
    Anyone may send one, so the body is size-limited and only known fields are logged, each
    cut short."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > CSP_REPORT_MAX_BYTES:
        return HttpResponse(status=413)
    body = request.read(CSP_REPORT_MAX_BYTES + 1)
    if len(body) > CSP_REPORT_MAX_BYTES:
        return HttpResponse(status=413)
    try:
        report = json.loads(body)["csp-report"]
        fields = {name: str(report.get(name, ""))[:300] for name in CSP_REPORT_FIELDS}
    except (ValueError, KeyError, TypeError, AttributeError):
        return HttpResponse(status=400)
    logger.warning(
        "CSP violation: %s",
        " ".join(f"{name}={value!r}" for name, value in fields.items() if value),
    )
    return HttpResponse(status=204)
