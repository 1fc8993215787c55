"""Sign-in through identity providers: the organisation's settings pages (mounted under
``/o/<org_slug>/``) and the two ends of a sign-in (under ``/accounts/sso/``)."""

from django.urls import path

from sso.views import oidc, settings

urlpatterns = [
    path("sign-in/", settings.SignInSettingsView.as_view(), name="sso_settings"),
    path("sign-in/new/", settings.ProviderCreateView.as_view(), name="sso_provider_create"),
    path("sign-in/<int:pk>/", settings.ProviderUpdateView.as_view(), name="sso_provider_update"),
]

account_urlpatterns = [
    path("accounts/sso/<int:pk>/start/", oidc.start, name="sso_start"),
    path("accounts/sso/callback/", oidc.callback, name="sso_callback"),
]
