from django.conf import settings
from django.contrib.auth import views as auth_views
from django.urls import include, path

from health import views as health_views
from notifications.urls import personal_urlpatterns as notification_patterns
from organizations.throttle import guard_tokens
from organizations.views import accounts, organization, public
from reports.urls import public_urlpatterns as shared_report_patterns
from signin import views as signin
from sso.urls import account_urlpatterns as sso_patterns
from sso.views import login as sso_login
from twofactor.urls import account_urlpatterns as two_factor_patterns
from twofactor.urls import organization_urlpatterns as two_factor_member_patterns
from usersessions.urls import account_urlpatterns as session_patterns
from yearwheel.urls import account_urlpatterns as calendar_patterns

account_patterns = [
    # Email first: single sign-on for organisations that have it, else the password.
    path("login/", sso_login.LoginView.as_view(), name="login"),
    path("logout/", sso_login.LogoutView.as_view(), name="logout"),
    path("password/", signin.PasswordChangeView.as_view(), name="password_change"),
    path(
        "password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("password/reset/", signin.PasswordResetView.as_view(), name="password_reset"),
    path(
        "password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        signin.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("profile/", accounts.ProfileView.as_view(), name="profile"),
    *two_factor_patterns,
]

# A request refused before any view (too large, too many fields): a page in the person's
# language inside the product, naming the limit (organizations/views/errors.py).
handler400 = "organizations.views.errors.bad_request"

urlpatterns = [
    path("", public.home, name="home"),
    path("healthz", health_views.healthz, name="healthz"),
    path("csp-report", public.csp_report, name="csp_report"),
    path("language/", public.set_language, name="set_language"),
    path(
        "accessibility/",
        public.AccessibilityStatementView.as_view(),
        name="accessibility_statement",
    ),
    path("accounts/", include(account_patterns)),
    path(
        "invitations/<str:token>/",
        guard_tokens(accounts.InvitationAcceptView.as_view()),
        name="invitation_accept",
    ),
    path("o/", organization.OrganizationListView.as_view(), name="organization_list"),
    path("o/<slug:org_slug>/", include("organizations.urls")),
    path("o/<slug:org_slug>/", include("filejobs.urls")),
    path("o/<slug:org_slug>/", include("measures.urls")),
    path("o/<slug:org_slug>/", include("phases.urls")),
    path("o/<slug:org_slug>/", include("yearwheel.urls")),
    path("o/<slug:org_slug>/", include("reflections.urls")),
    path("o/<slug:org_slug>/", include("reports.urls")),
    path("o/<slug:org_slug>/", include("notifications.urls")),
    path("o/<slug:org_slug>/", include(two_factor_member_patterns)),
    path("o/<slug:org_slug>/", include("signin.urls")),
    path("o/<slug:org_slug>/", include("sso.urls")),
    *sso_patterns,
    path("o/<slug:org_slug>/", include("usersessions.urls")),
    *calendar_patterns,
    *notification_patterns,
    *session_patterns,
    *shared_report_patterns,
]

if settings.BENCH_FLOOR_PAGE:
    # Only in the benchmark's own server (bench/, docs/performance.md); no product page links here.
    urlpatterns.append(path("o/<slug:org_slug>/", include("bench.urls")))
