"""The question bank: the shipped defaults copied into an organisation, its own questions,
rewording as versions, and the questions suggested for a meeting."""

from __future__ import annotations

from collections.abc import Mapping

from django.db import transaction
from django.db.models import Max

from organizations.models import Organization, User
from organizations.wording import LANGUAGES
from reflections.defaults import DEFAULT_QUESTIONS
from reflections.models import Question, QuestionVersion


def _default_keys(organization: Organization) -> set[str]:
    return set(
        Question.objects.filter(organization=organization)
        .exclude(default_key="")
        .values_list("default_key", flat=True)
    )


def ensure_default_questions(organization: Organization) -> None:
    """Copies the shipped questions the organisation does not have yet (idempotent; one query
    when there is nothing to copy). One the organisation retired stays retired."""
    if {default["key"] for default in DEFAULT_QUESTIONS} <= _default_keys(organization):
        return
    with transaction.atomic():
        # Two first visits at once must not both copy: the organisation's row serialises them.
        list(Organization.objects.select_for_update().filter(pk=organization.pk).values("pk"))
        existing = _default_keys(organization)
        for position, default in enumerate(DEFAULT_QUESTIONS):
            if default["key"] in existing:
                continue
            question = Question.objects.create(
                organization=organization,
                theme=default["theme"],
                phase=default["phase"],
                default_key=default["key"],
                position=position,
            )
            question.current_version = QuestionVersion.objects.create(
                question=question,
                number=1,
                text_nb=default["nb"],
                text_nn=default["nn"],
                text_en=default["en"],
            )
            question.save(update_fields=["current_version"])


def active_questions(organization: Organization, phase: int | None = None) -> list[Question]:
    """The organisation's questions in use (those fitting ``phase`` when given), with their
    current wording: two queries once the defaults are in place."""
    ensure_default_questions(organization)
    return list(
        Question.objects.active()
        .filter(organization=organization)
        .for_phase(phase)
        .select_related("current_version")
        .order_by("position", "pk")
    )


def suggested_questions(organization: Organization, phase: int | None) -> list[Question]:
    """The questions to suggest for a meeting in ``phase``: those tagged with the phase first,
    then those for every phase."""
    questions = active_questions(organization, phase)
    return sorted(questions, key=lambda q: (q.phase is None, q.position, q.pk))


def question_create(
    *,
    organization: Organization,
    theme: str,
    phase: int | None,
    texts: Mapping[str, str],
    user: User,
) -> Question:
    """An organisation's own question, after the others, with its first wording."""
    ensure_default_questions(organization)  # so the shipped ones keep their places before it
    with transaction.atomic():
        last = Question.objects.filter(organization=organization).aggregate(last=Max("position"))
        question = Question.objects.create(
            organization=organization,
            theme=theme,
            phase=phase,
            position=(last["last"] if last["last"] is not None else len(DEFAULT_QUESTIONS)) + 1,
        )
        question.current_version = QuestionVersion.objects.create(
            question=question, number=1, created_by=user, **_text_fields(texts)
        )
        question.save(update_fields=["current_version"])
    return question


def question_reword(
    *,
    question: Question,
    theme: str,
    phase: int | None,
    texts: Mapping[str, str],
    user: User,
) -> QuestionVersion | None:
    """Sets the question's theme, phase and wording. A changed wording becomes a new version
    (returned); answers already given keep the version they answered. None when the wording
    stayed the same."""
    with transaction.atomic():
        locked = (
            Question.objects.select_for_update(of=("self",))
            .select_related("current_version")
            .get(pk=question.pk)
        )
        current = locked.current_version
        fields = _text_fields(texts)
        version = None
        if current is None or any(getattr(current, name) != text for name, text in fields.items()):
            number = locked.versions.aggregate(last=Max("number"))["last"] or 0
            version = QuestionVersion.objects.create(
                question=locked, number=number + 1, created_by=user, **fields
            )
            locked.current_version = version
        locked.theme = theme
        locked.phase = phase
        locked.save(update_fields=["current_version", "theme", "phase", "updated_at"])
    question.current_version = locked.current_version
    question.theme = theme
    question.phase = phase
    return version


def _text_fields(texts: Mapping[str, str]) -> dict[str, str]:
    return {f"text_{language}": (texts.get(language) or "").strip() for language in LANGUAGES}
