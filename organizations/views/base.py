"""What every page inside an organisation shares: login, the tenant, a declared permission."""

from __future__ import annotations

from typing import Any, TypeVar

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db import models
from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views import View

from organizations.models import Membership, Organization, User

M = TypeVar("M", bound=models.Model)


def user_of(request: HttpRequest) -> User:
    """The logged-in user, typed (every organisation view requires login)."""
    assert isinstance(request.user, User)  # noqa: S101 - login is required
    return request.user


def query_without_page(request: HttpRequest) -> str:
    """The request's query string without ``page``: pagination links keep the filters."""
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


class OrganizationViewMixin(View):
    """Base for every view under ``/o/<org_slug>/``.

    The middleware has already resolved ``request.organization`` (404 for outsiders); this
    mixin sends anonymous visitors to the login page and checks the view's declared
    ``permission_required`` against the organisation or the object in hand (403).
    """

    permission_required: str = ""
    organization: Organization
    membership: Membership

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not self.permission_required:
            raise ImproperlyConfigured(f"{type(self).__name__} declares no permission_required")
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        self.organization = request.organization  # type: ignore[attr-defined]
        self.membership = request.membership  # type: ignore[attr-defined]
        self.load_objects()
        if not request.user.has_perm(self.permission_required, self.get_permission_object()):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def load_objects(self) -> None:
        """Hook: load the objects the permission is checked against (404 if not found).

        Runs after login and tenant checks, before the permission check."""

    def get_permission_object(self) -> Any:
        return self.organization

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context: dict[str, Any] = super().get_context_data(**kwargs)  # type: ignore[misc]
        context["organization"] = self.organization
        context["membership"] = self.membership
        return context

    def get_for_organization(self, queryset: models.QuerySet[M], **lookup: Any) -> M:
        """An object of this organisation or 404: never an object of another tenant."""
        return get_object_or_404(queryset, organization=self.organization, **lookup)


class ArchiveView(OrganizationViewMixin, View):
    """POST only: archives (``archive = True``) or restores one object. Users never delete
    records; archived ones drop out of lists and keep their history."""

    archive = True
    http_method_names = ["post"]

    def get_archivable(self) -> Any:
        raise NotImplementedError

    def get_success_url(self, obj: Any) -> str:
        url: str = obj.get_absolute_url()
        return url

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        obj = self.get_archivable()
        obj.is_archived = self.archive
        obj.save(update_fields=["is_archived", "updated_at"])
        text = _("%(name)s is archived.") if self.archive else _("%(name)s is restored.")
        messages.success(request, text % {"name": obj})
        return redirect(self.get_success_url(obj))
