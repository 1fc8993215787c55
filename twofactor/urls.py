"""The second factor: under /accounts/two-factor/, and the administrator's reset of a member."""

from django.urls import path

from twofactor import views

account_urlpatterns = [
    path("two-factor/", views.VerifyView.as_view(), name="two_factor_verify"),
    path("two-factor/setup/", views.SetupView.as_view(), name="two_factor_setup"),
    path(
        "two-factor/recovery-codes/",
        views.RecoveryCodesView.as_view(),
        name="two_factor_recovery_codes",
    ),
    path(
        "two-factor/recovery-codes.txt",
        views.RecoveryCodesDownloadView.as_view(),
        name="two_factor_recovery_codes_download",
    ),
    path(
        "two-factor/recovery-codes/renew/",
        views.RecoveryCodesRenewView.as_view(),
        name="two_factor_recovery_codes_renew",
    ),
    path("two-factor/off/", views.TurnOffView.as_view(), name="two_factor_turn_off"),
]

organization_urlpatterns = [
    path(
        "members/<int:pk>/two-factor/reset/",
        views.MemberResetView.as_view(),
        name="two_factor_member_reset",
    ),
]
