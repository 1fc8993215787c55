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
from django.utils.safestring import mark_safe
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View
from django.views.generic import TemplateView

from filejobs.models import FileJob
from filejobs.services import request_file
from organizations.content_language import content_language
from organizations.views.base import user_of
from yearwheel.drawing import Drawing, draw
from yearwheel.filters import cached_filter_fields
from yearwheel.models import Kind, Wheel
from yearwheel.page_cache import DrawnWheel, drawn_wheel
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
    symbol: str  # the kind's shape as a character (the legend's shapes)
    ring: str
    times: str

    @property
    def day(self) -> str:
        return ", ".join(self.days)


@dataclass(frozen=True)
class AgendaMonth:
    first: date
    label: str
    rows: list[AgendaRow]


class WheelDrawingMixin(WheelViewMixin):
    """The zoom, the content and the drawing, shared by the page, the print view and the PDF."""

    http_method_names = ["get", "head", "options"]
    add_cells = False  # click-to-add links in the rings (the page, for those who may add)
    # Names along their arcs with textPath (browsers) rather than glyph by glyph (the print
    # view, which WeasyPrint makes into the PDF).
    text_on_path = False

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
        return {
            "content": content,
            "drawing": self.drawing(content, start, end, can_add),
            "zoom": self.zoom,
            "can_add": can_add,
            "can_manage": user.has_perm("yearwheel.manage_wheel", self.organization),
            "legend_rings": self.legend_rings(content, can_add, start, end),
            "period": date_span(start, end),
        }

    def drawing(self, content: WheelContent, start: date, end: date, can_add: bool) -> Any:
        """The drawing of the view (the page keeps its markup instead: :class:`WheelView`)."""
        add_url = ""
        if can_add and self.add_cells:
            add_url = reverse("event_create", kwargs={"org_slug": self.organization.slug})
        return draw(
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
            text_on_path=self.text_on_path,
            lang=content_language(self.organization),
        )

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
    text_on_path = True

    def move_url(self, can_add: bool) -> str:
        """A pattern for the move script, which puts each event's id in place of the 0;
        whether a team lead may move a given event is for the endpoint to say."""
        if not can_add:
            return ""
        return reverse("event_move", kwargs={"org_slug": self.organization.slug, "pk": 0})

    def drawing(self, content: WheelContent, start: date, end: date, can_add: bool) -> Any:
        """The drawing's markup, kept under the data version (yearwheel/page_cache.py)."""

        def build() -> DrawnWheel:
            drawing = super(WheelView, self).drawing(content, start, end, can_add)
            svg = render_to_string(
                "yearwheel/includes/wheel_svg.html",
                {
                    "drawing": drawing,
                    "wheel": self.wheel,
                    "period": date_span(start, end),
                    "move_url": self.move_url(can_add),
                    "organization": self.organization,  # for {% content_lang %}
                },
            )
            return DrawnWheel(
                mark_safe(svg),  # noqa: S308 - rendered by the template engine, escaped there
                drawing.count,
                drawing.legend_kinds,
                drawing.today,
            )

        today = timezone.localdate()
        # The written standard marks the names' language (organizations/content_language.py).
        standard = self.organization.written_standard
        parts = (self.wheel.pk, str(self.wheel), self.request.get_full_path(), can_add, standard)
        return drawn_wheel(self.organization, parts=parts, today=today, build=build)

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
        context.update(
            move_url=self.move_url(context["can_add"]),
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


class ShortDays:
    """Days in the language's ``DAY_MONTH_FORMAT`` ("5.10.", "5 Oct"; config/formats/), each
    formatted once: a full year's agenda names the same few hundred days thousands of times."""

    def __init__(self) -> None:
        self._days: dict[date, str] = {}

    def __call__(self, day: date) -> str:
        found = self._days.get(day)
        if found is None:
            found = self._days[day] = date_format(day, "DAY_MONTH_FORMAT")
        return found


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
    short_day = ShortDays()
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
            times=times,
        )
    return [
        AgendaMonth(month, date_format(month, "YEAR_MONTH_FORMAT"), list(rows.values()))
        for month, rows in months.items()
    ]


# The agenda's sheets (A3 landscape, static/css/wheel-print.css), in millimetres, for
# :func:`agenda_sheets`: three columns some 265 mm high, a row of 8 pt text about 4.5 mm with
# its rule; a column holds about 22 characters of dates and 58 of event and ring on a line.
# Estimates err on the short side: space left over beats a column spilling onto the next sheet.
SHEET_COLUMNS = 3
COLUMN_HEIGHT = 255.0
ROW_LINE_HEIGHT = 4.5
MONTH_HEADING_HEIGHT = 12.0  # the month's heading and the table's header row
DAY_CHARACTERS, EVENT_CHARACTERS = 22, 58


def _row_height(row: AgendaRow) -> float:
    event = f"{row.title}, {row.times} ({row.ring})" if row.times else f"{row.title} ({row.ring})"
    lines = max(1 + len(row.day) // DAY_CHARACTERS, 1 + len(event) // EVENT_CHARACTERS)
    return lines * ROW_LINE_HEIGHT


def agenda_sheets(months: list[AgendaMonth]) -> list[list[AgendaMonth]]:
    """The agenda cut into A3 sheets of three columns, a month split where a sheet is full.

    Each sheet is laid out in columns on its own: WeasyPrint lays out everything after a
    column break again for every column, so one long run of columns over many sheets costs
    time in the square of its length (the first try took twice as long as the whole wheel)."""
    room = SHEET_COLUMNS * COLUMN_HEIGHT
    sheets: list[list[AgendaMonth]] = [[]]
    left = room
    for month in months:
        rows: list[AgendaRow] = []
        left -= MONTH_HEADING_HEIGHT
        for row in month.rows:
            height = _row_height(row)
            if left < height and (rows or sheets[-1]):
                if rows:
                    sheets[-1].append(AgendaMonth(month.first, month.label, rows))
                sheets.append([])
                rows, left = [], room - MONTH_HEADING_HEIGHT
            rows.append(row)
            left -= height
        sheets[-1].append(AgendaMonth(month.first, month.label, rows))
    return [sheet for sheet in sheets if sheet]


def wheel_summary(wheel: Wheel, period: str, rings: int, events: int) -> str:
    """The wheel in one sentence: the alternative text of the printed drawing (the PDF's
    figure), which a screen reader reads instead of the picture."""
    counts = {
        "wheel": str(wheel),
        "period": period,
        "rings": ngettext("%(count)d ring", "%(count)d rings", rings) % {"count": rings},
        "events": ngettext("%(count)d event", "%(count)d events", events) % {"count": events},
    }
    if not events:
        return _("%(wheel)s, %(period)s, with %(rings)s and no events.") % counts
    return (
        _("%(wheel)s, %(period)s, with %(rings)s and %(events)s; see the agenda on the next page.")
        % counts
    )


class WheelPrintView(WheelDrawingMixin, TemplateView):
    """A3 landscape: the wheel as large as the sheet allows with the legend beside it, then
    the agenda from the second sheet on, in columns (static/css/wheel-print.css)."""

    template_name = "yearwheel/print.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(self.drawing_context())
        context["agenda"] = agenda = agenda_months(context["drawing"])
        context["agenda_sheets"] = agenda_sheets(agenda)
        context["wheel_summary"] = wheel_summary(
            self.wheel,
            context["period"],
            len(context["legend_rings"]),
            context["drawing"].count,
        )
        context["today"] = timezone.localdate()
        context["wheel_url"] = reverse(
            "wheel_detail", kwargs={"org_slug": self.organization.slug, "year": self.wheel.year}
        ) + self.query(self.zoom.value)
        context["for_pdf"] = False
        return context

    def pdf(self) -> tuple[str, bytes]:
        """The file name and the PDF of this view (made by a worker: yearwheel/pdfjob.py),
        tagged (PDF/UA) in the language it is rendered in, as the report PDFs are."""
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
