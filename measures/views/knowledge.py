"""The knowledge base (kunnskapsgrunnlag) of measures and programmes, and its section on the
programme page (the measure page shows it in the logic model's section).

Every list loads in one query: items are fetched once and grouped in Python.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.db import transaction
from django.db.models import F, QuerySet
from django.forms import BaseForm
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import CreateView, TemplateView, UpdateView

from measures.forms.logic import KnowledgeItemForm
from measures.models import KnowledgeItem, Measure, Program
from measures.sections import Section
from measures.uploads import delete_file_on_commit, file_response, save_with_upload
from measures.views.base import MeasureViewMixin
from organizations.models import User
from organizations.views.base import OrganizationViewMixin

# --- the knowledge base ------------------------------------------------------------------------


@dataclass
class KnowledgeEntry:
    item: KnowledgeItem
    file_name: str
    file_url: str
    edit_url: str
    delete_url: str


def knowledge_entries(
    items: QuerySet[KnowledgeItem], organization: Any, owner: Measure | Program
) -> list[tuple[str, list[KnowledgeEntry]]]:
    """The owner's knowledge items grouped by kind (in the kinds' order), in one query."""
    prefix, owner_kwargs = _owner_url_parts(organization, owner)
    groups: dict[str, list[KnowledgeEntry]] = {kind: [] for kind in KnowledgeItem.Kind.values}
    for item in items.select_related("created_by").order_by(
        F("date").desc(nulls_last=True), "-created_at", "-pk"
    ):
        kwargs = {**owner_kwargs, "pk": item.pk}
        groups[item.kind].append(
            KnowledgeEntry(
                item=item,
                file_name=os.path.basename(item.file.name) if item.file else "",
                file_url=reverse(f"{prefix}_file", kwargs=kwargs) if item.file else "",
                edit_url=reverse(f"{prefix}_update", kwargs=kwargs),
                delete_url=reverse(f"{prefix}_delete", kwargs=kwargs),
            )
        )
    labels = dict(KnowledgeItem.Kind.choices)
    return [(str(labels[kind]), entries) for kind, entries in groups.items() if entries]


def _owner_url_parts(organization: Any, owner: Measure | Program) -> tuple[str, dict[str, Any]]:
    if isinstance(owner, Measure):
        return "measure_knowledge", {"org_slug": organization.slug, "measure_pk": owner.pk}
    return "program_knowledge", {"org_slug": organization.slug, "program_pk": owner.pk}


def knowledge_create_url(organization: Any, owner: Measure | Program) -> str:
    prefix, kwargs = _owner_url_parts(organization, owner)
    return reverse(f"{prefix}_create", kwargs=kwargs)


class KnowledgeOwnerMixin(OrganizationViewMixin):
    """A knowledge item's views, for items of a measure or of a programme (``owner``)."""

    owner: Measure | Program

    def owner_url(self) -> str:
        if isinstance(self.owner, Measure):
            url = reverse("measure_detail", args=[self.organization.slug, self.owner.pk])
        else:
            url = reverse("program_detail", args=[self.organization.slug, self.owner.pk])
        return f"{url}#knowledge"

    def owner_items(self) -> QuerySet[KnowledgeItem]:
        owner_field = "measure" if isinstance(self.owner, Measure) else "program"
        return KnowledgeItem.objects.filter(
            organization=self.organization, **{owner_field: self.owner}
        )

    def get_item(self) -> KnowledgeItem:
        return get_object_or_404(self.owner_items(), pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(owner=self.owner, owner_url=self.owner_url(), cancel_url=self.owner_url())
        return context


class MeasureKnowledgeMixin(KnowledgeOwnerMixin, MeasureViewMixin):
    permission_required = "measures.change_measure"

    def load_objects(self) -> None:
        super().load_objects()
        self.owner = self.measure


class ProgramKnowledgeMixin(KnowledgeOwnerMixin):
    # Programme permissions are checked against the organisation.
    permission_required = "measures.manage_programs"

    def load_objects(self) -> None:
        self.program = self.owner = self.get_for_organization(
            Program.objects.all(), pk=self.kwargs["program_pk"]
        )


class KnowledgeFormMixin(KnowledgeOwnerMixin):
    form_class: type[BaseForm] | None = KnowledgeItemForm
    template_name: str | None = "measures/knowledge/item_form.html"

    def form_valid(self, form: KnowledgeItemForm) -> HttpResponse:
        save_with_upload(form, "file", "knowledge")
        messages.success(self.request, _("The knowledge item is saved."))
        return redirect(self.owner_url())


class KnowledgeCreateMixin(KnowledgeFormMixin):
    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs: dict[str, Any] = super().get_form_kwargs()  # type: ignore[misc]
        item = KnowledgeItem(organization=self.organization)
        if isinstance(self.owner, Measure):
            item.measure = self.owner
        else:
            item.program = self.owner
        assert isinstance(self.request.user, User)  # noqa: S101 - login is required
        item.created_by = self.request.user
        return {**kwargs, "instance": item}


class KnowledgeUpdateMixin(KnowledgeFormMixin):
    def get_object(self, queryset: Any = None) -> KnowledgeItem:
        return self.get_item()


class KnowledgeDeleteMixin(KnowledgeOwnerMixin):
    template_name: str | None = "measures/knowledge/item_confirm_delete.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        item = self.get_item()
        context.update(item=item, file_name=os.path.basename(item.file.name) if item.file else "")
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        item = self.get_item()
        with transaction.atomic():
            item.delete()
            delete_file_on_commit(item.file.storage, item.file.name or "")
        messages.success(request, _("The knowledge item is deleted."))
        return redirect(self.owner_url())


class KnowledgeFileMixin(KnowledgeOwnerMixin):
    """The uploaded file, to those who may read its measure or programme: always through this
    view (uploads are never served from a public URL) and as an attachment."""

    http_method_names = ["get", "head"]

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> FileResponse:
        return file_response(self.get_item().file)


class MeasureKnowledgeCreateView(MeasureKnowledgeMixin, KnowledgeCreateMixin, CreateView):
    pass


class MeasureKnowledgeUpdateView(MeasureKnowledgeMixin, KnowledgeUpdateMixin, UpdateView):
    pass


class MeasureKnowledgeDeleteView(MeasureKnowledgeMixin, KnowledgeDeleteMixin, TemplateView):
    pass


class MeasureKnowledgeFileView(MeasureKnowledgeMixin, KnowledgeFileMixin, View):
    permission_required = "measures.view_measures"


class ProgramKnowledgeCreateView(ProgramKnowledgeMixin, KnowledgeCreateMixin, CreateView):
    pass


class ProgramKnowledgeUpdateView(ProgramKnowledgeMixin, KnowledgeUpdateMixin, UpdateView):
    pass


class ProgramKnowledgeDeleteView(ProgramKnowledgeMixin, KnowledgeDeleteMixin, TemplateView):
    pass


class ProgramKnowledgeFileView(ProgramKnowledgeMixin, KnowledgeFileMixin, View):
    permission_required = "measures.view_programs"


# --- the section on the programme page ---------------------------------------------------------


def program_section(request: HttpRequest, program: Any) -> Section | None:
    """The programme's knowledge base: one query."""
    organization = request.organization  # type: ignore[attr-defined]
    if program.organization_id != organization.pk:
        return None  # a page showing another organisation's programme
    return Section(
        "measures/knowledge/program_section.html",
        {
            "organization": organization,
            "program": program,
            "can_change": request.user.has_perm("measures.manage_programs", organization),
            "knowledge": knowledge_entries(
                KnowledgeItem.objects.filter(organization=organization, program=program),
                organization,
                program,
            ),
            "knowledge_create_url": knowledge_create_url(organization, program),
        },
    )
