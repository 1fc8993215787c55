"""URLs of this area, mounted under /o/<org_slug>/ (see phases/urls.py): the gate and the
assessments of one measure, and the organisation's success factors."""

from django.urls import URLPattern, path

from phases.views import assess_phase, gates

urlpatterns: list[URLPattern] = [
    path("measures/<int:measure_pk>/phase/", gates.PhaseGateView.as_view(), name="phase_gate"),
    path(
        "measures/<int:measure_pk>/phase/review/",
        gates.GateReviewRequestView.as_view(),
        name="gate_review_request",
    ),
    path(
        "measures/<int:measure_pk>/phase/register/",
        gates.PhaseRegisterView.as_view(),
        name="phase_register",
    ),
    path(
        "measures/<int:measure_pk>/phase/moves/<int:pk>/correct/",
        gates.TransitionCorrectView.as_view(),
        name="transition_correct",
    ),
    path(
        "measures/<int:measure_pk>/phase/<int:phase>/assess/",
        assess_phase.PhaseAssessView.as_view(),
        name="phase_assess",
    ),
    path(
        "measures/<int:measure_pk>/factors/<int:factor_pk>/assess/",
        gates.FactorAssessView.as_view(),
        name="factor_assess",
    ),
    path(
        "measures/<int:measure_pk>/factors/<int:factor_pk>/evidence/",
        gates.FactorEvidenceView.as_view(),
        name="factor_evidence",
    ),
    path("factors/", gates.FactorListView.as_view(), name="factor_list"),
    path("factors/new/", gates.FactorCreateView.as_view(), name="factor_create"),
    path("factors/<int:pk>/edit/", gates.FactorUpdateView.as_view(), name="factor_update"),
    path(
        "factors/<int:pk>/retire/",
        gates.FactorRetireView.as_view(retire=True),
        name="factor_retire",
    ),
    path(
        "factors/<int:pk>/restore/",
        gates.FactorRetireView.as_view(retire=False),
        name="factor_restore",
    ),
]
