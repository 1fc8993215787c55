"""Status dashboard and reports, mounted under ``/o/<org_slug>/``; the share links' public
pages are in ``public_urlpatterns`` (mounted at the site's root: no organisation, no login)."""

from django.urls import path

from organizations.throttle import guard_tokens
from reports.views import dashboard, published, reports, sharing

urlpatterns = [
    path("status/", dashboard.DashboardView.as_view(), name="status_dashboard"),
    path(
        "status/measures/<int:measure_pk>/summary/",
        dashboard.MeasureSummaryView.as_view(),
        name="measure_summary",
    ),
    path("reports/", reports.ReportListView.as_view(), name="report_list"),
    path("reports/new/", reports.ReportCreateView.as_view(), name="report_create"),
    path("reports/<int:pk>/", reports.ReportDetailView.as_view(), name="report_detail"),
    path("reports/<int:pk>/edit/", reports.ReportUpdateView.as_view(), name="report_update"),
    path(
        "reports/<int:pk>/comments/",
        reports.ReportCommentsView.as_view(),
        name="report_comments",
    ),
    path("reports/<int:pk>/preview/", reports.ReportPreviewView.as_view(), name="report_preview"),
    path("reports/<int:pk>/publish/", reports.ReportPublishView.as_view(), name="report_publish"),
    path("published/<int:pk>/", published.PublishedReportView.as_view(), name="published_report"),
    path(
        "published/<int:pk>/pdf/",
        published.PublishedReportPdfView.as_view(),
        name="published_report_pdf",
    ),
    path(
        "published/<int:pk>/pdf/retry/",
        published.PublishedReportPdfRetryView.as_view(),
        name="published_report_pdf_retry",
    ),
    path(
        "published/<int:pk>/compare/",
        published.PublishedReportCompareView.as_view(),
        name="published_report_compare",
    ),
    path(
        "published/<int:pk>/share/",
        sharing.ShareLinkListView.as_view(),
        name="share_link_list",
    ),
    path(
        "share-links/<int:pk>/revoke/",
        sharing.ShareLinkRevokeView.as_view(),
        name="share_link_revoke",
    ),
]

public_urlpatterns = [
    # Every wrong token counts against the client's address (organizations/throttle.py).
    path("r/<str:token>/", guard_tokens(sharing.SharedReportView.as_view()), name="shared_report"),
    path(
        "r/<str:token>/pdf/",
        guard_tokens(sharing.SharedReportPdfView.as_view()),
        name="shared_report_pdf",
    ),
]
