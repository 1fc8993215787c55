from measures.models.evaluations import (
    Evaluation,
    EvaluationCorrection,
    EvaluationCycle,
    Rhythm,
)
from measures.models.goals import Goal, GoalJudgement, Indicator, Judgement, Measurement
from measures.models.knowledge import FuturePicture, KnowledgeItem
from measures.models.logic import LogicColumn, LogicElement, LogicLink
from measures.models.programs import (
    Comment,
    ExternalContributor,
    Lifecycle,
    Measure,
    Phase,
    Program,
    Tag,
    TargetGroup,
    TrafficLight,
)
from measures.models.transitions import ServiceTransition

__all__ = [
    "Comment",
    "Evaluation",
    "EvaluationCorrection",
    "EvaluationCycle",
    "ExternalContributor",
    "FuturePicture",
    "Goal",
    "GoalJudgement",
    "Indicator",
    "Judgement",
    "KnowledgeItem",
    "Lifecycle",
    "LogicColumn",
    "LogicElement",
    "LogicLink",
    "Measure",
    "Measurement",
    "Phase",
    "Program",
    "Rhythm",
    "ServiceTransition",
    "Tag",
    "TargetGroup",
    "TrafficLight",
]
