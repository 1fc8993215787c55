"""The measure's timeline: every phase move with the gate as it stood, and every formal record
made or corrected on the way (the decision to go on, the recommendation and the decision on
continuing, corrections of justifications, evaluations and goal judgements), newest first.

Who decided what, when and why must survive staff turnover: the timeline is where a reader of
a measure sees all of it in one place. A fixed number of queries, however long the history.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db.models import (
    BigIntegerField,
    CharField,
    DateField,
    F,
    IntegerField,
    Prefetch,
    Value,
)
from django.db.models.functions import Cast
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from measures.models import EvaluationCorrection, GoalJudgement, Measure, Phase
from organizations.records import ShownVersion, shown_event_versions
from phases.models import (
    ContinuationDecision,
    ContinuationRecommendation,
    FactorState,
    GateReviewRequest,
    LapDecisionCorrection,
    PhaseTransition,
    PreparationDecision,
    TransitionCorrection,
)


@dataclass
class SnapshotFactor:
    text: str
    required: bool
    state: str
    state_label: str


@dataclass
class TimelineEntry:
    """A phase move, with the factors as they stood and every version of its justification."""

    transition: PhaseTransition
    factors: list[SnapshotFactor]
    met: int
    readiness: dict[str, Any]
    versions: list[ShownVersion] = field(default_factory=list)

    @property
    def when(self) -> datetime:
        return self.transition.decided_at


@dataclass
class RecordEntry:
    """A formal record made or corrected: what, by whom, when, and why when corrected."""

    when: datetime
    what: str
    who: Any
    reason: str
    is_correction: bool
    url: str
    transition: None = None
    note: str = ""  # shown under the entry: a request's message


def _snapshot_text(item: dict[str, Any], language: str) -> str:
    texts = item.get("texts") or {}
    for code in (language, "nb", "nn", "en"):
        if texts.get(code):
            return str(texts[code])
    return str(item.get("text", ""))


def transition_versions(transition: PhaseTransition) -> list[ShownVersion]:
    """The move's justification, newest version first (corrections prefetched)."""
    return shown_event_versions(
        transition, recorded_at=transition.decided_at, recorded_by=transition.decided_by
    )


def _moves(measure: Measure) -> list[TimelineEntry | RecordEntry]:
    """The moves, and each correction of a move's justification as an entry of its own at
    the time it was made: two queries."""
    language = (translation.get_language() or "nb")[:2]
    labels = dict(FactorState.choices)
    corrections = TransitionCorrection.objects.select_related("recorded_by")
    entries: list[TimelineEntry | RecordEntry] = []
    for transition in (
        PhaseTransition.objects.filter(measure=measure)
        .select_related("decided_by")
        .prefetch_related(Prefetch("corrections", queryset=corrections))
    ):
        factors = [
            SnapshotFactor(
                text=_snapshot_text(item, language),
                required=bool(item.get("required")),
                state=str(item.get("state", "")),
                state_label=str(labels.get(item.get("state", ""), item.get("state", ""))),
            )
            for item in transition.factors_snapshot or []
        ]
        entries.append(
            TimelineEntry(
                transition=transition,
                factors=factors,
                met=sum(1 for f in factors if f.state == FactorState.MET),
                readiness=transition.readiness_snapshot or {},
                versions=transition_versions(transition),
            )
        )
        move = f"{transition.get_from_phase_display()} → {transition.get_to_phase_display()}"
        for correction in transition.corrections.all():
            entries.append(
                RecordEntry(
                    when=correction.recorded_at,
                    what=_("Justification of the move %(value)s corrected") % {"value": move},
                    who=correction.recorded_by,
                    reason=correction.correction_reason,
                    is_correction=True,
                    url=f"#transition-{transition.pk}",
                )
            )
    return entries


def _what(version: Any, first: str, corrected: str, value: str) -> str:
    return (corrected if version.number > 1 else first) % {"value": value}


# The columns every kind of formal record gives the timeline, in one UNION ALL: the six
# kinds cost one query instead of six on the measure page and the gate page.
RECORD_COLUMNS = (
    "r_kind",
    "r_pk",
    "r_number",
    "r_at",
    "r_reason",
    "r_name",
    "r_email",
    "r_choice",
    "r_text",
    "r_ref",
    "r_start",
    "r_end",
)


def _record_rows(model: Any, measure: Measure, kind: str, measure_path: str, **columns: Any) -> Any:
    # Typed NULLs: PostgreSQL settles a union's column types pairwise, and an untyped NULL
    # in the first parts would become text.
    nothing = {
        "r_choice": Value("", output_field=CharField()),
        "r_text": Value("", output_field=CharField()),
        "r_ref": Cast(Value(None), BigIntegerField()),
        "r_start": Cast(Value(None), DateField()),
        "r_end": Cast(Value(None), DateField()),
    }
    annotations = {
        "r_kind": Value(kind, output_field=CharField()),
        "r_pk": F("pk"),
        "r_number": F("number"),
        "r_at": F("recorded_at"),
        "r_reason": F("correction_reason"),
        "r_name": F("recorded_by__full_name"),
        "r_email": F("recorded_by__email"),
        **nothing,
        **columns,
    }
    # The same order in every part: a union matches columns by position.
    ordered = {name: annotations[name] for name in RECORD_COLUMNS}
    return (
        model.objects.filter(**{measure_path: measure})
        .order_by()
        .annotate(**ordered)
        .values(*RECORD_COLUMNS)
    )


def _records(measure: Measure) -> list[RecordEntry]:
    """The measure's formal records and their corrections: one query."""
    slug = measure.organization.slug
    url = {
        name: reverse(name, args=[slug, measure.pk])
        for name in ("preparation", "continuation", "measure_detail", "phase_gate")
    }
    parts = [
        _record_rows(PreparationDecision, measure, "go_on", "measure", r_choice=F("decision")),
        _record_rows(
            ContinuationRecommendation,
            measure,
            "recommendation",
            "measure",
            r_choice=F("recommendation"),
        ),
        _record_rows(ContinuationDecision, measure, "decision", "measure", r_choice=F("outcome")),
        _record_rows(
            LapDecisionCorrection,
            measure,
            "lap",
            "iteration__measure",
            r_ref=F("iteration_id"),
            r_text=Cast(F("iteration__number"), CharField()),
        ),
        _record_rows(
            EvaluationCorrection,
            measure,
            "evaluation",
            "evaluation__measure",
            r_ref=F("evaluation_id"),
            r_start=F("evaluation__period_start"),
            r_end=F("evaluation__period_end"),
        ),
        _record_rows(
            GoalJudgement,
            measure,
            "judgement",
            "goal__measure",
            r_ref=F("goal_id"),
            r_choice=F("judgement"),
            r_text=F("goal__title"),
        ),
        # Requests for a review of the gate: not versioned, so "version 1" by the requester.
        _record_rows(
            GateReviewRequest,
            measure,
            "review",
            "measure",
            r_number=Value(1, output_field=IntegerField()),
            r_at=F("requested_at"),
            r_reason=F("message"),
            r_name=F("requested_by__full_name"),
            r_email=F("requested_by__email"),
            r_choice=Cast(F("to_phase"), CharField()),
        ),
    ]
    rows = parts[0].union(*parts[1:], all=True)
    labels = {
        "go_on": dict(PreparationDecision.Decision.choices),
        "recommendation": dict(ContinuationRecommendation.Recommendation.choices),
        "decision": dict(ContinuationDecision.Outcome.choices),
        "judgement": dict(GoalJudgement.Judgement.choices),
    }
    texts = {
        "go_on": (
            _("Decision to go on recorded: %(value)s"),
            _("Decision to go on corrected: %(value)s"),
            f"{url['preparation']}#decision",
        ),
        "recommendation": (
            _("Recommendation on continuing given: %(value)s"),
            _("Recommendation on continuing corrected: %(value)s"),
            f"{url['continuation']}#recommendation",
        ),
        "decision": (
            _("Decision on continuing recorded: %(value)s"),
            _("Decision on continuing corrected: %(value)s"),
            f"{url['continuation']}#decision",
        ),
    }
    entries: list[RecordEntry] = []
    # Sorted as the separate queries listed them (by kind, then by id) before the timeline
    # sorts by time: rows recorded in the same instant keep their old order.
    order = {
        kind: position
        for position, kind in enumerate(
            ("go_on", "recommendation", "decision", "lap", "evaluation", "judgement", "review")
        )
    }
    for row in sorted(rows, key=lambda row: (order[row["r_kind"]], row["r_pk"])):
        kind = row["r_kind"]
        corrected = row["r_number"] > 1
        if kind in texts:
            first, again, link = texts[kind]
            value = str(labels[kind].get(row["r_choice"], row["r_choice"]))
            what = (again if corrected else first) % {"value": value}
        elif kind == "review":
            what = _("Review of the gate to %(value)s requested") % {
                "value": Phase(int(row["r_choice"])).label
            }
            link = f"{url['phase_gate']}#gate-review"
        elif kind == "lap":
            what = _("Decision for the next lap corrected: lap %(value)s") % {
                "value": row["r_text"]
            }
            link = reverse("iteration_detail", args=[slug, measure.pk, row["r_ref"]])
        elif kind == "evaluation":
            what = _("Evaluation of %(value)s corrected") % {
                "value": _period(row["r_start"], row["r_end"])
            }
            link = reverse("evaluation_detail", args=[slug, measure.pk, row["r_ref"]])
        else:
            value = f"{row['r_text']} ({labels['judgement'].get(row['r_choice'], row['r_choice'])})"
            what = (
                _("Judgement of a goal corrected: %(value)s")
                if corrected
                else _("Goal judged: %(value)s")
            ) % {"value": value}
            link = f"{url['measure_detail']}#goal-{row['r_ref']}"
        entries.append(
            RecordEntry(
                when=row["r_at"],
                what=what,
                # As a person is shown everywhere (User.__str__): the name, else the email.
                who=row["r_name"] or row["r_email"] or None,
                reason=row["r_reason"],
                is_correction=corrected,
                url=link,
                note=row["r_reason"] if kind == "review" else "",
            )
        )
    return entries


def _period(start: date, end: date) -> str:
    return f"{date_format(start, 'SHORT_DATE_FORMAT')}–{date_format(end, 'SHORT_DATE_FORMAT')}"


def timeline(measure: Measure) -> list[TimelineEntry | RecordEntry]:
    """Phase moves and formal records, newest first: eight queries, however many rows."""
    entries: list[TimelineEntry | RecordEntry] = [*_moves(measure), *_records(measure)]
    return sorted(entries, key=lambda entry: entry.when, reverse=True)
