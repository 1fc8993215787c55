"""Which writes bump which organisation's data version (dataversion/versions.py).

Watched: every model of the audit trail (``settings.AUDIT_TRAIL``, which every domain model
with a history must join, so a new model is watched from the day it is registered), plus
the few rows without a history that the dashboard or the feeds read (``EXTRA``), and people
(their names appear on both; their language and reminder days are part of the feed's key).

A save, a delete and a change of a many-to-many set send signals; queryset ``update()``,
``bulk_create`` and raw SQL do not, so the code paths that use them call ``bump_on_commit``
themselves (docs/caching.md lists them, and tests/dataversion/test_invalidation.py holds one test
for each).

A record is tied to its organisation the way the audit trail ties it: a field, a path of
foreign keys, or its parent's entry. When that cannot be followed (a parent already gone),
the epoch is bumped instead: every organisation builds afresh, which is never wrong.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.db.models.signals import m2m_changed, post_delete, post_save

from dataversion import versions

# Rows without a history of their own that the dashboard or a feed reads: how they reach
# their organisation, in the audit trail's terms.
EXTRA: dict[str, dict[str, Any]] = {
    "phases.PhaseTransition": {"parent": "measure"},
    # Shown on the measure page (measures/page_cache.py), which has no history of their own.
    "measures.Comment": {"parent": "measure"},
    "measures.LogicLink": {"parent": "measure"},
    "measures.Tag": {"organization": "organization"},
}
# A person's save touches the content only through these fields (the name shown as
# responsible or as who decided, and whether they count at all); logging in, choosing an
# organisation or a password change do not.
USER_FIELDS = frozenset({"full_name", "email", "is_active"})

# label_lower → ("organization", fields) | ("parent", field)
_ROUTES: dict[str, tuple[str, tuple[str, ...]]] = {}


def _route(entry: dict[str, Any]) -> tuple[str, tuple[str, ...]]:
    if entry.get("parent"):
        return ("parent", (entry["parent"],))
    value = entry["organization"]
    return ("organization", (value,) if isinstance(value, str) else tuple(value))


def routes() -> dict[str, tuple[str, tuple[str, ...]]]:
    if not _ROUTES:
        for label, entry in [
            *((e["model"], e) for e in settings.AUDIT_TRAIL),
            *EXTRA.items(),
        ]:
            _ROUTES[apps.get_model(label)._meta.label_lower] = _route(entry)
    return _ROUTES


def _follow(instance: models.Model, path: str) -> int | None:
    """The organisation id at the end of ``path`` ("id", "organization",
    "transition__measure__organization")."""
    if path == "id":
        return int(instance.pk) if instance.pk is not None else None
    *hops, last = path.split("__")
    current: Any = instance
    for hop in hops:
        current = getattr(current, hop)
        if current is None:
            return None
    value = getattr(current, f"{last}_id")
    return int(value) if value is not None else None


def organizations_of(instance: models.Model) -> set[int] | None:
    """The organisations a record belongs to; None when that cannot be found out."""
    route = routes().get(instance._meta.label_lower)
    if route is None:
        return set()
    how, fields = route
    try:
        if how == "parent":
            parent = getattr(instance, fields[0])
            return organizations_of(parent) if parent is not None else set()
        found = {_follow(instance, path) for path in fields}
    except ObjectDoesNotExist:
        return None
    return {pk for pk in found if pk is not None}


def bump_for(instance: models.Model) -> None:
    found = organizations_of(instance)
    if found is None:
        versions.bump_everything_on_commit()
    else:
        versions.bump_on_commit(found)


def _saved(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    if kwargs.get("raw"):
        return  # loaddata: the loader says when it is done (bump_data_versions)
    bump_for(instance)


def _deleted(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    bump_for(instance)


def _user_saved(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    fields = kwargs.get("update_fields")
    if kwargs.get("raw") or (fields is not None and not USER_FIELDS & set(fields)):
        return
    bump_user(instance.pk)


def bump_user(user_id: int) -> None:
    """Every organisation the person is a member of: their name shows on its content."""
    from organizations.models import Membership

    versions.bump_on_commit(
        Membership.objects.filter(user_id=user_id).values_list("organization_id", flat=True)
    )


def _set_changed(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    if not kwargs["action"].startswith("post_"):
        return
    if instance._meta.label_lower in routes():
        bump_for(instance)
    else:
        # Changed from the other side (a unit's programmes): the chosen rows know their
        # organisation.
        model = kwargs["model"]
        if model._meta.label_lower in routes() and kwargs["pk_set"] is None:
            versions.bump_everything_on_commit()  # a set cleared: which rows is not said
        elif model._meta.label_lower in routes():
            for chosen in model._default_manager.filter(pk__in=kwargs["pk_set"] or ()):
                bump_for(chosen)


def connect() -> None:
    for label in routes():
        model = apps.get_model(label)
        uid = f"dataversion:{label}"
        post_save.connect(_saved, sender=model, dispatch_uid=uid)
        post_delete.connect(_deleted, sender=model, dispatch_uid=uid)
    post_save.connect(_user_saved, sender=get_user_model(), dispatch_uid="dataversion:user")
    m2m_changed.connect(_set_changed, dispatch_uid="dataversion:m2m")
