"""Share links: planners make and withdraw read-only links to one published report, and
council members without an account read the report (and its PDF) through them.

The public pages have no organisation in the URL and need no login. Every way a token can fail
(tampered, unknown, withdrawn, expired) gives the same 404 page, so a reader learns nothing
from trying; every successful opening is logged (time and page or PDF, nothing about the
reader).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.db import transaction
from django.db.models import Count, Max, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from filejobs.progress import wants_progress
from organizations.views.base import OrganizationViewMixin, user_of
from reports.body import stored_body
from reports.forms_sharing import ShareLinkForm
from reports.models import PublishedReport, ShareLink, ShareLinkUse
from reports.pdf import pdf_response
from reports.pdfjobs import ask_for_pdf
from reports.sharing import link_for_token, token_for
from reports.views.published import pdf_status_page

MANAGE = "reports.manage_reports"


@dataclass
class LinkRow:
    link: ShareLink
    state: str  # "active", "expired" or "revoked"
    state_label: str
    url: str  # the full URL to copy; "" once the link no longer works


def link_rows(request: HttpRequest, links: QuerySet[ShareLink]) -> list[LinkRow]:
    now = timezone.now()
    labels = {"active": _("Active"), "expired": _("Expired"), "revoked": _("Withdrawn")}
    rows = []
    for link in links:
        if link.revoked_at is not None:
            state = "revoked"
        elif link.expires_at <= now:
            state = "expired"
        else:
            state = "active"
        url = ""
        if state == "active":
            url = request.build_absolute_uri(reverse("shared_report", args=[token_for(link)]))
        rows.append(LinkRow(link=link, state=state, state_label=labels[state], url=url))
    return rows


class ShareLinkListView(OrganizationViewMixin, TemplateView):
    """A published report's share links, and the form that makes a new one."""

    permission_required = MANAGE
    template_name = "reports/sharing/list.html"
    published: PublishedReport

    def load_objects(self) -> None:
        self.published = self.get_for_organization(
            PublishedReport.objects.all(), pk=self.kwargs["pk"]
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        links = (
            self.published.share_links.select_related("created_by", "revoked_by")
            .annotate(use_count=Count("uses"), last_used_at=Max("uses__used_at"))
            .order_by("-created_at", "-pk")
        )
        form = kwargs.get("form")
        context.update(
            published=self.published,
            rows=link_rows(self.request, links),
            form=form if form is not None else ShareLinkForm(),
        )
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = ShareLinkForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        link = form.save(commit=False)
        link.published = self.published
        link.created_by = user_of(request)
        link.expires_at = timezone.now() + timedelta(days=form.cleaned_data["lifetime_days"])
        link.save()
        messages.success(
            request,
            _("The link for “%(label)s” is made. Copy it from the list below.")
            % {"label": link.label},
        )
        return redirect("share_link_list", self.organization.slug, self.published.pk)


class ShareLinkRevokeView(OrganizationViewMixin, View):
    """POST only: withdraws a link for good. Withdrawing one already withdrawn changes
    nothing."""

    permission_required = MANAGE
    http_method_names = ["post"]
    link: ShareLink

    def load_objects(self) -> None:
        self.link = get_object_or_404(
            ShareLink.objects.select_related("published"),
            pk=self.kwargs["pk"],
            published__organization=self.organization,
        )

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        # A conditional update: two planners withdrawing at once leave the first one's name
        # and time, and the second is told it was already done.
        with transaction.atomic():
            changed = ShareLink.objects.filter(pk=self.link.pk, revoked_at=None).update(
                revoked_at=timezone.now(), revoked_by=user_of(request)
            )
        if changed:
            messages.success(
                request,
                _("The link for “%(label)s” is withdrawn: it no longer opens the report.")
                % {"label": self.link.label},
            )
        else:
            messages.info(
                request,
                _("The link for “%(label)s” was already withdrawn.") % {"label": self.link.label},
            )
        return redirect("share_link_list", self.organization.slug, self.link.published_id)


# --- the public pages ----------------------------------------------------------------------------


def private(response: HttpResponseBase) -> HttpResponseBase:
    """Keeps a shared report out of caches and search engines, and its token out of the
    ``Referer`` of any link followed from it."""
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    response["Referrer-Policy"] = "no-referrer"
    return response


class SharedView(View):
    """Checks the token once; a link that does not work gives the same 404 page whatever
    the reason."""

    http_method_names = ["get", "head"]
    what: str = ShareLinkUse.What.PAGE
    log_every_use = True
    link: ShareLink

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.method not in ("GET", "HEAD"):
            return private(self.http_method_not_allowed(request, *args, **kwargs))
        link = link_for_token(self.kwargs["token"])
        if link is None:
            return private(render(request, "reports/sharing/invalid.html", status=404))
        self.link = link
        if self.log_every_use:
            ShareLinkUse.objects.create(link=link, what=self.what)
        return private(super().dispatch(request, *args, **kwargs))


class SharedReportView(SharedView):
    """The published report, read-only, in the report's written standard, with nothing that
    leads into the organisation."""

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        published = self.link.published
        return render(
            request,
            "reports/sharing/report.html",
            {
                "published": published,
                "content": published.content,
                "body": stored_body(published),
                "pdf_url": reverse("shared_report_pdf", args=[self.kwargs["token"]]),
            },
        )


class SharedReportPdfView(SharedView):
    """The published report's PDF: the stored file, the same for every reader and for the
    members. Before it is stored the reader gets the "being prepared" page; their request
    at most queues the render once (reports/pdfjobs.py), never renders, and never retries a
    failed one (that is for the members)."""

    what = ShareLinkUse.What.PDF
    # Logged when the file is served, not for each look of the waiting page's script.
    log_every_use = False

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        published = self.link.published
        if not published.pdf_ready:
            published = ask_for_pdf(published.pk)
        if published.pdf_ready and not wants_progress(request):
            ShareLinkUse.objects.create(link=self.link, what=self.what)
            return pdf_response(published)
        token = self.kwargs["token"]
        return pdf_status_page(
            request,
            "reports/sharing/pdf_status.html",
            published,
            {
                "pdf_url": reverse("shared_report_pdf", args=[token]),
                "report_url": reverse("shared_report", args=[token]),
            },
        )
