"""Restoring an organisation archive into a database that does not hold it (`import_org`).

Every row gets a new primary key and every key is remapped. Rows are inserted as they are
(no `save()`, no signals, no new history rows): the archive already holds the history, and
final records (organizations/records.py) must never be saved twice. Foreign-key constraints
are deferred until the end, so rows go in in any order; they are checked before the
transaction ends.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, cast

from django.core.files.base import ContentFile
from django.db import connections, models, transaction

from measures.models import Indicator, Measure
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
)
from orgarchive.exporter import file_columns, storage_of
from orgarchive.registry import (
    ModelPlan,
    export_plans,
    has_constraint,
    relation_fields,
    user_model,
)

REMINDER = "notifications.Reminder"
PUBLISHED_REPORT = "reports.PublishedReport"


def remap_report_content(content: Any, measures: dict[Any, Any], indicators: dict[Any, Any]) -> Any:
    """A published report's frozen content names its measures and indicators by id (for the
    links on its cards and the comparison of versions): give it the new ids."""
    if not isinstance(content, dict):
        return content
    content = dict(content)
    remapped = []
    for measure in content.get("measures") or []:
        measure = dict(measure)
        measure["id"] = measures.get(measure.get("id"), measure.get("id"))
        measure["indicators"] = [
            {**indicator, "id": indicators.get(indicator.get("id"), indicator.get("id"))}
            for indicator in measure.get("indicators") or []
        ]
        remapped.append(measure)
    if "measures" in content:
        content["measures"] = remapped
    return content


@dataclass
class ImportResult:
    organization: Organization | None = None
    counts: dict[str, int] = field(default_factory=dict)
    users_matched: int = 0
    users_created: int = 0
    files: int = 0
    notes: list[str] = field(default_factory=list)


@dataclass
class _Table:
    plan: ModelPlan
    names: list[str]
    rows: list[dict[str, Any]]


def read_manifest(archive: zipfile.ZipFile) -> dict[str, Any]:
    try:
        manifest = json.loads(archive.read(MANIFEST))
    except (KeyError, ValueError) as error:
        raise ArchiveError(
            "This is not an organisation archive (no readable manifest.json)."
        ) from error
    if manifest.get("format") != FORMAT_NAME:
        raise ArchiveError("This is not an organisation archive (unknown format).")
    if manifest.get("version") != FORMAT_VERSION:
        raise ArchiveError(
            f"The archive has format version {manifest.get('version')!r}; this version of the "
            f"product reads version {FORMAT_VERSION} only."
        )
    digests = manifest.get("sha256", {})
    unlisted = sorted(set(archive.namelist()) - set(digests) - {MANIFEST})
    if unlisted:
        raise ArchiveError(f"The archive is damaged: {unlisted[0]} has no checksum.")
    for path, digest in digests.items():
        try:
            content = archive.read(path)
        except KeyError as error:
            raise ArchiveError(f"The archive is incomplete: {path} is missing.") from error
        if hashlib.sha256(content).hexdigest() != digest:
            raise ArchiveError(f"The archive is damaged: {path} does not match its checksum.")
    return manifest


def _check_target(manifest: dict[str, Any], using: str) -> None:
    ours = schema_state(using)
    theirs = manifest.get("schema", {})
    differing = sorted(app for app in set(ours) | set(theirs) if ours.get(app) != theirs.get(app))
    if differing:
        raise ArchiveError(
            "The archive was written with other migrations than this database has "
            f"({', '.join(differing)}). Restore it with the same version of the product."
        )
    org = manifest["organization"]
    if Organization.objects.using(using).filter(slug=org["slug"]).exists():
        raise ArchiveError(
            f"An organisation with the short name {org['slug']!r} already exists; nothing was "
            "restored. Delete it first (manage.py delete_org) or restore into another database."
        )
    if Organization.objects.using(using).filter(number=org["number"]).exists():
        raise ArchiveError(
            f"An organisation with the number {org['number']} already exists; nothing was restored."
        )


def import_organization(source: str | Path | IO[bytes], using: str = "default") -> ImportResult:
    with zipfile.ZipFile(source) as archive:
        manifest = read_manifest(archive)
        _check_target(manifest, using)
        with transaction.atomic(using=using):
            return _Importer(archive, manifest, using).run()


class _Importer:
    def __init__(self, archive: zipfile.ZipFile, manifest: dict[str, Any], using: str) -> None:
        self.archive = archive
        self.manifest = manifest
        self.using = using
        self.connection = connections[using]
        self.result = ImportResult()
        self.user_model = user_model()
        self.users: dict[Any, Any] = {}
        self.orgs: dict[Any, Any] = {}  # old id of another organisation -> its id here
        self.units: dict[Any, Any] = {}  # old id of another organisation's unit -> its id here
        # Old key -> new key of every inserted row, per model; `any_ids` adds the records known
        # only from their history (deleted ones), which only history columns may point to.
        self.ids: dict[type[models.Model], dict[Any, Any]] = defaultdict(dict)
        self.any_ids: dict[type[models.Model], dict[Any, Any]] = defaultdict(dict)
        self.next_id: dict[str, int] = {}
        self.saved_files: list[tuple[Any, str]] = []

    def run(self) -> ImportResult:
        try:
            self._map_users()
            self._map_other_organizations()
            self._map_other_units()
            tables = self._read_tables()
            self._drop_unresolvable(tables)
            self._allocate(tables)
            renamed = self._write_files(tables)
            for table in tables:
                self._insert(table, renamed)
            self.connection.check_constraints()
        except BaseException:
            for storage, name in self.saved_files:
                storage.delete(name)
            raise
        self.result.organization = Organization.objects.using(self.using).get(
            slug=self.manifest["organization"]["slug"]
        )
        return self.result

    # --- people and other organisations -----------------------------------------------
    def _map_users(self) -> None:
        content = json.loads(self.archive.read(USERS))
        manager = self.user_model._default_manager.db_manager(self.using)
        for values in content["rows"]:
            row = dict(zip(content["fields"], values, strict=True))
            existing = manager.filter(email__iexact=row["email"]).first()
            if existing is None:
                # A person new to this installation: no usable password until they reset it
                # (or sign in with single sign-on); never an operator of the installation.
                meta = self.user_model._meta
                user = self.user_model(
                    **{
                        k: cast("models.Field[Any, Any]", meta.get_field(k)).to_python(v)
                        for k, v in row.items()
                        if k != "id"
                    }
                )
                user.set_unusable_password()  # type: ignore[attr-defined]
                user.save(using=self.using)
                self.result.users_created += 1
            else:
                user = existing
                self.result.users_matched += 1
            self.users[row["id"]] = user.pk

    def _map_other_organizations(self) -> None:
        for old_id, org in self.manifest.get("external_organizations", {}).items():
            found = (
                Organization.objects.using(self.using)
                .filter(models.Q(slug=org["slug"]) | models.Q(number=org["number"]))
                .values_list("pk", flat=True)
                .first()
            )
            if found is None:
                self.result.notes.append(
                    f"Links to {org['name']} ({org['slug']}) were left out: that organisation "
                    "is not in this database."
                )
            else:
                self.orgs[int(old_id)] = found

    def _map_other_units(self) -> None:
        """Units of other organisations (a partner's unit a transition names), found by
        their organisation and name."""
        for old_id, unit in self.manifest.get("external_units", {}).items():
            organization = self.orgs.get(unit["organization"])
            if organization is None:
                continue  # the organisation is missing: its note is already there
            found = (
                Unit.objects.using(self.using)
                .filter(organization=organization, name__iexact=unit["name"])
                .values_list("pk", flat=True)
                .first()
            )
            if found is None:
                self.result.notes.append(
                    f"Links to the unit {unit['name']} of another organisation were left out: "
                    "that unit is not in this database."
                )
            else:
                self.units[int(old_id)] = found

    # --- rows -----------------------------------------------------------------------------
    def _read_tables(self) -> list[_Table]:
        tables = []
        known = {plan.label for plan in export_plans()}
        unknown = sorted(set(self.manifest["counts"]) - known)
        if unknown:
            raise ArchiveError(
                f"The archive holds kinds of records this version lacks: {', '.join(unknown)}."
            )
        for plan in export_plans():
            try:
                content = json.loads(self.archive.read(data_path(plan.label)))
            except KeyError as error:
                raise ArchiveError(f"The archive lacks the records of {plan.label}.") from error
            names = content["fields"]
            current = [f.attname for f in plan.model._meta.concrete_fields]
            if sorted(names) != sorted(current):
                raise ArchiveError(f"The columns of {plan.label} differ from this version's.")
            rows = [dict(zip(names, values, strict=True)) for values in content["rows"]]
            if len(rows) != self.manifest["counts"].get(plan.label, 0):
                raise ArchiveError(f"The archive is damaged: the count of {plan.label} differs.")
            if plan.label == REMINDER:
                rows = self._reminders(rows)
            tables.append(_Table(plan, names, rows))
        return tables

    def _reminders(self, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Reminders already sent, failed or missed are history and come along; waiting ones
        are left for the planner, which plans them again from the restored events (their keys
        hold the old ids, so keeping them would send each reminder twice)."""
        kept = [r for r in rows if r["state"] not in ("pending", "sending")]
        if len(kept) < len(rows):
            self.result.notes.append(
                f"{len(rows) - len(kept)} waiting reminders were left for the planner "
                "to plan again."
            )
        for row in kept:
            # Keys are unique across the installation and name old ids: give them our own.
            row["key"] = f"restored-{self.manifest['created_at']}-{row['key']}"[:255]
        return kept

    def _present(self, tables: list[_Table]) -> dict[type[models.Model], set[Any]]:
        present: dict[type[models.Model], set[Any]] = defaultdict(set)
        for table in tables:
            pk = table.plan.model._meta.pk.attname
            present[table.plan.model].update(row[pk] for row in table.rows)
        return present

    def _resolvable(
        self,
        fk: models.ForeignKey[Any, Any],
        value: Any,
        present: dict[type[models.Model], set[Any]],
    ) -> bool:
        target = fk.related_model
        if target is self.user_model:
            return value in self.users
        if target is Organization and value in self.orgs:
            return True
        if target is Unit and value in self.units:
            return True
        return value in present.get(target, set())  # type: ignore[arg-type]

    def _drop_unresolvable(self, tables: list[_Table]) -> None:
        """Rows whose required key points outside the archive (a partnership with an
        organisation this database lacks) are left out, and so, in turn, are rows that need
        them; optional keys are cleared instead when the rows are inserted."""
        changed = True
        while changed:
            changed = False
            present = self._present(tables)
            for table in tables:
                required = [
                    fk
                    for fk in relation_fields(table.plan.model)
                    if not fk.null and has_constraint(fk)
                ]
                if not required:
                    continue
                kept = [
                    row
                    for row in table.rows
                    if all(
                        row[fk.attname] is None or self._resolvable(fk, row[fk.attname], present)
                        for fk in required
                    )
                ]
                if len(kept) < len(table.rows):
                    kind = table.plan.model._meta.verbose_name_plural
                    self.result.notes.append(
                        f"{len(table.rows) - len(kept)} {kind} were left out: they point to "
                        "records that are not in this database."
                    )
                    table.rows = kept
                    changed = True

    # --- new primary keys ------------------------------------------------------------------
    def _new_ids(self, model: type[models.Model], count: int) -> list[int]:
        if count == 0:
            return []
        table = model._meta.db_table
        column = model._meta.pk.column
        with self.connection.cursor() as cursor:
            if self.connection.vendor == "postgresql":
                cursor.execute(
                    "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                    [self.connection.ops.quote_name(table), column, count],
                )
                return [row[0] for row in cursor.fetchall()]
            if table not in self.next_id:
                quote = self.connection.ops.quote_name
                cursor.execute(f"SELECT MAX({quote(column)}) FROM {quote(table)}")  # noqa: S608
                self.next_id[table] = (cursor.fetchone()[0] or 0) + 1
        start = self.next_id[table]
        self.next_id[table] = start + count
        return list(range(start, start + count))

    def _allocate(self, tables: list[_Table]) -> None:
        for table in tables:
            model = table.plan.model
            pk = model._meta.pk.attname
            # In key order, so new keys keep the order of the old ones (lists sorted by id stay).
            old = sorted(row[pk] for row in table.rows)
            self.ids[model].update(zip(old, self._new_ids(model, len(old)), strict=True))
            self.any_ids[model].update(self.ids[model])
        # History of deleted (or left-out) records: one new id per old record, so its rows
        # stay together.
        for table in tables:
            record = table.plan.record_model
            if record is None:
                continue
            if record is Organization:
                continue
            orphans = sorted({row["id"] for row in table.rows} - set(self.any_ids[record]))
            new = self._new_ids(record, len(orphans))
            self.any_ids[record].update(zip(orphans, new, strict=True))

    # --- files -----------------------------------------------------------------------------
    def _write_files(self, tables: list[_Table]) -> dict[str, str]:
        renamed: dict[str, str] = {}
        for table in tables:
            for attname in file_columns(table.plan):
                if attname not in table.names:
                    continue
                storage = storage_of(table.plan, attname)
                for row in table.rows:
                    name = row[attname]
                    if not name or name in renamed:
                        continue
                    try:
                        content = self.archive.read(file_path(name))
                    except KeyError:
                        self.result.notes.append(
                            f"The file {name} was missing when the archive was written."
                        )
                        renamed[name] = name
                        continue
                    # The storage picks another name if this one is taken; the rows follow it.
                    saved = storage.save(name, ContentFile(content))
                    self.saved_files.append((storage, saved))
                    renamed[name] = saved
                    self.result.files += 1
        return renamed

    # --- rows in -----------------------------------------------------------------------------
    def _map(self, fk: models.ForeignKey[Any, Any], value: Any) -> Any:
        if value is None:
            return None
        target = fk.related_model
        if target is self.user_model:
            return self.users.get(value)
        # A key without a constraint (in a history table) may name a deleted record.
        known = self.ids if has_constraint(fk) else self.any_ids
        mapped = known.get(target, {}).get(value)  # type: ignore[arg-type]
        if mapped is None and target is Organization:
            return self.orgs.get(value)
        if mapped is None and target is Unit:
            return self.units.get(value)
        return mapped

    def _insert(self, table: _Table, renamed: dict[str, str]) -> None:
        plan = table.plan
        model = plan.model
        pk = model._meta.pk.attname
        fields = list(model._meta.concrete_fields)
        fks = relation_fields(model)
        files = [a for a in file_columns(plan) if a in table.names]
        objects = []
        cleared = 0
        for row in table.rows:
            values = dict(row)
            values[pk] = self.ids[model][row[pk]]
            for fk in fks:
                mapped = self._map(fk, row[fk.attname])
                if mapped is None and row[fk.attname] is not None:
                    cleared += 1
                values[fk.attname] = mapped
            if plan.record_model is not None:
                values["id"] = self.any_ids[plan.record_model][row["id"]]
            if plan.label == PUBLISHED_REPORT:
                values["content"] = remap_report_content(
                    values["content"], self.any_ids[Measure], self.any_ids[Indicator]
                )
                # The stored page body links to the old ids; the first view makes it again
                # from the remapped content (reports/body.py).
                values["body_html"] = ""
            for attname in files:
                if values[attname]:
                    values[attname] = renamed.get(values[attname], values[attname])
            converted = {
                f.attname: values[f.attname] if f.is_relation else f.to_python(values[f.attname])
                for f in fields
            }
            objects.append(model(**converted))
        if cleared and plan.record_model is None:
            self.result.notes.append(
                f"{cleared} links from {model._meta.verbose_name_plural} to records outside this "
                "database were cleared."
            )
        batch = max(1, self.connection.ops.bulk_batch_size(fields, objects) or 500)
        for start in range(0, len(objects), batch):
            # raw=True: values as they are (no auto_now), no signals, no history rows.
            model._base_manager.using(self.using)._insert(  # type: ignore[attr-defined]
                objects[start : start + batch], fields=fields, using=self.using, raw=True
            )
        self.result.counts[plan.label] = len(objects)
