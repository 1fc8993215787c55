"""URLs of phase III (the roundabout) and phase IV (continuation), mounted under
/o/<org_slug>/ (see phases/urls.py)."""

from django.urls import URLPattern, path

from phases.views import continuation, roundabout

LAPS = "measures/<int:measure_pk>/roundabout/laps"
COMPONENTS = "measures/<int:measure_pk>/roundabout/components"
CONTINUATION = "measures/<int:measure_pk>/continuation"

urlpatterns: list[URLPattern] = [
    # Phase III
    path(
        "measures/<int:measure_pk>/roundabout/",
        roundabout.RoundaboutView.as_view(),
        name="roundabout",
    ),
    path(f"{LAPS}/new/", roundabout.IterationCreateView.as_view(), name="iteration_create"),
    path(f"{LAPS}/<int:pk>/", roundabout.IterationDetailView.as_view(), name="iteration_detail"),
    path(
        f"{LAPS}/<int:pk>/edit/",
        roundabout.IterationUpdateView.as_view(),
        name="iteration_update",
    ),
    path(
        f"{LAPS}/<int:pk>/decision/correct/",
        roundabout.LapDecisionCorrectView.as_view(),
        name="lap_decision_correct",
    ),
    path(
        f"{LAPS}/<int:pk>/attachments/new/",
        roundabout.IterationAttachmentCreateView.as_view(),
        name="iteration_attachment_create",
    ),
    path(
        f"{LAPS}/<int:pk>/attachments/<int:attachment_pk>/",
        roundabout.IterationAttachmentFileView.as_view(),
        name="iteration_attachment_file",
    ),
    path(f"{COMPONENTS}/new/", roundabout.ComponentCreateView.as_view(), name="component_create"),
    path(
        f"{COMPONENTS}/<int:pk>/edit/",
        roundabout.ComponentUpdateView.as_view(),
        name="component_update",
    ),
    path(
        f"{COMPONENTS}/<int:pk>/document/",
        roundabout.ComponentFileView.as_view(),
        name="component_file",
    ),
    # Phase IV
    path(f"{CONTINUATION}/", continuation.ContinuationView.as_view(), name="continuation"),
    path(
        f"{CONTINUATION}/assessment/",
        continuation.AssessmentUpdateView.as_view(),
        name="continuation_assessment",
    ),
    path(
        f"{CONTINUATION}/recommendation/",
        continuation.RecommendationView.as_view(),
        name="continuation_recommendation",
    ),
    path(
        f"{CONTINUATION}/decision/",
        continuation.DecisionView.as_view(),
        name="continuation_decision",
    ),
    path(
        f"{CONTINUATION}/ordinary/",
        continuation.MarkOrdinaryView.as_view(),
        name="continuation_mark_ordinary",
    ),
    path(
        f"{CONTINUATION}/stakeholders/new/",
        continuation.StakeholderInputCreateView.as_view(),
        name="stakeholder_input_create",
    ),
    path(
        f"{CONTINUATION}/stakeholders/<int:pk>/edit/",
        continuation.StakeholderInputUpdateView.as_view(),
        name="stakeholder_input_update",
    ),
    path(
        f"{CONTINUATION}/routines/new/",
        continuation.MaintenanceRoutineFormView.as_view(),
        name="maintenance_routine_create",
    ),
    path(
        f"{CONTINUATION}/routines/<int:pk>/edit/",
        continuation.MaintenanceRoutineFormView.as_view(),
        name="maintenance_routine_update",
    ),
    path(
        f"{CONTINUATION}/routines/<int:pk>/delete/",
        continuation.MaintenanceRoutineDeleteView.as_view(),
        name="maintenance_routine_delete",
    ),
    path(
        f"{CONTINUATION}/documents/new/",
        continuation.GoverningDocumentFormView.as_view(),
        name="governing_document_create",
    ),
    path(
        f"{CONTINUATION}/documents/<int:pk>/edit/",
        continuation.GoverningDocumentFormView.as_view(),
        name="governing_document_update",
    ),
]
