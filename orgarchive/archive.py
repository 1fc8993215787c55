"""The archive format: a zip file with a manifest, one JSON file per model and the files.

    manifest.json                 format, version, schema, counts, SHA-256 of every member
    data/<app>.<Model>.json       {"fields": [column, …], "rows": [[value, …], …]}
    files/<name in storage>       uploaded files and stored PDFs, read through the storage API

Raise FORMAT_VERSION when the layout changes in a way an older reader would misread; the
importer refuses any version it does not know.
"""

from __future__ import annotations

import datetime as dt
import decimal
import uuid
from collections import defaultdict
from typing import Any

from django.db import connections
from django.db.migrations.recorder import MigrationRecorder

FORMAT_NAME = "tiltakshjulet-organisation-archive"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
USERS = "users.json"


class ArchiveError(Exception):
    """An archive that cannot be written or restored; the message says why."""


def data_path(label: str) -> str:
    return f"data/{label}.json"


def file_path(name: str) -> str:
    return f"files/{name}"


def to_json(value: Any) -> Any:
    """JSON for one column value, keeping every digit (microseconds, decimals)."""
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, dt.timedelta):
        return value.total_seconds()
    if isinstance(value, bytes | memoryview):
        raise ArchiveError("binary columns are not supported in archives")
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def schema_state(using: str = "default") -> dict[str, list[str]]:
    """The applied migrations per app: an archive restores only into the same schema."""
    applied = MigrationRecorder(connections[using]).applied_migrations()
    state: dict[str, list[str]] = defaultdict(list)
    for app_label, name in applied:
        state[app_label].append(name)
    return {app: sorted(names) for app, names in sorted(state.items())}
