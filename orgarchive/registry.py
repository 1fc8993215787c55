"""Which models an organisation archive holds, found from the app registry.

The rule (docs/backup.md, "When you add a model"): a model whose rows reach `Organization`
through foreign keys is exported automatically, with its history table. Any other model must
be named in `EXCLUDED` with the reason, and `tests/orgarchive/test_registry.py` fails for a
model that is neither. A model that reaches `Organization` but must not travel may also be
named in `EXCLUDED`.

Each exported model has one *owner* key, the foreign key that says which organisation a row
belongs to: the key named `organization` when there is one, else the first key (in field
order) to another exported model, non-null keys first. A history table's owner is its
record's owner key; a history table of a many-to-many set is owned by its `history` key.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import models

from organizations.models import Organization

# Models outside the archive, each with the reason. Users are handled on their own (matched by
# email on import); everything else here belongs to a person or to the installation, not to an
# organisation, or is a secret that must not leave the installation.
EXCLUDED: dict[str, str] = {
    "auth.Permission": "installation-wide: created by migrations",
    "auth.Group": "installation-wide: not used for organisations",
    "auth.Group_permissions": "installation-wide: not used for organisations",
    "contenttypes.ContentType": "installation-wide: created by migrations",
    "sessions.Session": "sign-ins, not data: people sign in again",
    "otp_totp.TOTPDevice": "a person's second factor, a secret: set up again after a move",
    "otp_static.StaticDevice": "a person's backup codes, a secret",
    "otp_static.StaticToken": "a person's backup codes, a secret",
    "axes.AccessFailureLog": "sign-in attempts of the installation, kept where they happened",
    "axes.AccessAttempt": "sign-in attempts of the installation, kept where they happened",
    "axes.AccessAttemptExpiration": "sign-in attempts of the installation",
    "axes.AccessLog": "sign-in attempts of the installation, kept where they happened",
    "organizations.User": "global: exported separately, matched by email on import",
    "organizations.User_groups": "installation-wide permissions, not used for organisations",
    "organizations.User_user_permissions": "installation-wide permissions, not used",
    "formonce.FormClaim": "one-time form tokens of a person, short-lived",
    "usersessions.UserSession": "sign-ins, not data: people sign in again",
    "usersessions.EndedSession": "ended sign-ins of the installation, short-lived",
    "yearwheel.CalendarSubscription": "a person's private feed token across organisations",
    "health.Heartbeat": "the installation's own periodic tasks",
    "filejobs.FileJob": "a person's export file, made again on request, kept for days",
    "outbox.Email": "mail waiting in this installation, sent from here; bodies hold sign-in links",
}


def _label(model: type[models.Model]) -> str:
    return model._meta.label


def is_historical(model: type[models.Model]) -> bool:
    """A django-simple-history table of one model (not of a many-to-many set)."""
    return hasattr(model, "instance_type") and _has_field(model, "history_id")


def is_m2m_history(model: type[models.Model]) -> bool:
    return _has_field(model, "m2m_history_id")


def _has_field(model: type[models.Model], name: str) -> bool:
    return any(f.name == name for f in model._meta.concrete_fields)


def has_constraint(fk: models.ForeignKey[Any, Any]) -> bool:
    """False for the keys of history tables, which may name rows deleted since."""
    return bool(getattr(fk, "db_constraint", True))


def relation_fields(
    model: type[models.Model],
) -> list[models.ForeignKey[models.Model, models.Model]]:
    return [f for f in model._meta.concrete_fields if isinstance(f, models.ForeignKey)]


@dataclass
class ModelPlan:
    """How one exported model's rows are found and restored."""

    model: type[models.Model]
    owner: str | None  # attname of the owner key; None for Organization itself
    owner_model: type[models.Model] | None
    # For a history table: the model it records (its `id` column holds that model's keys).
    record_model: type[models.Model] | None = None
    file_fields: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        return _label(self.model)


def _owner_field(
    model: type[models.Model], owned: set[type[models.Model]]
) -> models.ForeignKey[models.Model, models.Model] | None:
    fks = [f for f in relation_fields(model) if f.related_model in owned]
    if is_m2m_history(model):
        return next((f for f in fks if f.name == "history"), None)
    if is_historical(model):
        record_model = model.instance_type  # type: ignore[attr-defined]
        owner = _owner_field(record_model, owned)
        return next((f for f in fks if owner and f.name == owner.name), None)
    for f in fks:
        if f.name == "organization" and f.related_model is Organization:
            return f
    return next((f for f in fks if not f.null), None) or next(iter(fks), None)


@cache
def export_plans() -> tuple[ModelPlan, ...]:
    """Every exported model, each after the model that owns it."""
    candidates = [
        m
        for m in apps.get_models(include_auto_created=True)
        if _label(m) not in EXCLUDED and not m._meta.proxy
    ]
    owned: set[type[models.Model]] = {Organization}
    plans = [ModelPlan(model=Organization, owner=None, owner_model=None)]
    # Grow the owned set one layer at a time, so every owner comes before what it owns (and a
    # record's table before its history table, whose owner may be a deleted record).
    while True:
        layer = []
        for model in candidates:
            if model in owned:
                continue
            owner = _owner_field(model, owned)
            if owner is None:
                continue
            if is_historical(model) and model.instance_type not in owned:  # type: ignore[attr-defined]
                continue
            layer.append((model, owner))
        if not layer:
            break
        for model, owner in layer:
            owned.add(model)
            plans.append(
                ModelPlan(
                    model=model,
                    owner=owner.attname,
                    owner_model=owner.related_model,  # type: ignore[arg-type]
                    record_model=model.instance_type if is_historical(model) else None,  # type: ignore[attr-defined]
                    file_fields=[
                        f.attname
                        for f in model._meta.concrete_fields
                        if isinstance(f, models.FileField)
                    ],
                )
            )
    # Organization's own history: owned through its `id` column, handled by the exporter.
    history = Organization.history.model
    plans.append(
        ModelPlan(model=history, owner="id", owner_model=Organization, record_model=Organization)
    )
    return tuple(plans)


def unclassified_models() -> list[str]:
    """Models neither exported nor excluded: a new model whose place must be decided."""
    exported = {plan.label for plan in export_plans()}
    return sorted(
        _label(m)
        for m in apps.get_models(include_auto_created=True)
        if _label(m) not in exported and _label(m) not in EXCLUDED and not m._meta.proxy
    )


def user_model() -> type[models.Model]:
    return apps.get_model(settings.AUTH_USER_MODEL)
