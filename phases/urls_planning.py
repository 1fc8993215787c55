"""URLs of phase I (prepare) and phase II (plan), mounted under /o/<org_slug>/ (see
phases/urls.py)."""

from django.urls import URLPattern, path

from phases.views import planning

M = "measures/<int:measure_pk>"
PLAN = f"{M}/plan"

urlpatterns: list[URLPattern] = [
    path(f"{M}/prepare/", planning.PreparationView.as_view(), name="preparation"),
    path(f"{M}/prepare/decision/", planning.DecisionView.as_view(), name="preparation_decision"),
    path(f"{PLAN}/", planning.PlanView.as_view(), name="implementation_plan"),
    path(f"{PLAN}/edit/", planning.PlanUpdateView.as_view(), name="plan_update"),
    path(
        f"{PLAN}/activities/new/",
        planning.ActivityCreateView.as_view(),
        name="planned_activity_create",
    ),
    path(
        f"{PLAN}/activities/<int:pk>/edit/",
        planning.ActivityUpdateView.as_view(),
        name="planned_activity_update",
    ),
    path(
        f"{PLAN}/activities/<int:pk>/delete/",
        planning.ActivityDeleteView.as_view(),
        name="planned_activity_delete",
    ),
    path(f"{PLAN}/roles/new/", planning.RoleCreateView.as_view(), name="plan_role_create"),
    path(
        f"{PLAN}/roles/<int:pk>/edit/", planning.RoleUpdateView.as_view(), name="plan_role_update"
    ),
    path(
        f"{PLAN}/roles/<int:pk>/delete/",
        planning.RoleDeleteView.as_view(),
        name="plan_role_delete",
    ),
    path(f"{PLAN}/budget/new/", planning.BudgetLineCreateView.as_view(), name="budget_line_create"),
    path(
        f"{PLAN}/budget/<int:pk>/edit/",
        planning.BudgetLineUpdateView.as_view(),
        name="budget_line_update",
    ),
    path(
        f"{PLAN}/budget/<int:pk>/delete/",
        planning.BudgetLineDeleteView.as_view(),
        name="budget_line_delete",
    ),
]
