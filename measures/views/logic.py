"""The logic model (logisk kjede) of a measure and this area's section on the measure page.

Every page loads the chain or the list in a fixed number of queries: elements, arrows and
items are fetched once each and put together in Python (see measures/logic_chart.py; the
knowledge base is in measures/views/knowledge.py).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import CreateView, FormView, TemplateView, UpdateView

from measures.forms.logic import LogicElementForm, LogicLinkForm, MoveForm
from measures.logic_chart import Arrow, chart_layout, load_chain
from measures.models import KnowledgeItem, LogicColumn, LogicElement, LogicLink, Measure
from measures.sections import Section
from measures.views.base import MeasureViewMixin
from measures.views.knowledge import knowledge_create_url, knowledge_entries
from organizations.ids import parse_id
from organizations.inline import FOCUS_ERROR, answer, fragment, is_htmx

# --- the logic model pages ---------------------------------------------------------------------


def chain_url(measure: Measure, organization: Any, anchor: str = "") -> str:
    url = reverse("logic_model", args=[organization.slug, measure.pk])
    return f"{url}#{anchor}" if anchor else url


EDITOR_TEMPLATE = "measures/logic/editor_fragment.html"


def editor_context(
    request: HttpRequest,
    measure: Measure,
    organization: Any,
    *,
    add_form: LogicElementForm | None = None,
    edit_form: LogicElementForm | None = None,
    link_form: LogicLinkForm | None = None,
) -> dict[str, Any]:
    """What the chain page and its editable part (the fragment htmx swaps in) show: the chain,
    the drawing, and for those who may change it an add form at the end of every column, an
    arrow form, and the element being edited in place. Forms given are bound ones shown again
    with their errors; the others are new. The same queries whatever the number of rows."""
    chain = load_chain(measure)
    can_change = request.user.has_perm("measures.change_measure", measure)
    context: dict[str, Any] = {
        "organization": organization,
        "measure": measure,
        "chain": chain,
        "chart": chart_layout(chain),
        "can_change": can_change,
        "today": timezone.localdate(),
    }
    if not can_change:
        return context
    for column in [*chain.columns, None]:
        value = column.value if column else LogicColumn.ASSUMPTIONS
        form = add_form
        if form is None or str(form.data.get("column")) != str(value):
            form = LogicElementForm(measure=measure, initial={"column": value})
        # Several forms of one kind on a page: ids of their own, names as the view expects.
        form.auto_id = f"id_logic_new_{value}_%s"
        if column is None:
            label = _("New assumption")
            context["assumption_form"] = form
        else:
            label = _("New element in “%(column)s”") % {"column": column.label}
            setattr(column, "add_form", form)  # noqa: B010 - read by the template
        # A short label and no help text in a narrow column; on the bound field too, which a
        # form that has been validated has already made from the field.
        text = form.fields["text"]
        text.widget.attrs["rows"] = 2
        for part in (text, form["text"]):
            part.label, part.help_text = label, ""
    if edit_form is not None:
        edit_form.auto_id = f"id_logic_edit_{edit_form.instance.pk}_%s"
        context["edit_form"] = edit_form
        context["editing"] = edit_form.instance.pk
    arrow_form = link_form or LogicLinkForm(measure=measure)
    arrow_form.auto_id = "id_arrow_%s"
    context["link_form"] = arrow_form
    return context


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
        if self.request.GET.get("print"):
            chain = load_chain(self.measure)
            context.update(
                chain=chain,
                chart=chart_layout(chain),
                can_change=False,
                today=timezone.localdate(),
            )
        else:
            context.update(editor_context(self.request, self.measure, self.organization))
        return context


class InlineAnswerMixin(MeasureViewMixin):
    """The chain's editable part for htmx, a redirect to the chain for an ordinary post."""

    def answer(self, anchor: str = "", **forms: Any) -> HttpResponse:
        request: HttpRequest = self.request
        return answer(
            request,
            chain_url(self.measure, self.organization, anchor),
            EDITOR_TEMPLATE,
            lambda: editor_context(request, self.measure, self.organization, **forms),
            focus=anchor,
        )

    def refused(self, **forms: Any) -> HttpResponse:
        """A form with errors, in its place in the chain; nothing was saved."""
        request: HttpRequest = self.request
        context = editor_context(request, self.measure, self.organization, **forms)
        return fragment(request, EDITOR_TEMPLATE, context, focus=FOCUS_ERROR)


class LogicChangeMixin(InlineAnswerMixin):
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
        return self.answer(f"element-{element.pk}")

    def form_invalid(self, form: LogicElementForm) -> HttpResponse:
        if is_htmx(self.request):
            return self.refused(add_form=form)
        return super().form_invalid(form)


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
        return self.answer(f"element-{element.pk}")

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if is_htmx(request):
            # "Edit" turns the element into its form, in its place in the chain.
            self.object = self.get_object()
            context = editor_context(
                request, self.measure, self.organization, edit_form=self.get_form()
            )
            return fragment(
                request, EDITOR_TEMPLATE, context, focus=f"id_logic_edit_{self.object.pk}_text"
            )
        return super().get(request, *args, **kwargs)

    def form_invalid(self, form: LogicElementForm) -> HttpResponse:
        if is_htmx(self.request):
            return self.refused(edit_form=form)
        return super().form_invalid(form)


class LogicElementMoveView(InlineAnswerMixin, View):
    """POST ``direction=up|down``: swaps the element with its neighbour in the column."""

    permission_required = "measures.change_measure"
    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        element = self.get_for_measure(LogicElement.objects.all(), pk=kwargs["pk"])
        form = MoveForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Choose whether to move the element up or down."))
            return self.answer(f"element-{element.pk}")
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
        return self.answer(f"element-{element.pk}")


class LogicElementDeleteView(InlineAnswerMixin, TemplateView):
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
        return self.answer("logic-columns-heading")


class LogicLinkCreateView(LogicChangeMixin, FormView):
    form_class = LogicLinkForm
    template_name = "measures/logic/arrow_form.html"

    def get_initial(self) -> dict[str, Any]:
        source = parse_id(self.request.GET.get("source"))
        return {} if source is None else {"source": source}

    def form_valid(self, form: LogicLinkForm) -> HttpResponse:
        try:
            with transaction.atomic():
                form.link.save()
        except IntegrityError:
            # Someone else drew the same arrow a moment ago.
            form.add_error("target", _("This arrow is already in the logic model."))
            return self.form_invalid(form)
        messages.success(self.request, _("The arrow is added."))
        return self.answer(f"arrow-{form.link.pk}")

    def form_invalid(self, form: LogicLinkForm) -> HttpResponse:
        if is_htmx(self.request):
            return self.refused(link_form=form)
        return super().form_invalid(form)


class LogicLinkDeleteView(InlineAnswerMixin, View):
    permission_required = "measures.change_measure"
    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        link = self.get_for_measure(LogicLink.objects.all(), pk=kwargs["pk"])
        link.delete()
        messages.success(request, _("The arrow is deleted."))
        return self.answer("arrows")


# --- the section on the measure page -----------------------------------------------------------


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
