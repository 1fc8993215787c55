"""The logic model (logisk kjede) of a measure, the knowledge base (kunnskapsgrunnlag) of measures
and programmes, and this area's sections on the measure and programme pages.

Every page loads the chain or the list in a fixed number of queries: elements, arrows and
items are fetched once each and put together in Python.
"""

from __future__ import annotations

import os
import textwrap
from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.db.models import F, FileField, Max, Q, QuerySet
from django.forms import BaseForm
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import CreateView, FormView, TemplateView, UpdateView

from measures.forms.logic import KnowledgeItemForm, LogicElementForm, LogicLinkForm, MoveForm
from measures.models import KnowledgeItem, LogicColumn, LogicElement, LogicLink, Measure, Program
from measures.sections import Section
from measures.views.base import MeasureViewMixin
from organizations.models import User
from organizations.views.base import OrganizationViewMixin

CHAIN_COLUMNS = [column for column in LogicColumn if column != LogicColumn.ASSUMPTIONS]

# --- the chain, put together in Python ---------------------------------------------------------


@dataclass
class ChainItem:
    element: LogicElement
    leads_to: list[LogicElement] = field(default_factory=list)
    first: bool = False
    last: bool = False


@dataclass
class ChainColumn:
    value: int
    label: str
    number: int
    items: list[ChainItem]


@dataclass
class Arrow:
    pk: int
    source: LogicElement
    target: LogicElement


@dataclass
class Chain:
    columns: list[ChainColumn]
    assumptions: list[ChainItem]
    arrows: list[Arrow]

    @property
    def is_empty(self) -> bool:
        return not self.assumptions and not any(column.items for column in self.columns)

    @property
    def element_count(self) -> int:
        return len(self.assumptions) + sum(len(column.items) for column in self.columns)


def load_chain(measure: Measure) -> Chain:
    """The measure's logic model in two queries, whatever its size."""
    elements = list(LogicElement.objects.filter(measure=measure).order_by("position", "pk"))
    by_pk = {element.pk: element for element in elements}
    arrows = [
        Arrow(link.pk, by_pk[link.source_id], by_pk[link.target_id])
        for link in LogicLink.objects.filter(measure=measure)
        if link.source_id in by_pk and link.target_id in by_pk
    ]
    arrows.sort(
        key=lambda a: (a.source.column, a.source.position, a.target.column, a.target.position)
    )
    items = {element.pk: ChainItem(element) for element in elements}
    for arrow in arrows:
        items[arrow.source.pk].leads_to.append(arrow.target)

    def column_items(column: int) -> list[ChainItem]:
        found = [items[element.pk] for element in elements if element.column == column]
        if found:
            found[0].first = found[-1].last = True
        return found

    return Chain(
        columns=[
            ChainColumn(column.value, str(column.label), number, column_items(column))
            for number, column in enumerate(CHAIN_COLUMNS, start=1)
        ],
        assumptions=column_items(LogicColumn.ASSUMPTIONS),
        arrows=arrows,
    )


# --- the SVG overview --------------------------------------------------------------------------

BOX_WIDTH = 190
COLUMN_GAP = 50
ASSUMPTIONS_GAP = 40
HEADER_HEIGHT = 40
LINE_HEIGHT = 16
BOX_PADDING = 9
BOX_GAP = 14
WRAP_AT = 25
MAX_LINES = 5
LANE_GAP = 8


@dataclass
class ChartBox:
    pk: int
    x: int
    y: int
    height: int
    lines: list[str]
    assumption: bool


@dataclass
class Chart:
    width: int
    height: int
    headers: list[tuple[int, str]]
    boxes: list[ChartBox]
    paths: list[str]
    separator_x: int
    box_width: int = BOX_WIDTH
    line_height: int = LINE_HEIGHT
    padding: int = BOX_PADDING


def wrap_text(text: str) -> list[str]:
    lines = textwrap.wrap(text, WRAP_AT, break_long_words=True) or [""]
    if len(lines) > MAX_LINES:
        lines = [*lines[: MAX_LINES - 1], textwrap.shorten(lines[MAX_LINES - 1], WRAP_AT - 1)]
        lines[-1] = f"{lines[-1].rstrip(' .[]')}…"
    return lines


def chart_layout(chain: Chain) -> Chart:
    """Positions for a drawing of the chain: a column per step, assumptions at the right."""
    boxes: dict[int, ChartBox] = {}
    headers: list[tuple[int, str]] = []
    columns: list[tuple[str, list[ChainItem], bool]] = [
        (f"{column.number}. {column.label}", column.items, False) for column in chain.columns
    ]
    columns.append((str(LogicColumn.ASSUMPTIONS.label), chain.assumptions, True))
    bottom = HEADER_HEIGHT
    for index, (label, items, assumption) in enumerate(columns):
        x = index * (BOX_WIDTH + COLUMN_GAP) + (ASSUMPTIONS_GAP if assumption else 0)
        headers.append((x, label))
        y = HEADER_HEIGHT
        for item in items:
            lines = wrap_text(item.element.text)
            height = len(lines) * LINE_HEIGHT + 2 * BOX_PADDING
            boxes[item.element.pk] = ChartBox(item.element.pk, x, y, height, lines, assumption)
            y += height + BOX_GAP
        bottom = max(bottom, y)
    paths = []
    lanes = 0
    for arrow in chain.arrows:
        start, end = boxes[arrow.source.pk], boxes[arrow.target.pk]
        x1, y1 = start.x + BOX_WIDTH, start.y + start.height // 2
        x2, y2 = end.x - 2, end.y + end.height // 2
        if arrow.target.column - arrow.source.column == 1:
            bend = (x2 - x1) // 2
            paths.append(f"M{x1},{y1} C{x1 + bend},{y1} {x2 - bend},{y2} {x2},{y2}")
        else:
            # Arrows that skip a column run in a lane of their own below the boxes, through
            # the gaps between columns, so they never pass behind another element.
            lane_y = bottom + lanes * LANE_GAP
            offset = (lanes % 4) * 5 - 8
            down, up = x1 + COLUMN_GAP // 2 + offset, x2 - COLUMN_GAP // 2 - offset
            paths.append(f"M{x1},{y1} H{down} V{lane_y} H{up} V{y2} H{x2}")
            lanes += 1
    bottom += lanes * LANE_GAP
    separator_x = len(CHAIN_COLUMNS) * (BOX_WIDTH + COLUMN_GAP) - COLUMN_GAP // 2
    width = len(columns) * (BOX_WIDTH + COLUMN_GAP) - COLUMN_GAP + ASSUMPTIONS_GAP
    return Chart(width, bottom, headers, list(boxes.values()), paths, separator_x)


# --- the logic model pages ---------------------------------------------------------------------


def chain_url(measure: Measure, organization: Any, anchor: str = "") -> str:
    url = reverse("logic_model", args=[organization.slug, measure.pk])
    return f"{url}#{anchor}" if anchor else url


class LogicModelView(MeasureViewMixin, TemplateView):
    """The whole chain: columns as lists, a drawing, and every arrow in words. ``?print=1``
    gives the same content without the site's navigation or editing controls."""

    permission_required = "measures.view_measures"

    def get_template_names(self) -> list[str]:
        if self.request.GET.get("print"):
            return ["measures/logic/chain_print.html"]
        return ["measures/logic/chain.html"]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        chain = load_chain(self.measure)
        context.update(
            chain=chain,
            chart=chart_layout(chain),
            can_change=self.request.user.has_perm("measures.change_measure", self.measure),
            today=timezone.localdate(),
        )
        return context


class LogicChangeMixin(MeasureViewMixin):
    permission_required = "measures.change_measure"

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs: dict[str, Any] = super().get_form_kwargs()  # type: ignore[misc]
        return {**kwargs, "measure": self.measure}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["cancel_url"] = chain_url(self.measure, self.organization)
        return context


def next_position(measure: Measure, column: int) -> int:
    last = LogicElement.objects.filter(measure=measure, column=column).aggregate(
        last=Max("position")
    )["last"]
    return 0 if last is None else last + 1


class LogicElementCreateView(LogicChangeMixin, CreateView):
    form_class: type[BaseForm] | None = LogicElementForm
    template_name = "measures/logic/element_form.html"

    def get_initial(self) -> dict[str, Any]:
        column = self.request.GET.get("column", "")
        return {"column": int(column)} if column.isdigit() else {}

    def form_valid(self, form: LogicElementForm) -> HttpResponse:
        element = form.save(commit=False)
        element.position = next_position(self.measure, element.column)
        element.save()
        messages.success(self.request, _("The element is added to the logic model."))
        return redirect(chain_url(self.measure, self.organization, f"element-{element.pk}"))


class LogicElementUpdateView(LogicChangeMixin, UpdateView):
    form_class: type[BaseForm] | None = LogicElementForm
    template_name = "measures/logic/element_form.html"

    def get_object(self, queryset: Any = None) -> LogicElement:
        element: LogicElement = self.get_for_measure(
            LogicElement.objects.all(), pk=self.kwargs["pk"]
        )
        return element

    def form_valid(self, form: LogicElementForm) -> HttpResponse:
        element = form.save(commit=False)
        if "column" in form.changed_data:
            element.position = next_position(self.measure, element.column)
        element.save()
        messages.success(self.request, _("The element is saved."))
        return redirect(chain_url(self.measure, self.organization, f"element-{element.pk}"))


class LogicElementMoveView(MeasureViewMixin, View):
    """POST ``direction=up|down``: swaps the element with its neighbour in the column."""

    permission_required = "measures.change_measure"
    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        element = self.get_for_measure(LogicElement.objects.all(), pk=kwargs["pk"])
        form = MoveForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Choose whether to move the element up or down."))
            return redirect(chain_url(self.measure, self.organization, f"element-{element.pk}"))
        with transaction.atomic():
            column = list(
                LogicElement.objects.select_for_update()
                .filter(measure=self.measure, column=element.column)
                .order_by("position", "pk")
            )
            index = next(i for i, other in enumerate(column) if other.pk == element.pk)
            other = index - 1 if form.cleaned_data["direction"] == "up" else index + 1
            if 0 <= other < len(column):
                column[index], column[other] = column[other], column[index]
                # Renumbered from 0, so positions that happen to be equal still sort as shown.
                for position, sibling in enumerate(column):
                    if sibling.position != position:
                        sibling.position = position
                        sibling.save(update_fields=["position", "updated_at"])
                messages.success(request, _("The element is moved."))
            else:
                messages.info(request, _("The element is already at the end of its column."))
        return redirect(chain_url(self.measure, self.organization, f"element-{element.pk}"))


class LogicElementDeleteView(MeasureViewMixin, TemplateView):
    """GET asks for confirmation (showing the arrows that go too); POST deletes."""

    permission_required = "measures.change_measure"
    template_name = "measures/logic/element_confirm_delete.html"

    def load_objects(self) -> None:
        super().load_objects()
        self.element: LogicElement = self.get_for_measure(
            LogicElement.objects.all(), pk=self.kwargs["pk"]
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["element"] = self.element
        context["arrows"] = [
            Arrow(link.pk, link.source, link.target)
            for link in LogicLink.objects.filter(Q(source=self.element) | Q(target=self.element))
            .select_related("source", "target")
            .order_by("source__column", "target__column", "pk")
        ]
        context["cancel_url"] = chain_url(
            self.measure, self.organization, f"element-{self.element.pk}"
        )
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.element.delete()
        messages.success(request, _("The element and its arrows are deleted."))
        return redirect(chain_url(self.measure, self.organization))


class LogicLinkCreateView(LogicChangeMixin, FormView):
    form_class = LogicLinkForm
    template_name = "measures/logic/arrow_form.html"

    def get_initial(self) -> dict[str, Any]:
        source = self.request.GET.get("source", "")
        return {"source": int(source)} if source.isdigit() else {}

    def form_valid(self, form: LogicLinkForm) -> HttpResponse:
        try:
            with transaction.atomic():
                form.link.save()
        except IntegrityError:
            # Someone else drew the same arrow a moment ago.
            form.add_error("target", _("This arrow is already in the logic model."))
            return self.form_invalid(form)
        messages.success(self.request, _("The arrow is added."))
        return redirect(chain_url(self.measure, self.organization, "arrows"))


class LogicLinkDeleteView(MeasureViewMixin, View):
    permission_required = "measures.change_measure"
    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        link = self.get_for_measure(LogicLink.objects.all(), pk=kwargs["pk"])
        link.delete()
        messages.success(request, _("The arrow is deleted."))
        return redirect(chain_url(self.measure, self.organization, "arrows"))


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


def delete_file_on_commit(name: str) -> None:
    """Removes a replaced or deleted upload once the change is committed (never before: a
    rolled-back change must still find its file)."""
    if name:
        file_field = KnowledgeItem._meta.get_field("file")
        assert isinstance(file_field, FileField)  # noqa: S101 - a programming error
        storage = file_field.storage
        transaction.on_commit(lambda: storage.delete(name))


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
        item = form.save(commit=False)
        replaced = ""
        if item.pk and "file" in form.changed_data:
            replaced = KnowledgeItem.objects.filter(pk=item.pk).values_list("file", flat=True)[0]
        new_upload = "file" in form.changed_data and bool(item.file)
        try:
            with transaction.atomic():
                item.save()
                delete_file_on_commit(replaced)
        except Exception:
            # The upload is stored before the row; don't leave it behind if the row failed.
            # (Only a stored upload: its name has the upload_to folder in front.)
            if new_upload and item.file.name.startswith("knowledge/"):
                item.file.storage.delete(item.file.name)
            raise
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
            delete_file_on_commit(item.file.name or "")
        messages.success(request, _("The knowledge item is deleted."))
        return redirect(self.owner_url())


class KnowledgeFileMixin(KnowledgeOwnerMixin):
    """The uploaded file, to those who may read its measure or programme: always through this
    view (uploads are never served from a public URL) and as an attachment."""

    http_method_names = ["get", "head"]

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> FileResponse:
        item = self.get_item()
        if not item.file:
            raise Http404
        try:
            handle = item.file.storage.open(item.file.name, "rb")
        except FileNotFoundError as missing:
            raise Http404 from missing
        response = FileResponse(
            handle, as_attachment=True, filename=os.path.basename(item.file.name)
        )
        response["Cache-Control"] = "private, no-store"
        return response


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


# --- sections on the measure and programme pages -----------------------------------------------


def measure_section(request: HttpRequest, measure: Any) -> Section | None:
    """The logic model in brief and the measure's knowledge base: three queries."""
    organization = request.organization  # type: ignore[attr-defined]
    if measure.organization_id != organization.pk:
        return None  # a page showing another organisation's measure: its links would not work
    chain = load_chain(measure)
    return Section(
        "measures/logic/measure_section.html",
        {
            "organization": organization,
            "measure": measure,
            "chain": chain,
            "chain_url": chain_url(measure, organization),
            "can_change": request.user.has_perm("measures.change_measure", measure),
            "knowledge": knowledge_entries(
                KnowledgeItem.objects.filter(organization=organization, measure=measure),
                organization,
                measure,
            ),
            "knowledge_create_url": knowledge_create_url(organization, measure),
        },
    )


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
