"""Running a learning meeting: the steps that add to a meeting, close it and reopen it.

Every step that adds to a meeting locks the meeting's row and checks, under the lock, that it
is still open: an answer or action item cannot slip in while someone closes the meeting, and
a question cannot be removed while someone answers it. Action items keep changing status after
the meeting closes: following them up is what the next meeting is for.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from organizations.models import User
from organizations.records import add_correction
from reflections.models import (
    ActionItem,
    Answer,
    LearningMeeting,
    MeetingDecision,
    MeetingDecisionCorrection,
    MeetingQuestion,
    Question,
)


class RunRefused(Exception):
    """A step the meeting's state does not allow; ``str()`` is the message for the user."""


def closed_message() -> str:
    return _("The meeting is closed. Reopen it to change it.")


def _lock_open(meeting: LearningMeeting) -> None:
    state = (
        LearningMeeting.objects.select_for_update()
        .filter(pk=meeting.pk)
        .values_list("state", flat=True)
        .first()
    )
    if state != LearningMeeting.State.PLANNED:
        raise RunRefused(closed_message())


def meeting_questions_add(
    *, meeting: LearningMeeting, questions: Iterable[Question]
) -> list[MeetingQuestion]:
    """Adds the questions the meeting does not have yet, after those it has, each in its
    current wording. Returns the ones added (none when all were chosen already)."""
    with transaction.atomic():
        _lock_open(meeting)
        chosen = set(meeting.questions.values_list("question_id", flat=True))
        last = meeting.questions.aggregate(last=Max("position"))["last"]
        position = -1 if last is None else last
        added = []
        for question in questions:
            if question.pk in chosen or question.current_version_id is None:
                continue
            chosen.add(question.pk)
            position += 1
            added.append(
                MeetingQuestion(
                    meeting=meeting,
                    question=question,
                    version_id=question.current_version_id,
                    position=position,
                )
            )
        return MeetingQuestion.objects.bulk_create(added)


def meeting_question_remove(*, meeting_question: MeetingQuestion) -> None:
    """Takes a question off the meeting, as long as nobody has answered it."""
    with transaction.atomic():
        _lock_open(meeting_question.meeting)
        if meeting_question.answers.exists():
            raise RunRefused(
                _("The question has answers, so it stays. Only unanswered questions are removed.")
            )
        meeting_question.delete()


def answer_add(*, meeting_question: MeetingQuestion, text: str, author: User) -> Answer:
    with transaction.atomic():
        _lock_open(meeting_question.meeting)
        return Answer.objects.create(meeting_question=meeting_question, text=text, author=author)


def decision_add(*, meeting: LearningMeeting, text: str, user: User) -> MeetingDecision:
    with transaction.atomic():
        _lock_open(meeting)
        return MeetingDecision.objects.create(meeting=meeting, text=text, recorded_by=user)


def decision_correct(
    *, decision: MeetingDecision, text: str, reason: str, user: User
) -> MeetingDecisionCorrection:
    """Corrects a meeting's decision with a new version and its reason; the decision as first
    recorded and every earlier correction stay. Only while the meeting is open, as every other
    change to it; raises ``RunRefused`` or ``CorrectionRefused`` with nothing saved."""
    with transaction.atomic():
        _lock_open(decision.meeting)
        # Read again behind the lock: a correction made meanwhile is the one to correct.
        current = MeetingDecision.objects.prefetch_related("corrections").get(pk=decision.pk)
        return add_correction(
            MeetingDecisionCorrection,
            event=current,
            current={"text": current.current_text()},
            content={"text": text},
            user=user,
            reason=reason,
        )


def action_item_add(
    *, meeting: LearningMeeting, text: str, owner: User, due_date: date, user: User
) -> ActionItem:
    with transaction.atomic():
        _lock_open(meeting)
        return ActionItem.objects.create(
            organization_id=meeting.organization_id,
            meeting=meeting,
            text=text,
            owner=owner,
            due_date=due_date,
            created_by=user,
        )


def action_item_set_status(*, item: ActionItem, status: str) -> bool:
    """Sets the status; the completion time is kept only while the item is done. False when
    the item already had that status (nothing changes)."""
    if item.status == status:
        return False
    item.status = status
    item.completed_at = timezone.now() if status == ActionItem.Status.DONE else None
    item.save(update_fields=["status", "completed_at", "updated_at"])
    return True


def meeting_close(
    *, meeting: LearningMeeting, user: User, checklist: Mapping[str, bool], notes: str
) -> None:
    """Closes the meeting with its learning checklist and notes: nothing more is added to it
    until it is reopened."""
    with transaction.atomic():
        locked = LearningMeeting.objects.select_for_update().get(pk=meeting.pk)
        if locked.is_closed:
            raise RunRefused(_("The meeting is already closed."))
        for name in LearningMeeting.CHECKLIST:
            setattr(locked, name, bool(checklist.get(name)))
        locked.notes = notes
        locked.state = LearningMeeting.State.CLOSED
        locked.closed_at = timezone.now()
        locked.closed_by = user
        locked.save(
            update_fields=[
                *LearningMeeting.CHECKLIST,
                "notes",
                "state",
                "closed_at",
                "closed_by",
                "updated_at",
            ]
        )
    _copy_state(locked, meeting)


def meeting_reopen(*, meeting: LearningMeeting) -> None:
    """Opens a closed meeting again for changes. The checklist stays as it was filled in; it is
    filled in again when the meeting is closed the next time."""
    with transaction.atomic():
        locked = LearningMeeting.objects.select_for_update().get(pk=meeting.pk)
        if not locked.is_closed:
            raise RunRefused(_("The meeting is open already."))
        locked.state = LearningMeeting.State.PLANNED
        locked.closed_at = None
        locked.closed_by = None
        locked.save(update_fields=["state", "closed_at", "closed_by", "updated_at"])
    _copy_state(locked, meeting)


def _copy_state(source: LearningMeeting, target: LearningMeeting) -> None:
    for name in [*LearningMeeting.CHECKLIST, "notes", "state", "closed_at", "closed_by"]:
        setattr(target, name, getattr(source, name))
