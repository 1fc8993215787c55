from phases.models.continuation import (
    ContinuationAssessment,
    ContinuationDecision,
    GoverningDocument,
    MaintenanceRoutine,
    StakeholderInput,
)
from phases.models.gates import (
    FactorAssessment,
    FactorState,
    PhaseTransition,
    SuccessFactor,
    SuccessFactorVersion,
)
from phases.models.planning import (
    BudgetLine,
    ImplementationPlan,
    PlannedActivity,
    Preparation,
    RoleResponsibility,
)
from phases.models.roundabout import IterationAttachment, PilotIteration, ServiceComponent

__all__ = [
    "BudgetLine",
    "ContinuationAssessment",
    "ContinuationDecision",
    "FactorAssessment",
    "FactorState",
    "GoverningDocument",
    "ImplementationPlan",
    "IterationAttachment",
    "MaintenanceRoutine",
    "PhaseTransition",
    "PilotIteration",
    "PlannedActivity",
    "Preparation",
    "RoleResponsibility",
    "ServiceComponent",
    "StakeholderInput",
    "SuccessFactor",
    "SuccessFactorVersion",
]
