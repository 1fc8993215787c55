"""Writing one organisation to an archive (`manage.py export_org`, docs/backup.md)."""

from __future__ import annotations

import hashlib
import json
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.db import models
from django.utils import timezone

from organizations.models import Organization, Unit
from orgarchive.archive import (
    FORMAT_NAME,
    FORMAT_VERSION,
    MANIFEST,
    USERS,
    ArchiveError,
    data_path,
    file_path,
    schema_state,
    to_json,
)
from orgarchive.collect import organisation_rows
from orgarchive.registry import ModelPlan, relation_fields, user_model

# What a user row carries: enough to match or create the person, never a password or a
# permission of the installation.
USER_FIELDS = ["id", "email", "full_name", "language", "is_active", "date_joined",
               "reminder_days", "digest_weekday"]  # fmt: skip


@dataclass
class ExportResult:
    counts: dict[str, int] = field(default_factory=dict)
    files: int = 0
    missing_files: list[str] = field(default_factory=list)
    users: int = 0


def storage_of(plan: ModelPlan, attname: str) -> Any:
    """The storage of a file column; a history table uses its record's field."""
    model = plan.record_model or plan.model
    return model._meta.get_field(attname).storage  # type: ignore[union-attr]


def file_columns(plan: ModelPlan) -> list[str]:
    """File columns of a model, and of a history table the columns that copy them."""
    model = plan.record_model or plan.model
    return [f.attname for f in model._meta.concrete_fields if isinstance(f, models.FileField)]


def export_organization(organization: Organization, target: str | Path | IO[bytes]) -> ExportResult:
    result = ExportResult()
    digests: dict[str, str] = {}
    user_ids: set[Any] = set()
    other_orgs: set[Any] = set()
    # Units named by key: a measure's transitions between services may name a partner's unit.
    unit_refs: set[Any] = set()
    files: dict[str, Any] = {}  # name in storage -> storage
    User = user_model()

    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:

        def write(path: str, content: bytes) -> None:
            digests[path] = hashlib.sha256(content).hexdigest()
            archive.writestr(path, content)

        for plan, names, rows in organisation_rows(organization):
            for fk in relation_fields(plan.model):
                index = names.index(fk.attname)
                if fk.related_model is User:
                    user_ids.update(row[index] for row in rows if row[index] is not None)
                elif fk.related_model is Organization:
                    other_orgs.update(row[index] for row in rows if row[index] is not None)
                elif fk.related_model is Unit:
                    unit_refs.update(row[index] for row in rows if row[index] is not None)
            for attname in file_columns(plan):
                if attname in names:
                    index = names.index(attname)
                    for row in rows:
                        if row[index]:
                            files.setdefault(row[index], storage_of(plan, attname))
            content = {"fields": names, "rows": [list(row) for row in rows]}
            write(data_path(plan.label), json.dumps(content, default=to_json).encode())
            result.counts[plan.label] = len(rows)

        users = list(
            User._base_manager.filter(pk__in=user_ids).order_by("pk").values_list(*USER_FIELDS)
        )
        write(USERS, json.dumps({"fields": USER_FIELDS, "rows": users}, default=to_json).encode())
        result.users = len(users)

        for name, storage in sorted(files.items()):
            if not storage.exists(name):
                result.missing_files.append(name)
                continue
            with storage.open(name, "rb") as handle:
                write(file_path(name), handle.read())
            result.files += 1

        # Another organisation's units travel as (organisation, name): the import finds them
        # again in the target database, as it finds the organisations.
        outside_units = {
            str(pk): {"organization": org_pk, "name": name}
            for pk, org_pk, name in Unit.objects.filter(pk__in=unit_refs)
            .exclude(organization=organization)
            .values_list("pk", "organization_id", "name")
        }
        other_orgs.update(unit["organization"] for unit in outside_units.values())
        other_orgs.discard(organization.pk)
        external = {
            str(pk): {"slug": slug, "number": number, "name": name}
            for pk, slug, number, name in Organization.objects.filter(
                pk__in=other_orgs
            ).values_list("pk", "slug", "number", "name")
        }
        manifest = {
            "format": FORMAT_NAME,
            "version": FORMAT_VERSION,
            "created_at": timezone.now().isoformat(),
            "organization": {
                "id": organization.pk,
                "slug": organization.slug,
                "number": organization.number,
                "name": organization.name,
            },
            "schema": schema_state(),
            "counts": result.counts,
            "users": result.users,
            "external_organizations": external,
            "external_units": outside_units,
            "missing_files": result.missing_files,
            "sha256": digests,
        }
        archive.writestr(MANIFEST, json.dumps(manifest, indent=2, sort_keys=True))
    if not result.counts:
        raise ArchiveError("nothing was exported")
    return result
