"""The organisation's audit trail: every model with a history, and how to read it.

``settings.AUDIT_TRAIL`` is this list; ``organizations/audit/registry.py`` reads it, so the
organizations app never imports the apps built on it. A test fails when a model with
``HistoricalRecords`` is missing here.

Each entry is a dict:

``model``
    ``"app_label.ModelName"``: the model (its historical model is found from it).
``organization``
    How a record reaches its organisation: ``"id"`` for the organisation itself, a field
    (``"organization"``), a path through live tables (``"meeting_question__meeting__organization"``)
    or a tuple of fields, any of which may match (a partnership has two organisations).
``measure``
    How a record reaches its measure, when it has one: ``"id"`` for the measure itself, a
    field (``"measure"``) or a path. Records without it drop out when the trail is filtered
    by measure.
``parent``
    Instead of ``organization`` and ``measure``: a foreign key to another audited model whose
    entry decides both. The parent is looked up in *its history*, so the records of a deleted
    parent (the measurements of a deleted indicator) stay in the trail.
``name``
    The field, or tuple of fields, that names a record ("Goal: Fewer absences"). A foreign
    key is named by what it points to. Empty for records that are one per measure (the
    measure column names them).
``link``
    ``(url name, {url kwarg: source})``: the record's page, while the record exists. A
    source is ``"id"``, ``"measure"`` or a field of the record; ``org_slug`` is added.

Registering a new model with history: add an entry here (after its migration), run
``tests/test_audit_trail.py``; nothing else is needed. Its fields, choices, foreign keys and
many-to-many histories are read from the model.
"""

from __future__ import annotations

from typing import Any

AUDIT_TRAIL: list[dict[str, Any]] = [
    # --- organizations ---------------------------------------------------------------------
    {"model": "organizations.Organization", "organization": "id", "name": "name"},
    {"model": "organizations.Unit", "organization": "organization", "name": "name"},
    {"model": "organizations.Membership", "organization": "organization", "name": "user"},
    # An administrator's reset of a member's second factor (twofactor/).
    {"model": "twofactor.SecondFactorReset", "organization": "organization", "name": "user"},
    {
        "model": "organizations.Partnership",
        "organization": ("grantor", "partner"),
        "name": ("grantor", "partner"),
    },
    # An administrator lifting a member's login lockout (signin/); the history row says who.
    {"model": "signin.LockoutRelease", "organization": "organization", "name": "username"},
    # An administrator ending all of a member's sessions (usersessions/): who did it is the
    # entry's author; the record names whose sessions and how many.
    {"model": "usersessions.ForcedSignOut", "organization": "organization", "name": "user"},
    # --- measures --------------------------------------------------------------------------
    {
        "model": "measures.Program",
        "organization": "organization",
        "name": "name",
        "link": ("program_detail", {"pk": "id"}),
    },
    {
        "model": "measures.Measure",
        "organization": "organization",
        "measure": "id",
        "name": "name",
        "link": ("measure_detail", {"measure_pk": "id"}),
    },
    {
        "model": "measures.ExternalContributor",
        "parent": "measure",
        "name": ("role", "organization_name"),
        "link": ("measure_detail", {"measure_pk": "measure"}),
    },
    {
        "model": "measures.ServiceTransition",
        "parent": "measure",
        "name": ("from_unit", "to_unit"),
        "link": ("measure_detail", {"measure_pk": "measure"}),
    },
    {
        "model": "measures.KnowledgeItem",
        "organization": "organization",
        "measure": "measure",
        "name": "summary",
        "link": ("measure_detail", {"measure_pk": "measure"}),
    },
    {
        "model": "measures.FuturePicture",
        "parent": "measure",
        "name": "horizon_year",
        "link": ("logic_model", {"measure_pk": "measure"}),
    },
    {
        "model": "measures.LogicElement",
        "parent": "measure",
        "name": "text",
        "link": ("logic_model", {"measure_pk": "measure"}),
    },
    {
        "model": "measures.Goal",
        "parent": "measure",
        "name": "title",
        "link": ("measure_detail", {"measure_pk": "measure"}),
    },
    {
        "model": "measures.Indicator",
        "parent": "measure",
        "name": "name",
        "link": ("indicator_detail", {"measure_pk": "measure", "pk": "id"}),
    },
    {
        "model": "measures.Measurement",
        "parent": "indicator",
        "name": ("indicator", "date"),
        "link": ("indicator_detail", {"measure_pk": "measure", "pk": "indicator_id"}),
    },
    {
        "model": "measures.GoalJudgement",
        "parent": "goal",
        "name": ("goal", "number"),
        "link": ("measure_detail", {"measure_pk": "measure"}),
    },
    {
        "model": "measures.EvaluationCycle",
        "parent": "measure",
        "name": "",
        "link": ("evaluation_cycle", {"measure_pk": "measure"}),
    },
    {
        "model": "measures.Evaluation",
        "parent": "measure",
        "name": ("period_start", "period_end"),
        "link": ("evaluation_detail", {"measure_pk": "measure", "pk": "id"}),
    },
    {
        "model": "measures.EvaluationCorrection",
        "parent": "evaluation",
        "name": ("evaluation", "number"),
        "link": ("evaluation_detail", {"measure_pk": "measure", "pk": "evaluation_id"}),
    },
    # --- phases ----------------------------------------------------------------------------
    {
        "model": "phases.SuccessFactor",
        "organization": "organization",
        "name": "current_version",
        "link": ("factor_list", {}),
    },
    {
        "model": "phases.FactorAssessment",
        "parent": "measure",
        "name": "version",
        "link": ("phase_gate", {"measure_pk": "measure"}),
    },
    {
        "model": "phases.GateReviewRequest",
        "parent": "measure",
        "name": "to_phase",
        "link": ("phase_gate", {"measure_pk": "measure"}),
    },
    {
        "model": "phases.Preparation",
        "parent": "measure",
        "name": "",
        "link": ("preparation", {"measure_pk": "measure"}),
    },
    {
        "model": "phases.PreparationDecision",
        "parent": "measure",
        "name": "number",
        "link": ("preparation", {"measure_pk": "measure"}),
    },
    {
        # Phase moves are rows of their own (who, when, why) and keep no history; a corrected
        # justification is found through the move's measure.
        "model": "phases.TransitionCorrection",
        "organization": "transition__measure__organization",
        "measure": "transition__measure",
        "name": ("transition", "number"),
        "link": ("measure_detail", {"measure_pk": "measure"}),
    },
    {
        "model": "phases.ImplementationPlan",
        "parent": "measure",
        "name": "",
        "link": ("implementation_plan", {"measure_pk": "measure"}),
    },
    {
        "model": "phases.PlannedActivity",
        "parent": "plan",
        "name": "what",
        "link": ("implementation_plan", {"measure_pk": "measure"}),
    },
    {
        "model": "phases.RoleResponsibility",
        "parent": "plan",
        "name": "role",
        "link": ("implementation_plan", {"measure_pk": "measure"}),
    },
    {
        "model": "phases.BudgetLine",
        "parent": "plan",
        "name": "description",
        "link": ("implementation_plan", {"measure_pk": "measure"}),
    },
    {
        "model": "phases.PilotIteration",
        "parent": "measure",
        "name": "number",
        "link": ("iteration_detail", {"measure_pk": "measure", "pk": "id"}),
    },
    {
        "model": "phases.LapDecisionCorrection",
        "parent": "iteration",
        "name": ("iteration", "number"),
        "link": ("iteration_detail", {"measure_pk": "measure", "pk": "iteration_id"}),
    },
    {
        "model": "phases.ServiceComponent",
        "parent": "measure",
        "name": "name",
        "link": ("roundabout", {"measure_pk": "measure"}),
    },
    {
        "model": "phases.ContinuationAssessment",
        "parent": "measure",
        "name": "",
        "link": ("continuation", {"measure_pk": "measure"}),
    },
    {
        "model": "phases.StakeholderInput",
        "parent": "measure",
        "name": ("who", "date"),
        "link": ("continuation", {"measure_pk": "measure"}),
    },
    {
        "model": "phases.ContinuationRecommendation",
        "parent": "measure",
        "name": "number",
        "link": ("continuation", {"measure_pk": "measure"}),
    },
    {
        "model": "phases.ContinuationDecision",
        "parent": "measure",
        "name": "number",
        "link": ("continuation", {"measure_pk": "measure"}),
    },
    {
        "model": "phases.MaintenanceRoutine",
        "parent": "measure",
        "name": "description",
        "link": ("continuation", {"measure_pk": "measure"}),
    },
    {
        "model": "phases.GoverningDocument",
        "parent": "measure",
        "name": ("kind", "year"),
        "link": ("continuation", {"measure_pk": "measure"}),
    },
    # --- yearwheel -------------------------------------------------------------------------
    {
        "model": "yearwheel.Wheel",
        "organization": "organization",
        "name": "year",
        "link": ("wheel_detail", {"year": "year"}),
    },
    {
        "model": "yearwheel.Ring",
        "organization": "organization",
        "name": "name",
        "link": ("ring_list", {}),
    },
    {
        "model": "yearwheel.Event",
        "organization": "organization",
        "measure": "measure",
        "name": "title",
        "link": ("event_detail", {"pk": "id"}),
    },
    # --- reflections -----------------------------------------------------------------------
    {
        "model": "reflections.Question",
        "organization": "organization",
        "name": "current_version",
        "link": ("question_list", {}),
    },
    {
        "model": "reflections.LearningMeeting",
        "organization": "organization",
        "measure": "measure",
        "name": "title",
        "link": ("meeting_detail", {"pk": "id"}),
    },
    {
        # Questions of a meeting keep no history: the answers are found through the live row.
        "model": "reflections.Answer",
        "organization": "meeting_question__meeting__organization",
        "measure": "meeting_question__meeting__measure",
        "name": "text",
    },
    {
        "model": "reflections.MeetingDecision",
        "parent": "meeting",
        "name": "text",
        "link": ("meeting_detail", {"pk": "meeting_id"}),
    },
    {
        "model": "reflections.MeetingDecisionCorrection",
        "parent": "decision",
        "name": ("decision", "number"),
    },
    {
        "model": "reflections.ActionItem",
        "parent": "meeting",
        "name": "text",
        "link": ("meeting_detail", {"pk": "meeting_id"}),
    },
    {
        "model": "reflections.Lesson",
        "organization": "organization",
        "measure": "measure",
        "name": "title",
        "link": ("lesson_detail", {"pk": "id"}),
    },
    # --- reports ---------------------------------------------------------------------------
    {
        "model": "reports.MeasureSummary",
        "parent": "measure",
        "name": "",
        "link": ("measure_detail", {"measure_pk": "measure"}),
    },
    {
        "model": "reports.Report",
        "organization": "organization",
        "name": "title",
        "link": ("report_detail", {"pk": "id"}),
    },
    # --- sso -------------------------------------------------------------------------------
    {
        "model": "sso.IdentityProvider",
        "organization": "organization",
        "name": "name",
        "link": ("sso_provider_update", {"pk": "id"}),
    },
    {
        "model": "sso.SignInPolicy",
        "organization": "organization",
        "name": "",
        "link": ("sso_settings", {}),
    },
]
