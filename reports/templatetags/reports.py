"""Filters and tags for the status of measures (reports/content.py's plain data): words for
codes, dates from ISO strings, time in phase, trends and the charts. The figures themselves
(attainment, trend) come computed from measures/attainment.py, through the content.

Everything is worded in the active language, so the same card reads in the reader's language
on the dashboard and in the written standard inside a report (``{% language %}``).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from dateutil.relativedelta import relativedelta
from django import template
from django.utils.formats import number_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from measures.attainment import TREND_LABELS, Trend
from measures.models import Evaluation, Indicator, Phase, TrafficLight
from organizations.content_language import lang_attribute
from phases.models import ContinuationDecision
from reports import cards, charts
from yearwheel.models import Kind

register = template.Library()

# Status is never told by colour alone: each light has its own shape, and its words.
STATUS_SHAPES = {"green": "●", "yellow": "▲", "red": "■"}


@register.filter
def isodate(value: Any) -> date | None:
    """ "2026-04-30" → a date for Django's ``date`` filter; anything else → None."""
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


@register.filter
def decimal(value: Any) -> str:
    """A decimal string of the content ("12.5") in the active locale's notation ("12,5")."""
    if value is None or value == "":
        return ""
    try:
        return number_format(Decimal(str(value)), use_l10n=True)
    except InvalidOperation:
        return str(value)


@register.filter
def time_in_phase(since: Any, today: Any) -> str:
    """How long since ``since``, in words: "for 12 days", "for 5 months", "for 2 years and
    1 month". Empty on the day itself, when either date is missing or ``since`` lies ahead."""
    start, end = isodate(since), isodate(today)
    if start is None or end is None or start > end:
        return ""
    span = relativedelta(end, start)
    if span.years == 0 and span.months == 0:
        days = (end - start).days
        if days == 0:
            return ""  # the date beside it says "since today's date" well enough
        return ngettext("for %(count)d day", "for %(count)d days", days) % {"count": days}
    if span.years == 0:
        return ngettext("for %(count)d month", "for %(count)d months", span.months) % {
            "count": span.months
        }
    years = ngettext("%(count)d year", "%(count)d years", span.years) % {"count": span.years}
    if span.months == 0:
        return _("for %(years)s") % {"years": years}
    months = ngettext("%(count)d month", "%(count)d months", span.months) % {"count": span.months}
    return _("for %(years)s and %(months)s") % {"years": years, "months": months}


@register.filter
def phase_label(value: Any) -> str:
    """3 → "III Implement"."""
    try:
        return str(Phase(int(value)).label)
    except (TypeError, ValueError):
        return ""


@register.filter
def status_label(value: Any) -> str:
    """ "red" → "Red: off track"."""
    try:
        return str(TrafficLight(value).label)
    except ValueError:
        return ""


@register.filter
def status_shape(value: Any) -> str:
    return STATUS_SHAPES.get(str(value), "")


@register.filter
def status_icon(value: Any) -> SafeString:
    """The traffic light's shape as an inline SVG hidden from screen readers (the words
    beside it say the same): the cards' own icons."""
    return mark_safe(charts.STATUS_ICONS.get(str(value), ""))  # noqa: S308 - our own markup


@register.filter
def trend_label(value: Any) -> str:
    try:
        return str(TREND_LABELS[Trend(value)])
    except ValueError:
        return ""


@register.filter
def direction_label(value: Any) -> str:
    try:
        return str(Indicator.Direction(value).label)
    except ValueError:
        return ""


@register.filter
def continuation_outcome(value: Any) -> str:
    try:
        return str(ContinuationDecision.Outcome(value).label)
    except ValueError:
        return str(value or "")


@register.filter
def decision_words(decision: dict[str, Any]) -> str:
    """What a decision of the period was, in words: "Moved from II Plan to III Implement",
    "Continuation: Continue with adjustments", "Evaluation: Adjust"."""
    kind = decision.get("kind")
    phases = {
        "from": phase_label(decision.get("from_phase")),
        "to": phase_label(decision.get("to_phase")),
    }
    if kind == "phase":
        if decision.get("registration"):
            return _("Registered in %(to)s, not through the gates") % phases
        if decision.get("overridden"):
            return _("Moved from %(from)s to %(to)s through an overridden gate") % phases
        return _("Moved from %(from)s to %(to)s") % phases
    if kind == "continuation":
        return _("Decision on continuation: %(outcome)s") % {
            "outcome": continuation_outcome(decision.get("outcome"))
        }
    if kind == "correction":
        record = decision.get("record")
        if record == "phase":
            return _("Justification of the move from %(from)s to %(to)s corrected") % phases
        if record == "continuation":
            return _("Decision on continuation corrected to: %(outcome)s") % {
                "outcome": continuation_outcome(decision.get("outcome"))
            }
        return _("Evaluation corrected; its decision now: %(outcome)s") % {
            "outcome": evaluation_outcome(decision.get("outcome"))
        }
    return _("Evaluation: %(outcome)s") % {"outcome": evaluation_outcome(decision.get("outcome"))}


def evaluation_outcome(value: Any) -> str:
    code = str(value or "")
    try:
        return str(Evaluation.Decision(code).label)
    except ValueError:
        return code


@register.filter
def checkpoint_kind(value: Any) -> str:
    try:
        return str(Kind(value).label)
    except ValueError:
        return ""


# --- charts -----------------------------------------------------------------------------------


@register.simple_tag
def attainment_bar(indicator: dict[str, Any]) -> SafeString:
    """The bar of one indicator of the content, with its figure in words beside it."""
    return mark_safe(cards.attainment(indicator, cards.words(get_language())))  # noqa: S308


@register.simple_tag(takes_context=True)
def measure_card(context: template.Context, measure: dict[str, Any] | None = None) -> SafeString:
    """One measure's card (reports/cards.py), configured by the context's variables: see
    templates/reports/includes/measure_card.html."""
    organization = context.get("organization")
    return cards.render_card(
        measure if measure is not None else context["measure"],
        today=context.get("today"),
        heading_level=int(context.get("heading_level") or 3),
        link_measures=bool(context.get("link_measures")),
        organization_slug=str(getattr(organization, "slug", "") or ""),
        can_write_summary=bool(context.get("can_write_summary")),
        hide_decisions=bool(context.get("hide_decisions")),
        summary_back=str(context.get("summary_back") or ""),
        content_lang=lang_attribute(organization),
    )


@register.inclusion_tag("reports/includes/charts/distribution.html")
def phase_chart(
    totals: dict[str, Any], chart_id: str = "chart-phases", show_table: bool = False
) -> dict[str, Any]:
    """Measures per phase from the content's ``totals``: a bar chart and its table."""
    return {
        "chart": charts.phase_chart(totals.get("by_phase", {})),
        "caption": _("Measures per phase"),
        "column": _("Phase"),
        "chart_id": chart_id,
        "show_table": show_table,
    }


@register.inclusion_tag("reports/includes/charts/distribution.html")
def status_chart(
    totals: dict[str, Any], chart_id: str = "chart-status", show_table: bool = False
) -> dict[str, Any]:
    """Measures per traffic light from the content's ``totals``: a bar chart and its table."""
    return {
        "chart": charts.status_chart(totals.get("by_status", {})),
        "caption": _("Measures per status"),
        "column": _("Status"),
        "chart_id": chart_id,
        "show_table": show_table,
        "with_shapes": True,
    }
