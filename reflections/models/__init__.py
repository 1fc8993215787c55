from reflections.models.lessons import Lesson
from reflections.models.meetings import (
    ActionItem,
    Answer,
    LearningMeeting,
    MeetingDecision,
    MeetingDecisionCorrection,
    MeetingQuestion,
)
from reflections.models.questions import Question, QuestionVersion, Theme

__all__ = [
    "ActionItem",
    "Answer",
    "LearningMeeting",
    "Lesson",
    "MeetingDecision",
    "MeetingDecisionCorrection",
    "MeetingQuestion",
    "Question",
    "QuestionVersion",
    "Theme",
]
