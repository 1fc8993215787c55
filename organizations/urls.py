"""Pages of one organisation, mounted under ``/o/<org_slug>/``."""

from django.urls import path

from organizations.views import audit, members, organization, units

urlpatterns = [
    path("", organization.OrganizationHomeView.as_view(), name="organization_home"),
    path(
        "settings/", organization.OrganizationSettingsView.as_view(), name="organization_settings"
    ),
    path(
        "accessibility/",
        organization.OrganizationAccessibilityView.as_view(),
        name="organization_accessibility_statement",
    ),
    path("audit/", audit.AuditTrailView.as_view(), name="audit_trail"),
    path("members/", members.MemberListView.as_view(), name="member_list"),
    path("members/invite/", members.InviteMemberView.as_view(), name="member_invite"),
    path("members/<int:pk>/role/", members.MembershipRoleView.as_view(), name="membership_role"),
    path(
        "members/<int:pk>/deactivate/",
        members.MembershipActivationView.as_view(activate=False),
        name="membership_deactivate",
    ),
    path(
        "members/<int:pk>/reactivate/",
        members.MembershipActivationView.as_view(activate=True),
        name="membership_reactivate",
    ),
    path(
        "invitations/<int:pk>/revoke/",
        members.InvitationRevokeView.as_view(),
        name="invitation_revoke",
    ),
    path("units/", units.UnitListView.as_view(), name="unit_list"),
    path("units/new/", units.UnitCreateView.as_view(), name="unit_create"),
    path("units/<int:pk>/edit/", units.UnitUpdateView.as_view(), name="unit_update"),
    path(
        "units/<int:pk>/archive/", units.UnitArchiveView.as_view(archive=True), name="unit_archive"
    ),
    path(
        "units/<int:pk>/restore/", units.UnitArchiveView.as_view(archive=False), name="unit_restore"
    ),
]
