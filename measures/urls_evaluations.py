"""URLs of this area, mounted under /o/<org_slug>/ (see measures/urls.py)."""

from django.urls import URLPattern, path

from measures.views import evaluations

urlpatterns: list[URLPattern] = [
    path(
        "measures/<int:measure_pk>/evaluation-cycle/",
        evaluations.EvaluationCycleView.as_view(),
        name="evaluation_cycle",
    ),
    path(
        "measures/<int:measure_pk>/evaluations/new/",
        evaluations.EvaluationCreateView.as_view(),
        name="evaluation_create",
    ),
    path(
        "measures/<int:measure_pk>/evaluations/<int:pk>/",
        evaluations.EvaluationDetailView.as_view(),
        name="evaluation_detail",
    ),
    path(
        "measures/<int:measure_pk>/evaluations/<int:pk>/correct/",
        evaluations.EvaluationCorrectView.as_view(),
        name="evaluation_correct",
    ),
    path("exchange/", evaluations.ExchangeView.as_view(), name="exchange"),
    path(
        "import/measurements/",
        evaluations.MeasurementImportView.as_view(),
        name="measurement_import",
    ),
    *(
        path(
            f"export/{dataset}.{file_format}",
            evaluations.ExportView.as_view(dataset=dataset, file_format=file_format),
            name=f"export_{dataset}_{file_format}",
        )
        for dataset in ("measures", "indicators", "measurements")
        for file_format in ("csv", "xlsx")
    ),
]
