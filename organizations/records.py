"""Formal records that are corrected, never overwritten.

A decision, a recommendation, a judgement or a justification is public-sector documentation:
who decided what, when and why must survive staff turnover and later disagreement. Such a
record is kept as numbered versions. A saved version is final: a correction is a new version
with a required reason, the earlier ones stay readable, and the record's current state is
the version with the highest number.

Two shapes use the same version rows:

- a record *of* something (the continuation decision of a measure, the judgement of a goal):
  every version is a row of the version model, numbered from 1, and the subject (the measure,
  the goal) is the thing the versions hang on;
- an event that is itself the first version (a phase move and its justification, an
  evaluation, a meeting decision): the event's own row is version 1 and stays as it was
  recorded, and its corrections are version rows numbered from 2.

Services lock the subject's row before they number a version, so two corrections cannot take
the same number (a unique constraint on subject and number is the backstop).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar, TypeVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

V = TypeVar("V", bound="RecordVersion")


class RecordIsFinal(RuntimeError):
    """A saved version was about to be changed or deleted: record a correction instead."""


class CorrectionRefused(Exception):
    """The correction is not recorded; ``messages`` say why, for the user. Nothing is saved."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__("; ".join(messages))
        self.messages = messages


class FinalOnceSaved(models.Model):
    """A row saved once, never changed or deleted through the model afterwards."""

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise RecordIsFinal(
                f"{type(self).__name__} {self.pk} is final; record a correction instead."
            )
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        # Purging a whole measure still works: the cascade deletes rows in bulk, not here.
        raise RecordIsFinal(f"{type(self).__name__} {self.pk} is kept for good.")


class RecordVersion(FinalOnceSaved):
    """One version of a formal record. Subclasses add the subject, the content fields, a
    unique constraint on (subject, number) and ``history = HistoricalRecords()``, so the
    organisation's audit trail lists every version with its reason."""

    number = models.PositiveSmallIntegerField(gettext_lazy("version"))
    correction_reason = models.TextField(gettext_lazy("why it was corrected"), blank=True)
    # Null only for versions carried over from before records were versioned, where the
    # product did not know who recorded them.
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=gettext_lazy("recorded by"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    recorded_at = models.DateTimeField(gettext_lazy("recorded"), default=timezone.now)

    # The field the versions hang on ("measure", "goal", "transition", ...).
    subject_field: ClassVar[str]

    class Meta:
        abstract = True

    @property
    def is_correction(self) -> bool:
        return self.number > 1


class CorrectableEvent(FinalOnceSaved):
    """An event that is itself the first version of its record (a phase move, an evaluation,
    a meeting decision): final once saved; its corrections are version rows numbered from 2
    (``corrections``)."""

    class Meta:
        abstract = True

    def latest_correction(self) -> Any:
        """The newest correction, or None (reads ``corrections``: prefetch it for lists)."""
        corrections = list(self.corrections.all())  # type: ignore[attr-defined]
        return max(corrections, key=lambda c: c.number) if corrections else None


@dataclass(frozen=True)
class ShownVersion:
    """One version as the pages show it, whichever shape the record has: ``record`` is the
    row holding the version's content (a version row, or the event itself as version 1)."""

    number: int
    recorded_at: datetime
    recorded_by: Any
    correction_reason: str
    record: Any

    @property
    def is_correction(self) -> bool:
        return self.number > 1


def shown_versions(rows: Iterable[RecordVersion]) -> list[ShownVersion]:
    """Version rows of one record (their ``recorded_by`` loaded), newest first."""
    return sorted(
        (
            ShownVersion(row.number, row.recorded_at, row.recorded_by, row.correction_reason, row)
            for row in rows
        ),
        key=lambda version: -version.number,
    )


def shown_event_versions(
    event: Any, *, recorded_at: datetime, recorded_by: Any
) -> list[ShownVersion]:
    """An event that is its own first version, and its corrections (prefetched), newest first."""
    first = ShownVersion(1, recorded_at, recorded_by, "", event)
    return [*shown_versions(event.corrections.all()), first]


def next_number(model: type[RecordVersion], *, first: int = 1, **subject: Any) -> int:
    """The number the next version of the subject's record gets (``first`` when none)."""
    last = model._default_manager.filter(**subject).aggregate(last=models.Max("number"))["last"]
    return first if last is None else last + 1


def check_correction(*, reason: str, before: Mapping[str, Any], after: Mapping[str, Any]) -> str:
    """The reason, stripped, when ``after`` corrects ``before``; refuses a correction without
    a reason, and one that changes nothing (it would add a version saying the same)."""
    reason = reason.strip()
    messages = []
    if not reason:
        messages.append(_("Say why the record is corrected. The reason is kept with it."))
    if all(_same(before.get(name), value) for name, value in after.items()):
        messages.append(_("Nothing is changed: the correction says the same as the record."))
    if messages:
        raise CorrectionRefused(messages)
    return reason


def _same(old: Any, new: Any) -> bool:
    # A text typed again with other spaces around it says the same.
    if isinstance(old, str) and isinstance(new, str):
        return old.strip() == new.strip()
    return bool(old == new)


def record_or_correct(
    model: type[V], *, subject: models.Model, user: Any, content: Mapping[str, Any], reason: str
) -> V:
    """Records the first version of the subject's record, or corrects the latest with a new
    version (``reason`` required, and the content must change). Call it inside a transaction
    with the subject's row locked; raises ``CorrectionRefused`` with nothing saved."""
    field = model.subject_field
    latest = model._default_manager.filter(**{field: subject}).order_by("-number").first()
    if latest is None:
        reason = ""
    else:
        before = {name: getattr(latest, name) for name in content}
        reason = check_correction(reason=reason, before=before, after=content)
    return record_version(
        model,
        user=user,
        correction_reason=reason,
        number=latest.number + 1 if latest else 1,
        **{field: subject},
        **content,
    )


def add_correction(
    model: type[V],
    *,
    event: models.Model,
    current: Mapping[str, Any],
    content: Mapping[str, Any],
    user: Any,
    reason: str,
) -> V:
    """Corrects an event that is its own version 1 (``current`` is what it says now) with
    the next version from 2. Call it inside a transaction with the event's row, or its
    subject's, locked; raises ``CorrectionRefused`` with nothing saved."""
    reason = check_correction(reason=reason, before=current, after=content)
    field = model.subject_field
    return record_version(
        model,
        user=user,
        correction_reason=reason,
        number=next_number(model, first=2, **{field: event}),
        **{field: event},
        **content,
    )


def record_version(model: type[V], *, user: Any, correction_reason: str = "", **fields: Any) -> V:
    """Saves one version, with its reason in the history (the audit trail shows it)."""
    version = model(recorded_by=user, correction_reason=correction_reason, **fields)
    version.full_clean()
    version._history_user = user  # type: ignore[attr-defined]
    version._change_reason = correction_reason or None  # type: ignore[attr-defined]
    version.save()
    return version


def states_from_history(
    records: Iterable[Any], fields: Sequence[str]
) -> list[tuple[Any, dict[str, Any]]]:
    """For the migrations that turned overwritten records into versions: the distinct states
    one object's history records went through, oldest first, as (record, {field: value}).
    A state where every field is empty (nothing recorded yet) is left out."""
    states: list[tuple[Any, dict[str, Any]]] = []
    for record in records:
        if record.history_type == "-":
            continue
        content = {name: getattr(record, name) for name in fields}
        if not any(value not in (None, "") for value in content.values()):
            continue
        if states and states[-1][1] == content:
            continue
        states.append((record, content))
    return states
