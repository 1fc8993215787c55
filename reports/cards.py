"""The card of one measure (a ``measure`` dict of reports/content.py), as HTML.

Written in Python rather than as a template for speed: a report or a dashboard of 500
measures has 5,000 indicators, and the template engine spends some 300 µs an indicator on
variable lookups, autoescaping and localisation (1.7 s a page); this builds the same markup
in about a twentieth of that (docs/reports-performance.md). Words are looked up once per
language, dates and numbers formatted once per value, URLs reversed once.

``templates/reports/includes/measure_card.html`` is the way in (``{% measure_card %}``): it
documents the variables the card reads from the template context.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from html import escape
from typing import Any
from urllib.parse import urlencode

from django.urls import get_script_prefix, reverse
from django.utils.formats import date_format, get_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from measures.attainment import TREND_LABELS, trend_arrow
from measures.models import Indicator, Phase, TrafficLight
from phases.models import ContinuationDecision, ServiceComponent
from reports import charts
from yearwheel.models import Kind

PLACEHOLDER = 987654321  # a pk no page has, replaced in reversed URLs


@dataclass(frozen=True)
class Words:
    """Everything the card says, in one language."""

    programme: str
    unit: str
    phase: str
    status: str
    since: str
    readiness: str
    ready_of: str
    described_piloted: str
    no_components: str
    missing_kinds: str
    fully_developed: str
    component_kinds: dict[str, str]
    entered_by_override: str
    entered_by_registration: str
    continuation: str
    decided: str
    corrected: str
    pending: str
    summary: str
    no_summary: str
    edit_summary: str
    write_summary: str
    comment: str
    attainment: str
    latest: str
    before: str
    target: str
    baseline: str
    trend: str
    no_indicators: str
    checkpoints: str
    decisions: str
    by: str
    of_the_way: str
    not_measured: str
    phases: dict[int, str]
    statuses: dict[str, str]
    trends: dict[str, str]
    directions: dict[str, str]
    kinds: dict[str, str]
    outcomes: dict[str, str]


@lru_cache(maxsize=8)
def words(language: str | None) -> Words:
    """The card's words in ``language`` (the active one; the key of the cache)."""
    return Words(
        programme=_("Programme:"),
        unit=_("Unit:"),
        phase=_("Phase"),
        status=_("Status"),
        since=_("since %(date)s"),
        readiness=_("Readiness"),
        ready_of=_(
            "%(ready)s of %(total)s work processes, roles, responsibilities and routines "
            "described and piloted"
        ),
        described_piloted=_("%(described)s described, %(piloted)s piloted"),
        no_components=_("No work processes, roles, responsibilities or routines registered yet."),
        missing_kinds=_("None registered yet: %(kinds)s."),
        fully_developed=_("The service is fully developed: ready to leave the roundabout."),
        component_kinds={k.value: str(k.label) for k in ServiceComponent.Kind},
        entered_by_override=_("entered through an overridden gate"),
        entered_by_registration=_("registered in this phase, not through the gates"),
        continuation=_("Continuation"),
        decided=_("%(outcome)s — decided by %(who)s, %(date)s"),
        corrected=_("Corrected %(date)s by %(who)s (was: %(outcome)s): %(reason)s"),
        pending=_("Decision pending"),
        summary=_("Summary"),
        no_summary=_("No summary written yet."),
        edit_summary=_("Edit summary"),
        write_summary=_("Write a summary"),
        comment=_("Comment"),
        attainment=_("Goal attainment"),
        latest=_("Latest: %(value)s %(unit)s (%(date)s)"),
        before=_("before that %(value)s %(unit)s"),
        target=_("Target: %(value)s %(unit)s by %(date)s"),
        baseline=_("baseline %(value)s %(unit)s"),
        trend=_("Trend:"),
        no_indicators=_("No indicators yet."),
        checkpoints=_("Next checkpoints"),
        decisions=_("Decisions in the period"),
        by=_("by %(who)s"),
        of_the_way=_("%(percent)s %% of the way from baseline to target"),
        not_measured=_("No measurement yet"),
        phases={int(p.value): str(p.label) for p in Phase},
        statuses={s.value: str(s.label) for s in TrafficLight},
        trends={str(t): str(label) for t, label in TREND_LABELS.items()},
        directions={d.value: str(d.label) for d in Indicator.Direction},
        kinds={k.value: str(k.label) for k in Kind},
        outcomes={o.value: str(o.label) for o in ContinuationDecision.Outcome},
    )


@lru_cache(maxsize=4096)
def format_date(iso: str, language: str | None) -> str:
    """ "2026-04-30" in the active language's DATE_FORMAT (``language`` keys the cache)."""
    try:
        return date_format(date.fromisoformat(iso))
    except ValueError:
        return ""


@lru_cache(maxsize=8)
def _number_format(language: str | None) -> tuple[str, str, int]:
    grouping = get_format("NUMBER_GROUPING")
    return (
        str(get_format("DECIMAL_SEPARATOR")),
        str(get_format("THOUSAND_SEPARATOR")),
        grouping if isinstance(grouping, int) else 0,
    )


def format_number(value: str | None, language: str | None) -> str:
    """A content decimal ("12345.5") as the active language writes it ("12 345,5"), as
    Django's number_format with USE_THOUSAND_SEPARATOR does, without its cost."""
    if not value:
        return ""
    decimal_separator, thousands, grouping = _number_format(language)
    sign = "-" if value.startswith("-") else ""
    whole, _dot, fraction = value.lstrip("-").partition(".")
    if grouping and thousands and len(whole) > grouping:
        head = len(whole) % grouping or grouping
        parts = [whole[:head]] + [
            whole[i : i + grouping] for i in range(head, len(whole), grouping)
        ]
        whole = thousands.join(parts)
    return f"{sign}{whole}{decimal_separator}{fraction}" if fraction else f"{sign}{whole}"


@lru_cache(maxsize=64)
def _url_pattern(name: str, slug: str, prefix: str) -> str:
    return reverse(name, args=[slug, PLACEHOLDER])


def measure_url(name: str, slug: str, pk: int) -> str:
    """``reverse(name)`` for a measure, reversed once per organisation."""
    return _url_pattern(name, slug, get_script_prefix()).replace(str(PLACEHOLDER), str(pk))


@lru_cache(maxsize=4096)
def _duration(since: str, today: str, language: str | None) -> str:
    from reports.templatetags.reports import time_in_phase

    return time_in_phase(since, today) if today else ""


def _text(value: str) -> str:
    """Escaped, line breaks kept (as Django's linebreaksbr)."""
    return escape(value).replace("\r\n", "\n").replace("\n", "<br>")


def _in(la: str, markup: str) -> str:
    """``markup`` (escaped) in a ``<span lang>`` when ``la`` is an attribute, else as it is."""
    return f"<span{la}>{markup}</span>" if la else markup


def _heading(level: int, text: str, css: str = "h6 mt-3", id_: str = "", la: str = "") -> str:
    ident = f' id="{id_}"' if id_ else ""
    return f'<h{level} class="{css}"{ident}{la}>{text}</h{level}>'


def attainment(indicator: dict[str, Any], w: Words) -> str:
    """The attainment bar (decoration) and its figure in words."""
    percent = indicator.get("attainment_percent")
    if percent is None:
        return f'<span class="attainment-text">{escape(w.not_measured)}</span>'
    bar = charts.attainment_bar(percent)
    said = escape(w.of_the_way % {"percent": bar.percent})
    return (
        '<span class="attainment d-inline-flex flex-wrap align-items-center gap-2">'
        f"{charts.attainment_svg(bar)}"
        f'<span class="attainment-text">{said}</span></span>'
    )


def _indicator(indicator: dict[str, Any], w: Words, lang: str | None, la: str = "") -> str:
    unit = indicator["unit"]
    parts = []
    latest, previous = indicator.get("latest"), indicator.get("previous")
    if latest:
        said = w.latest % {
            "value": format_number(latest["value"], lang),
            "unit": unit,
            "date": format_date(latest["date"], lang),
        }
        if previous:
            said += ", " + w.before % {
                "value": format_number(previous["value"], lang),
                "unit": unit,
            }
        parts.append(escape(said) + " · ")
    target = w.target % {
        "value": format_number(indicator["target"], lang),
        "unit": unit,
        "date": format_date(indicator["target_date"], lang),
    }
    baseline = w.baseline % {"value": format_number(indicator["baseline"], lang), "unit": unit}
    direction = w.directions.get(indicator["direction"], "").lower()
    parts.append(f"{escape(target)} ({escape(baseline)}; {escape(direction)}) · ")
    arrow = trend_arrow(
        indicator.get("trend"), higher_is_better=indicator.get("direction") == "higher"
    )
    if arrow:
        parts.append(f'<span aria-hidden="true">{arrow}</span> ')
    parts.append(f"{escape(w.trend)} {escape(w.trends.get(indicator['trend'], '').lower())}")
    return (
        f'<li class="mb-2"><span class="fw-semibold"{la}>{escape(indicator["name"])}</span><br>'
        f'{attainment(indicator, w)}<br><span class="small">{"".join(parts)}</span></li>'
    )


def _corrections(decision: dict[str, Any], w: Words, lang: str | None) -> str:
    """Each correction of the continuation decision, oldest first, with what it corrected:
    the earlier versions stay visible in every report."""
    lines = []
    for correction in decision.get("corrections") or []:
        was = str(correction.get("was") or "")
        lines.append(
            escape(
                w.corrected
                % {
                    "date": format_date(correction["date"], lang),
                    "who": correction["by"],
                    "outcome": w.outcomes.get(was, was) if was else "–",
                    "reason": correction["reason"],
                }
            )
        )
    return "".join(f'<br><span class="small">{line}</span>' for line in lines)


def render_card(
    measure: dict[str, Any],
    *,
    today: date | str | None,
    heading_level: int = 3,
    link_measures: bool = False,
    organization_slug: str = "",
    can_write_summary: bool = False,
    hide_decisions: bool = False,
    summary_back: str = "",
    content_lang: str = "",
    hide_status: bool = False,
    hide_indicators: bool = False,
    hide_continuation: bool = False,
) -> SafeString:
    """``content_lang`` is the organisation's `` lang="nb"`` when the page is in another
    language (organizations/content_language.py), put on each element of its words.
    ``hide_status``, ``hide_indicators`` and ``hide_continuation`` leave out parts a
    partnership does not share (measures/views/partners.py); the caller also empties them in
    ``measure``."""
    from reports.templatetags.reports import decision_words  # the tags import this module

    lang = get_language()
    w = words(lang)
    pk = int(measure["id"])
    level, sub = heading_level, heading_level + 1
    name = escape(measure["name"])
    la = content_lang
    out: list[str] = [
        f'<section class="measure-card card mb-3" id="measure-{pk}" '
        f'aria-labelledby="measure-{pk}-name"><div class="card-body">'
    ]
    if link_measures and organization_slug:
        url = measure_url("measure_detail", organization_slug, pk)
        title = f'<a href="{escape(url)}">{name}</a>'
    else:
        title = name
    # The heading holds only the measure's name: its language goes on the heading.
    out.append(_heading(level, title, "h5 card-title mb-1", f"measure-{pk}-name", la))
    where = f"{escape(w.programme)} {_in(la, escape(measure['program']))}"
    if measure.get("unit"):
        where += f" · {escape(w.unit)} {_in(la, escape(measure['unit']))}"
    out.append(f'<p class="text-body-secondary mb-3">{where}</p><dl class="row mb-0">')

    # Phase and time in it.
    since = measure.get("phase_since") or ""
    duration = _duration(since, str(today or ""), lang)
    out.append(
        f'<dt class="col-sm-3">{escape(w.phase)}</dt><dd class="col-sm-9">'
        f'<span class="badge text-bg-primary phase-badge">'
        f"{escape(w.phases.get(measure['phase'], ''))}</span> {escape(duration)} "
        f'<span class="text-body-secondary">'
        f"({escape(w.since % {'date': format_date(since, lang)})})</span>"
    )
    entry = measure.get("phase_entry")
    if entry in ("override", "registration"):
        note = w.entered_by_override if entry == "override" else w.entered_by_registration
        out.append(f' <span class="badge text-bg-danger">{escape(note)}</span>')
    out.append("</dd>")
    # Status: words and shape besides the colour.
    status = measure["status"]
    if not hide_status:
        out.append(
            f'<dt class="col-sm-3">{escape(w.status)}</dt><dd class="col-sm-9">'
            f'<span class="traffic-light traffic-light-{escape(status)}">'
            f"{charts.STATUS_ICONS.get(status, '')}{escape(w.statuses.get(status, ''))}</span>"
        )
        if measure.get("status_explanation"):
            out.append(f'<p class="mb-0 mt-1"{la}>{_text(measure["status_explanation"])}</p>')
        out.append("</dd>")
    readiness = measure.get("readiness")
    if readiness:
        if readiness["components"]:
            said = escape(
                w.ready_of % {"ready": readiness["ready"], "total": readiness["components"]}
            )
            counts = escape(
                w.described_piloted
                % {"described": readiness["described"], "piloted": readiness["piloted"]}
            )
            said += f' <span class="text-body-secondary">({counts})</span>'
            missing = readiness.get("missing_kinds") or []
            if missing:
                kinds = ", ".join(w.component_kinds.get(kind, kind).lower() for kind in missing)
                said += f"<br>{escape(w.missing_kinds % {'kinds': kinds})}"
            elif readiness.get("exit_rule_met"):
                said += f"<br>{escape(w.fully_developed)}"
        else:
            said = escape(w.no_components)
        out.append(
            f'<dt class="col-sm-3">{escape(w.readiness)}</dt><dd class="col-sm-9">{said}</dd>'
        )
    if measure["phase"] == 4 and not hide_continuation:
        decision = measure.get("continuation")
        if decision:
            said = escape(
                w.decided
                % {
                    "outcome": w.outcomes.get(decision["outcome"], decision["outcome"]),
                    "who": decision["decision_maker"],
                    "date": format_date(decision["decided_on"], lang),
                }
            )
            said += _corrections(decision, w, lang)
        else:
            said = escape(w.pending)
        out.append(
            f'<dt class="col-sm-3">{escape(w.continuation)}</dt><dd class="col-sm-9">{said}</dd>'
        )
    out.append("</dl>")

    summary = measure.get("summary") or ""
    if summary or can_write_summary:
        out.append(_heading(sub, escape(w.summary)))
        if summary:
            out.append(f"<p{la}>{_text(summary)}</p>")
        else:
            out.append(f'<p class="text-body-secondary">{escape(w.no_summary)}</p>')
        if can_write_summary and organization_slug:
            url = measure_url("measure_summary", organization_slug, pk)
            if summary_back:  # the dashboard's filters and page, to come back to
                url += "?" + urlencode({"back": summary_back})
            label = w.edit_summary if summary else w.write_summary
            out.append(
                f'<p><a href="{escape(url)}">{escape(label)}'
                f'<span class="visually-hidden"> ({_in(la, name)})</span></a></p>'
            )
    if measure.get("comment"):
        out.append(_heading(sub, escape(w.comment)))
        out.append(f"<p{la}>{_text(measure['comment'])}</p>")

    indicators = measure.get("indicators") or []
    if not hide_indicators:
        out.append(_heading(sub, escape(w.attainment)))
    if hide_indicators:
        pass  # not shared: no heading, and not the words "no indicators" either
    elif indicators:
        out.append('<ul class="list-unstyled indicator-list">')
        out.extend(_indicator(indicator, w, lang, la) for indicator in indicators)
        out.append("</ul>")
    else:
        out.append(f'<p class="text-body-secondary">{escape(w.no_indicators)}</p>')

    checkpoints = measure.get("next_checkpoints") or []
    if checkpoints:
        out.append(_heading(sub, escape(w.checkpoints)))
        out.append('<ul class="mb-0">')
        for checkpoint in checkpoints:
            kind = w.kinds.get(checkpoint["kind"], "").lower()
            out.append(
                f"<li>{escape(format_date(checkpoint['date'], lang))}: "
                f"{_in(la, escape(checkpoint['title']))} "
                f'<span class="text-body-secondary">({escape(kind)})</span></li>'
            )
        out.append("</ul>")

    decisions = measure.get("decisions") or []
    if decisions and not hide_decisions:
        out.append(_heading(sub, escape(w.decisions)))
        out.append('<ul class="mb-0">')
        for decision in decisions:
            said = f"{format_date(decision['date'], lang)}: {decision_words(decision)}"
            if decision.get("by"):
                said += f" ({w.by % {'who': decision['by']}})"
            said = escape(said)
            if decision.get("text"):
                said += f". {_in(la, escape(decision['text']))}"
            out.append(f"<li>{said}</li>")
        out.append("</ul>")
    out.append("</div></section>")
    return mark_safe("".join(out))  # noqa: S308 - every value above is escaped
