"""The organisation's partnerships page: what it granted and received, the invitations waiting
for an answer, and what each partner can see; inviting, answering, ending and choosing what
is shared (docs/partnerships.md). The steps themselves are in measures/partnerships.py.

A partnership is looked up among the organisation's own (granted or received, as the view
needs): another organisation's partnership is a 404, whatever is posted.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, TemplateView, UpdateView

from measures.forms.partnerships import PartnershipInviteForm, SharingForm
from measures.models import Measure, Program
from measures.partnerships import (
    PartnershipError,
    partnership_answer,
    partnership_end,
    partnership_invite,
)
from organizations.models import Partnership
from organizations.views.base import OrganizationViewMixin, user_of


def _partnerships() -> Any:
    return Partnership.objects.select_related("grantor", "partner", "invited_by").prefetch_related(
        Prefetch("programs", queryset=Program.objects.order_by("name")),
        Prefetch("chosen_measures", queryset=Measure.objects.order_by("name")),
    )


class PartnershipListView(OrganizationViewMixin, TemplateView):
    permission_required = "measures.view_partnerships"
    template_name = "measures/partnerships/list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        organization = self.organization
        rows = list(
            _partnerships()
            .filter(Q(grantor=organization) | Q(partner=organization))
            .order_by("-created_at", "-pk")
        )
        pending = Partnership.Status.PENDING
        accepted = Partnership.Status.ACCEPTED
        context.update(
            received_invitations=[
                p for p in rows if p.partner_id == organization.pk and p.status == pending
            ],
            sent_invitations=[
                p for p in rows if p.grantor_id == organization.pk and p.status == pending
            ],
            granted=[p for p in rows if p.grantor_id == organization.pk and p.status == accepted],
            received=[p for p in rows if p.partner_id == organization.pk and p.status == accepted],
            closed=[p for p in rows if p.status not in (pending, accepted)],
            can_manage=self.request.user.has_perm("measures.manage_partnerships", organization),
            can_answer=self.request.user.has_perm("measures.answer_partnerships", organization),
        )
        return context


class PartnershipInviteView(OrganizationViewMixin, FormView):
    permission_required = "measures.manage_partnerships"
    template_name = "measures/partnerships/invite.html"
    form_class = PartnershipInviteForm

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "organization": self.organization}

    def form_valid(self, form: PartnershipInviteForm) -> HttpResponse:
        data = form.cleaned_data
        partnership_invite(
            program=data["program"],
            partner=data["partner"],
            access=data["access"],
            message=data["message"],
            user=user_of(self.request),
        )
        messages.success(
            self.request,
            _("%(partner)s is invited. Their administrators answer the invitation.")
            % {"partner": data["partner"].name},
        )
        return redirect("partnership_list", self.organization.slug)


class PartnershipStepView(OrganizationViewMixin, View):
    """POST only: one step on one of the organisation's partnerships."""

    http_method_names = ["post"]
    partnership: Partnership

    def back(self) -> HttpResponse:
        return redirect("partnership_list", self.organization.slug)

    def refused(self) -> HttpResponse:
        messages.error(self.request, _("The partnership has already changed. Look again."))
        return self.back()


class PartnershipAnswerView(PartnershipStepView):
    """The invited organisation's administrator accepts or declines."""

    permission_required = "measures.answer_partnerships"
    accept = True

    def load_objects(self) -> None:
        self.partnership = get_object_or_404(
            Partnership, pk=self.kwargs["pk"], partner=self.organization
        )

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            partnership_answer(
                partnership=self.partnership, accept=self.accept, user=user_of(request)
            )
        except PartnershipError:
            return self.refused()
        if self.accept:
            messages.success(request, _("The invitation is accepted."))
        else:
            messages.success(request, _("The invitation is declined."))
        return self.back()


class PartnershipEndView(PartnershipStepView):
    """Either side ends: the granting side's administrators and coordinators, the receiving
    side's administrators."""

    permission_required = "measures.view_partnerships"

    def load_objects(self) -> None:
        self.partnership = get_object_or_404(
            Partnership.objects.filter(Q(grantor=self.organization) | Q(partner=self.organization)),
            pk=self.kwargs["pk"],
        )

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        granted = self.partnership.grantor_id == self.organization.pk
        needed = "measures.manage_partnerships" if granted else "measures.answer_partnerships"
        if not request.user.has_perm(needed, self.organization):
            raise PermissionDenied
        try:
            partnership_end(
                partnership=self.partnership, by=self.organization, user=user_of(request)
            )
        except PartnershipError:
            return self.refused()
        messages.success(request, _("The partnership is ended."))
        return self.back()


class PartnershipSharingView(OrganizationViewMixin, UpdateView):
    """The grantor chooses which measures and parts one partnership shares."""

    permission_required = "measures.manage_partnerships"
    template_name = "measures/partnerships/sharing.html"
    form_class = SharingForm
    context_object_name = "partnership"

    def load_objects(self) -> None:
        self.object = get_object_or_404(
            Partnership.objects.select_related("partner").exclude(
                status__in=[Partnership.Status.DECLINED, Partnership.Status.ENDED]
            ),
            pk=self.kwargs["pk"],
            grantor=self.organization,
        )

    def get_object(self, queryset: Any = None) -> Partnership:
        return self.object

    def form_valid(self, form: SharingForm) -> HttpResponse:
        form.save()
        messages.success(
            self.request,
            _("What %(partner)s can see is saved.") % {"partner": self.object.partner.name},
        )
        return redirect(reverse("partnership_list", args=[self.organization.slug]))
