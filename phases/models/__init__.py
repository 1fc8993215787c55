from phases.models.continuation import (
    ContinuationAssessment,
    ContinuationDecision,
    ContinuationRecommendation,
    GoverningDocument,
    MaintenanceRoutine,
    StakeholderInput,
)
from phases.models.gates import (
    FactorAssessment,
    FactorState,
    GateReviewRequest,
    PhaseTransition,
    SuccessFactor,
    SuccessFactorVersion,
    TransitionCorrection,
)
from phases.models.planning import (
    BudgetLine,
    ImplementationPlan,
    PlannedActivity,
    Preparation,
    PreparationDecision,
    RoleResponsibility,
)
from phases.models.roundabout import (
    IterationAttachment,
    LapDecisionCorrection,
    PilotIteration,
    ServiceComponent,
)

__all__ = [
    "BudgetLine",
    "ContinuationAssessment",
    "ContinuationDecision",
    "ContinuationRecommendation",
    "FactorAssessment",
    "FactorState",
    "GateReviewRequest",
    "GoverningDocument",
    "ImplementationPlan",
    "IterationAttachment",
    "LapDecisionCorrection",
    "MaintenanceRoutine",
    "PhaseTransition",
    "PilotIteration",
    "PlannedActivity",
    "Preparation",
    "PreparationDecision",
    "RoleResponsibility",
    "ServiceComponent",
    "StakeholderInput",
    "SuccessFactor",
    "SuccessFactorVersion",
    "TransitionCorrection",
]
