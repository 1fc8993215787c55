"""The minutes of a learning meeting: a printable page and an A4 PDF.

The minutes are a document of the organisation, so they are written in its written standard
(bokmål or nynorsk), whatever language the reader chose for the screen: the document's text,
its dates and the questions' wording are rendered inside ``translation.override``. Only the
bar above the document (back to the meeting, how to print), which is not printed, follows the
reader's language.

The page costs a fixed number of queries however long the meeting was: the meeting with its
subject, closer and participants, the questions with their wordings, one for all answers,
one for the decisions and one for the action items.
"""

from __future__ import annotations

import logging
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.generic.base import ContextMixin

from reflections.meetings import meeting_decisions
from reflections.models import ActionItem, Answer, LearningMeeting, MeetingQuestion
from reflections.views.base import MeetingViewMixin
from yearwheel.pdf import PdfUnavailable, html_to_pdf

logger = logging.getLogger(__name__)

MINUTES_TEMPLATE = "reflections/minutes/minutes.html"

# Norwegian letters that slugify would drop ("møte" -> "mte"), spelled out for a file name.
_SPELLED_OUT = str.maketrans({"æ": "ae", "ø": "o", "å": "a", "Æ": "Ae", "Ø": "O", "Å": "A"})


def pdf_filename(meeting: LearningMeeting) -> str:
    """``<title>-<date>.pdf`` in plain ASCII: "Lærende møte" on 15.10.2026 gives
    ``laerende-mote-2026-10-15.pdf``."""
    title = slugify(meeting.title.translate(_SPELLED_OUT))[:80].strip("-") or "referat"
    return f"{title}-{meeting.date.isoformat()}.pdf"


class MinutesMixin(MeetingViewMixin):
    permission_required = "reflections.view_reflections"
    http_method_names = ["get", "head", "options"]

    def get_meeting_queryset(self) -> QuerySet[LearningMeeting]:
        return super().get_meeting_queryset().select_related("closed_by", "measure__team_lead")

    @property
    def language(self) -> str:
        return self.organization.written_standard

    def questions(self) -> list[MeetingQuestion]:
        answers = Answer.objects.select_related("author").order_by("created_at", "pk")
        return list(
            MeetingQuestion.objects.filter(meeting=self.meeting)
            .select_related("version", "question")
            .prefetch_related(Prefetch("answers", queryset=answers))
            .order_by("position", "pk")
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        meeting = self.meeting
        participants = sorted(
            meeting.participants.all(), key=lambda person: (str(person).lower(), person.pk)
        )
        context.update(
            participants=participants,
            meeting_questions=self.questions(),
            decisions=meeting_decisions(meeting),
            action_items=list(
                ActionItem.objects.filter(meeting=meeting)
                .select_related("owner")
                .order_by("due_date", "pk")
            ),
            today=timezone.localdate(),
            meeting_url=meeting.get_absolute_url(),
            pdf_url=reverse(
                "meeting_minutes_pdf",
                kwargs={"org_slug": self.organization.slug, "pk": meeting.pk},
            ),
            for_pdf=False,
        )
        return context

    def render_document(self, context: dict[str, Any]) -> str:
        # The question wordings, the checklist labels and the dates are worked out while the
        # template renders: the whole rendering happens in the written standard.
        with translation.override(self.language):
            return render_to_string(MINUTES_TEMPLATE, context, request=self.request)


class MinutesView(MinutesMixin, ContextMixin):
    """The minutes as a page made for printing (A4 portrait, no site navigation)."""

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        context = self.get_context_data(**kwargs)
        # The reader's language for the bar above the document, taken before the override.
        context["reader_language"] = translation.get_language()
        return HttpResponse(self.render_document(context))


class MinutesPdfView(MinutesMixin, ContextMixin):
    """The minutes as an A4 PDF download, rendered by WeasyPrint without network access."""

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        context = self.get_context_data(**kwargs)
        context["for_pdf"] = True
        html = self.render_document(context)
        try:
            pdf = html_to_pdf(html, base_url=request.build_absolute_uri("/"))
        except PdfUnavailable:
            logger.exception("WeasyPrint cannot be loaded: the PDF of the minutes is unavailable")
            print_url = reverse(
                "meeting_minutes",
                kwargs={"org_slug": self.organization.slug, "pk": self.meeting.pk},
            )
            return render(
                request,
                "pdf_unavailable.html",
                {
                    **context,
                    "print_url": print_url,
                    "back_url": self.meeting.get_absolute_url(),
                    "back_label": _("Back to the meeting"),
                },
                status=503,
            )
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{pdf_filename(self.meeting)}"'
        return response
