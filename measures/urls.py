"""Programmes and measures, mounted under ``/o/<org_slug>/``.

Each area keeps its own URL module; all of them are included here.
"""

from django.urls import include, path

from measures.views import (
    adoption,
    lookups,
    measures,
    partners,
    partnerships,
    programs,
    transitions,
)

urlpatterns = [
    path("programs/", programs.ProgramListView.as_view(), name="program_list"),
    path("programs/new/", programs.ProgramCreateView.as_view(), name="program_create"),
    path("programs/<int:pk>/", programs.ProgramDetailView.as_view(), name="program_detail"),
    path("programs/<int:pk>/edit/", programs.ProgramUpdateView.as_view(), name="program_update"),
    path(
        "programs/<int:pk>/archive/",
        programs.ProgramArchiveView.as_view(archive=True),
        name="program_archive",
    ),
    path(
        "programs/<int:pk>/restore/",
        programs.ProgramArchiveView.as_view(archive=False),
        name="program_restore",
    ),
    path("measures/", measures.MeasureListView.as_view(), name="measure_list"),
    path("measures/lookup/", lookups.MeasureLookupView.as_view(), name="measure_lookup"),
    path("measures/leads/lookup/", lookups.LeadLookupView.as_view(), name="lead_lookup"),
    path("measures/new/", measures.MeasureCreateView.as_view(), name="measure_create"),
    path("measures/<int:measure_pk>/", measures.MeasureDetailView.as_view(), name="measure_detail"),
    path(
        "measures/<int:measure_pk>/edit/",
        measures.MeasureUpdateView.as_view(),
        name="measure_update",
    ),
    path(
        "measures/<int:measure_pk>/archive/",
        measures.MeasureArchiveView.as_view(archive=True),
        name="measure_archive",
    ),
    path(
        "measures/<int:measure_pk>/restore/",
        measures.MeasureArchiveView.as_view(archive=False),
        name="measure_restore",
    ),
    path(
        "measures/<int:measure_pk>/comments/",
        measures.CommentCreateView.as_view(),
        name="measure_comment",
    ),
    path(
        "measures/<int:measure_pk>/contributors/",
        measures.ExternalContributorAddView.as_view(),
        name="external_contributor_add",
    ),
    path(
        "measures/<int:measure_pk>/contributors/<int:pk>/remove/",
        measures.ExternalContributorRemoveView.as_view(),
        name="external_contributor_remove",
    ),
    path(
        "measures/<int:measure_pk>/transitions/new/",
        transitions.TransitionAddView.as_view(),
        name="measure_transition_add",
    ),
    path(
        "measures/<int:measure_pk>/transitions/<int:pk>/remove/",
        transitions.TransitionRemoveView.as_view(),
        name="measure_transition_remove",
    ),
    path("shared/", partners.SharedProgramListView.as_view(), name="shared_program_list"),
    path(
        "shared/programs/<int:pk>/",
        partners.SharedProgramDetailView.as_view(),
        name="shared_program_detail",
    ),
    path(
        "shared/measures/<int:measure_pk>/",
        partners.SharedMeasureDetailView.as_view(),
        name="shared_measure_detail",
    ),
    path(
        "shared/measures/<int:measure_pk>/comments/",
        partners.SharedMeasureCommentView.as_view(),
        name="shared_measure_comment",
    ),
    path(
        "measures/<int:measure_pk>/template/",
        adoption.MeasureTemplateView.as_view(),
        name="measure_template",
    ),
    path("partnerships/", partnerships.PartnershipListView.as_view(), name="partnership_list"),
    path(
        "partnerships/invite/",
        partnerships.PartnershipInviteView.as_view(),
        name="partnership_invite",
    ),
    path(
        "partnerships/<int:pk>/accept/",
        partnerships.PartnershipAnswerView.as_view(accept=True),
        name="partnership_accept",
    ),
    path(
        "partnerships/<int:pk>/decline/",
        partnerships.PartnershipAnswerView.as_view(accept=False),
        name="partnership_decline",
    ),
    path(
        "partnerships/<int:pk>/end/",
        partnerships.PartnershipEndView.as_view(),
        name="partnership_end",
    ),
    path(
        "partnerships/<int:pk>/sharing/",
        partnerships.PartnershipSharingView.as_view(),
        name="partnership_sharing",
    ),
    path("", include("measures.urls_goals")),
    path("", include("measures.urls_logic")),
    path("", include("measures.urls_evaluations")),
]
