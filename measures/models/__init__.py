from measures.models.evaluations import Evaluation, EvaluationCycle, Rhythm
from measures.models.goals import Goal, Indicator, Measurement
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

__all__ = [
    "Comment",
    "Evaluation",
    "EvaluationCycle",
    "ExternalContributor",
    "FuturePicture",
    "Goal",
    "Indicator",
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
    "Tag",
    "TargetGroup",
    "TrafficLight",
]
