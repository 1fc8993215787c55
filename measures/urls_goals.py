"""URLs of this area, mounted under /o/<org_slug>/ (see measures/urls.py)."""

from django.urls import URLPattern, path

from measures.views import goals

M = "measures/<int:measure_pk>"

urlpatterns: list[URLPattern] = [
    path(f"{M}/goals/new/", goals.GoalCreateView.as_view(), name="goal_create"),
    path(f"{M}/goals/<int:pk>/edit/", goals.GoalUpdateView.as_view(), name="goal_update"),
    path(f"{M}/goals/<int:pk>/judge/", goals.GoalJudgeView.as_view(), name="goal_judge"),
    path(f"{M}/goals/<int:pk>/move/", goals.GoalMoveView.as_view(), name="goal_move"),
    path(f"{M}/goals/<int:pk>/delete/", goals.GoalDeleteView.as_view(), name="goal_delete"),
    path(
        f"{M}/goals/<int:goal_pk>/indicators/new/",
        goals.IndicatorCreateView.as_view(),
        name="indicator_create",
    ),
    path(f"{M}/indicators/<int:pk>/", goals.IndicatorDetailView.as_view(), name="indicator_detail"),
    path(
        f"{M}/indicators/<int:pk>/edit/",
        goals.IndicatorUpdateView.as_view(),
        name="indicator_update",
    ),
    path(
        f"{M}/indicators/<int:pk>/delete/",
        goals.IndicatorDeleteView.as_view(),
        name="indicator_delete",
    ),
    path(
        f"{M}/indicators/<int:indicator_pk>/measurements/new/",
        goals.MeasurementCreateView.as_view(),
        name="measurement_create",
    ),
    path(
        f"{M}/indicators/<int:indicator_pk>/measurements/<int:pk>/edit/",
        goals.MeasurementUpdateView.as_view(),
        name="measurement_update",
    ),
    path(
        f"{M}/indicators/<int:indicator_pk>/measurements/<int:pk>/delete/",
        goals.MeasurementDeleteView.as_view(),
        name="measurement_delete",
    ),
    path(
        f"{M}/future-pictures/new/",
        goals.FuturePictureCreateView.as_view(),
        name="future_picture_create",
    ),
    path(
        f"{M}/future-pictures/<int:pk>/edit/",
        goals.FuturePictureUpdateView.as_view(),
        name="future_picture_update",
    ),
    path(
        f"{M}/future-pictures/<int:pk>/delete/",
        goals.FuturePictureDeleteView.as_view(),
        name="future_picture_delete",
    ),
]
