"""Files prepared in the background, mounted under ``/o/<org_slug>/``."""

from django.urls import path

from filejobs import views

urlpatterns = [
    path("audit/export/", views.AuditTrailExportView.as_view(), name="audit_trail_export"),
    path("files/<int:pk>/", views.FileJobView.as_view(), name="file_job"),
    path("files/<int:pk>/download/", views.FileJobDownloadView.as_view(), name="file_job_download"),
]
