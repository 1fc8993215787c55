"""The wheel of one planning year: the page with its SVG, the A3 print view and its PDF.

The PDF is made by a worker (yearwheel/pdfjob.py): the page posts its zoom and filter to
:class:`WheelPdfView`, which asks for the file. The page and the print view read the filter
(``program``, ``measure``, ``unit``, ``ring``, ``kind``) and the zoom (``?zoom=q1``…``q4``,
``m1``…``m12``) from the query string, gather the occurrences once
(:meth:`WheelViewMixin.content`) and lay them out in Python (yearwheel/drawing.py), so the
page costs the same number of queries however many events it shows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time
from typing import Any
from urllib.parse import parse_qsl, urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from filejobs.models import FileJob
from filejobs.services import request_file
from organizations.views.base import user_of
from yearwheel.drawing import Drawing, draw
from yearwheel.filters import cached_filter_fields
from yearwheel.models import Kind, Wheel
from yearwheel.pdf import html_to_pdf
from yearwheel.pdfjob import REUSE_READY_FOR
from yearwheel.views.base import FILTER_PARAMETERS, WheelContent, WheelViewMixin
from yearwheel.wheel_text import date_span, kind_labels, time_span
from yearwheel.zoom import Zoom, ZoomChoice, parse_zoom, zoom_choices, zoom_period


@dataclass(frozen=True)
class ZoomLink:
    choice: ZoomChoice
    url: str
    current: bool


@dataclass
class AgendaRow:
    """A line of the print view's agenda: one occurrence, or every occurrence of a series in
    the month ("1.9., 8.9., 15.9."), so weekly meetings take a line a month."""

    days: list[str]
    title: str
    kind: str
    kind_value: str
    symbol: str  # the kind's shape as a character, in the ring's colour
    ring: str
    colour: str
    times: str

    @property
    def day(self) -> str:
        return ", ".join(self.days)


@dataclass(frozen=True)
class AgendaMonth:
    label: str
    rows: list[AgendaRow]


class WheelDrawingMixin(WheelViewMixin):
    """The zoom, the content and the drawing, shared by the page, the print view and the PDF."""

    http_method_names = ["get", "head", "options"]
    add_cells = False  # click-to-add links in the rings (the page, for those who may add)

    def setup(self, request: HttpRequest, *args: Any, **kwargs: Any) -> None:
        super().setup(request, *args, **kwargs)
        self.zoom: Zoom = parse_zoom(request.GET.get("zoom"))

    def query(self, zoom: str = "") -> str:
        """The query string ("?…" or "") of the filter in hand, with ``zoom`` if given."""
        pairs = self.filter_pairs()
        if zoom:
            pairs.append(("zoom", zoom))
        return f"?{urlencode(pairs)}" if pairs else ""

    def drawing_context(self) -> dict[str, Any]:
        start, end = zoom_period(self.wheel.start, self.zoom)
        content = self.content(start, end)
        user = self.request.user
        can_add = user.has_perm("yearwheel.add_event", self.organization)
        add_url = ""
        if can_add and self.add_cells:
            add_url = reverse("event_create", kwargs={"org_slug": self.organization.slug})
        drawing = draw(
            start,
            end,
            content.shown_rings,
            content.items,
            today=timezone.localdate(),
            zoom=self.zoom,
            centre_label=self.wheel.label,
            centre_sublabel=self.zoom_label(start, end),
            add_url=add_url,
            next_url=self.request.get_full_path(),
            zoom_url=self.zoom_url,
        )
        return {
            "content": content,
            "drawing": drawing,
            "zoom": self.zoom,
            "can_add": can_add,
            "can_manage": user.has_perm("yearwheel.manage_wheel", self.organization),
            "legend_rings": self.legend_rings(content, can_add, start, end),
            "period": date_span(start, end),
        }

    def zoom_url(self, zoom: str) -> str:
        """The wheel zoomed to ``zoom`` with the filter in hand (the year view's counts link
        to their month)."""
        here = reverse(
            "wheel_detail", kwargs={"org_slug": self.organization.slug, "year": self.wheel.year}
        )
        return here + self.query(zoom)

    def zoom_label(self, start: date, end: date) -> str:
        if self.zoom.kind == "quarter":
            return _("Q%(number)d") % {"number": self.zoom.index + 1}
        if self.zoom.kind == "month":
            return date_format(start, "F")
        return ""

    def legend_rings(
        self, content: WheelContent, can_add: bool, start: date, end: date
    ) -> list[dict[str, Any]]:
        """The rings shown, each with an "Add" link for those who may add events to it
        (today's date when the view shows today, else its first day)."""
        add = reverse("event_create", kwargs={"org_slug": self.organization.slug})
        next_url = self.request.get_full_path()
        today = timezone.localdate()
        day = today if start <= today <= end else start
        rings = []
        for ring in content.shown_rings:
            href = ""
            if can_add and not ring.source:
                query = {"ring": ring.pk, "date": day.isoformat(), "kind": ring.default_kind}
                href = f"{add}?{urlencode({**query, 'next': next_url})}"
            rings.append({"ring": ring, "add_url": href})
        return rings


class WheelView(WheelDrawingMixin, TemplateView):
    template_name = "yearwheel/wheel.html"
    add_cells = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(self.drawing_context())
        # The page's filter (the print view and the PDF have none).
        context["filter_fields"] = cached_filter_fields(
            self.organization, context["content"].filter_form, self.filter_pairs()
        )
        slug, year = self.organization.slug, self.wheel.year
        neighbours = set(
            Wheel.objects.filter(
                organization=self.organization, year__in=[year - 1, year + 1]
            ).values_list("year", flat=True)
        )
        full, filters = self.query(self.zoom.value), self.query()

        def url(name: str, wheel_year: int = year) -> str:
            return reverse(name, kwargs={"org_slug": slug, "year": wheel_year})

        here = url("wheel_detail")
        move_url = ""
        if context["can_add"]:
            # A pattern for the script, which puts each event's id in place of the 0; whether
            # a team lead may move a given event is for the endpoint to say.
            move_url = reverse("event_move", kwargs={"org_slug": slug, "pk": 0})
        context.update(
            move_url=move_url,
            wheel_url=here,
            previous_year=year - 1,
            previous_url=url("wheel_detail", year - 1) + full if year - 1 in neighbours else "",
            next_year=year + 1,
            next_url=url("wheel_detail", year + 1) + full if year + 1 in neighbours else "",
            agenda_url=url("wheel_agenda") + filters,
            print_url=url("wheel_print") + full,
            pdf_url=url("wheel_pdf"),
            pdf_fields=parse_qsl(full.removeprefix("?")),
            ics_url=url("wheel_ics") + filters,
            reset_url=here + (f"?zoom={self.zoom.value}" if self.zoom.value else ""),
            filtered=bool(filters),
            zoom_links=[
                ZoomLink(choice, here + self.query(choice.value), choice.value == self.zoom.value)
                for choice in zoom_choices(self.wheel.start)
            ],
        )
        return context


def short_day(day: date) -> str:
    """Django's "j.n.": 5.10."""
    return f"{day.day}.{day.month}."


SYMBOLS: dict[str, str] = {
    Kind.CHECKPOINT: "●",
    Kind.MEETING: "■",
    Kind.ACTIVITY: "◆",
    Kind.DEADLINE: "▲",
}


def agenda_months(drawing: Drawing) -> list[AgendaMonth]:
    """The occurrences drawn, by the month they start in (clipped to the period), the dates
    of a series in one line a month."""
    kinds = kind_labels()
    months: dict[date, dict[tuple[Any, ...], AgendaRow]] = {}
    # Every occurrence in the view, also those the wheel draws as one series or counts.
    for shape in sorted(
        drawing.placed,
        key=lambda s: (s.occurrence.start, s.occurrence.start_time or time.min, s.occurrence.title),
    ):
        o = shape.occurrence
        month = max(o.start, drawing.start).replace(day=1)
        day = short_day(o.start) if o.start == o.end else f"{short_day(o.start)}–{short_day(o.end)}"
        times = time_span(o.start_time, o.end_time)
        if o.recurring:
            # Derived series of different measures may share a title ("Oppstartsmøte").
            series: tuple[Any, ...] = (
                o.source,
                o.event_id,
                o.measure_id,
                o.title,
                shape.ring.pk,
                times,
            )
        else:
            series = (o.key,)
        rows = months.setdefault(month, {})
        if series in rows:
            rows[series].days.append(day)
            continue
        title = o.title
        if o.source and o.measure_name and o.measure_name not in title:
            title = f"{title} – {o.measure_name}"
        rows[series] = AgendaRow(
            days=[day],
            title=title,
            kind=kinds.get(o.kind, o.kind),
            kind_value=o.kind,
            symbol=SYMBOLS.get(o.kind, "●"),
            ring=shape.ring.name,
            colour=shape.ring.colour,
            times=times,
        )
    return [
        AgendaMonth(date_format(month, "F Y"), list(rows.values()))
        for month, rows in months.items()
    ]


# The A3 sheet beside the wheel, in millimetres, for :func:`split_agenda`: the side column is
# about 150 mm wide and 255 mm high; an agenda line is some 4 mm high and holds about 95
# characters at 7.5 pt. Estimates err on the short side: space left over beats overflow.
SIDE_HEIGHT = 245.0
LINE_HEIGHT = 4.1
LINE_CHARACTERS = 95
HEADING_HEIGHT = 7.0
LEGEND_LINE_HEIGHT = 5.0


def _lines(text: str) -> int:
    return 1 + len(text) // LINE_CHARACTERS


def split_agenda(
    months: list[AgendaMonth], legend_lines: int
) -> tuple[list[AgendaMonth], list[AgendaMonth]]:
    """The agenda lines that fit beside the wheel on the first sheet, and the rest (printed
    from the next sheet on in three columns rather than one long narrow column)."""
    room = SIDE_HEIGHT - 3 * HEADING_HEIGHT - legend_lines * LEGEND_LINE_HEIGHT
    beside: list[AgendaMonth] = []
    after: list[AgendaMonth] = []
    for month in months:
        if after:
            after.append(month)
            continue
        room -= HEADING_HEIGHT
        fitting = []
        for row in month.rows:
            text = f"{row.day} {row.title} {row.times} ({row.ring})"
            room -= _lines(text) * LINE_HEIGHT
            if room < 0:
                break
            fitting.append(row)
        if fitting:
            beside.append(AgendaMonth(month.label, fitting))
        if len(fitting) < len(month.rows):
            after.append(AgendaMonth(month.label, month.rows[len(fitting) :]))
    return beside, after


class WheelPrintView(WheelDrawingMixin, TemplateView):
    """A3 landscape: the wheel on the left, the legend and a compact agenda on the right."""

    template_name = "yearwheel/print.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(self.drawing_context())
        context["agenda"] = agenda = agenda_months(context["drawing"])
        legend_lines = len(context["legend_rings"]) + len(context["drawing"].legend_kinds) + 3
        context["agenda_beside"], context["agenda_after"] = split_agenda(agenda, legend_lines)
        context["today"] = timezone.localdate()
        context["wheel_url"] = reverse(
            "wheel_detail", kwargs={"org_slug": self.organization.slug, "year": self.wheel.year}
        ) + self.query(self.zoom.value)
        context["for_pdf"] = False
        return context

    def pdf(self) -> tuple[str, bytes]:
        """The file name and the PDF of this view (made by a worker: yearwheel/pdfjob.py)."""
        context = self.get_context_data()
        context["for_pdf"] = True
        html = render_to_string(self.template_name, context, request=self.request)
        name = slugify(f"arshjul-{self.organization.slug}-{self.wheel.label.replace('/', '-')}")
        return f"{name}.pdf", html_to_pdf(html)


class WheelPdfView(WheelViewMixin, View):
    """POST with the wheel's zoom and filter: a job for the A3 PDF, which a worker renders
    from the print view (yearwheel/pdfjob.py); the person is sent to the job's page."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        pairs: list[tuple[str, str | int]] = [("year", self.wheel.year)]
        pairs += [
            (key, value)
            for key in FILTER_PARAMETERS
            for value in request.POST.getlist(key)
            if value
        ]
        zoom = parse_zoom(request.POST.get("zoom"))
        if zoom.value:
            pairs.append(("zoom", zoom.value))
        job = request_file(
            organization=self.organization,
            user=user_of(request),
            kind=FileJob.Kind.WHEEL_PDF,
            parameters=urlencode(pairs),
            reuse_within=REUSE_READY_FOR,
        )
        return redirect(job)
