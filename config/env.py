"""Strict readers for settings that come from the environment.

A typo in production configuration must stop start-up with a message that names the
variable, never fall back silently to a default that changes behaviour (a mistyped
``DEBUG=ture`` must not mean "off" on one server and "on" on another).
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off"}


def _raw(name: str) -> str | None:
    """The variable's value, or the contents of the file named by ``NAME_FILE``."""
    file_name = os.environ.get(f"{name}_FILE")
    if file_name:
        try:
            return Path(file_name).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ImproperlyConfigured(f"{name}_FILE={file_name!r} cannot be read: {exc}") from exc
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return None
    return value.strip()


def env_str(name: str, default: str | None = None) -> str | None:
    value = _raw(name)
    return default if value is None else value


def env_bool(name: str, default: bool) -> bool:
    value = _raw(name)
    if value is None:
        return default
    lowered = value.lower()
    if lowered in TRUE_WORDS:
        return True
    if lowered in FALSE_WORDS:
        return False
    raise ImproperlyConfigured(
        f"{name}={value!r} is not a boolean; use one of: "
        f"{', '.join(sorted(TRUE_WORDS | FALSE_WORDS))}"
    )


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    value = _raw(name)
    if value is None:
        return default
    try:
        number = int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name}={value!r} is not a whole number") from exc
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"{name}={number} must be at least {minimum}")
    return number


def env_list(name: str, default: list[str]) -> list[str]:
    value = _raw(name)
    if value is None:
        return list(default)
    return [item.strip() for item in value.split(",") if item.strip()]


# An origin as a Content-Security-Policy takes it: scheme, host and an optional port, nothing
# else (a space or a semicolon would start another source or directive).
ORIGIN = re.compile(r"^https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?$")


def env_origins(name: str) -> list[str]:
    """A comma-separated list of origins (``https://login.example.no``), each checked."""
    origins = env_list(name, [])
    for origin in origins:
        if not ORIGIN.match(origin):
            raise ImproperlyConfigured(
                f"{name}: {origin!r} is not an origin like https://login.example.no"
            )
    return origins


def parse_database_url(
    url: str,
    *,
    base_dir: Path,
    connect_timeout: int | None = None,
    statement_timeout: int | None = None,
) -> dict[str, Any]:
    """Django's DATABASES entry for ``postgres://user:pass@host:port/name`` or
    ``sqlite:///relative/or/absolute/path``.

    Deliberately small: only the two engines the product supports are accepted. The timeouts
    are in seconds; a ``connect_timeout`` or ``options`` given in the URL's query wins.
    On SQLite the statement timeout is how long a statement waits for another process's lock,
    the only way a statement there waits.
    """
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    options = dict(parse_qsl(parts.query))
    if scheme == "sqlite":
        # sqlite:///var/db.sqlite3 is relative to the project; sqlite:////abs/path is absolute.
        raw_path = unquote(parts.path)
        if not raw_path or raw_path == "/":
            raise ImproperlyConfigured(f"DATABASE_URL={url!r} names no SQLite file")
        path = Path(raw_path[1:])
        if not path.is_absolute():
            path = base_dir / path
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(path),
            # A web process, a worker and beat share the file; wait rather than fail.
            "OPTIONS": {"timeout": statement_timeout or 20, "transaction_mode": "IMMEDIATE"},
        }
    if scheme in {"postgres", "postgresql"}:
        name = unquote(parts.path.lstrip("/"))
        if not name:
            raise ImproperlyConfigured(f"DATABASE_URL={url!r} names no database")
        try:
            port = parts.port
        except ValueError as exc:
            raise ImproperlyConfigured(f"DATABASE_URL={url!r} has an invalid port") from exc
        conn_max_age = int(options.pop("conn_max_age", "60"))
        pg_options: dict[str, Any] = dict(options)
        if connect_timeout is not None:
            pg_options.setdefault("connect_timeout", connect_timeout)
        if statement_timeout is not None and "statement_timeout" not in pg_options.get(
            "options", ""
        ):
            # Enforced by the server on every statement of the session, lock waits included.
            server_options = f"{pg_options.get('options', '')} -c statement_timeout="
            pg_options["options"] = f"{server_options}{statement_timeout * 1000}".strip()
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": name,
            "USER": unquote(parts.username or ""),
            "PASSWORD": unquote(parts.password or ""),
            "HOST": parts.hostname or "",
            "PORT": str(port or ""),
            "CONN_MAX_AGE": conn_max_age,
            "CONN_HEALTH_CHECKS": True,
            "OPTIONS": pg_options,
        }
    raise ImproperlyConfigured(
        f"DATABASE_URL={url!r} is not supported; use postgres://… or sqlite:///…"
    )


def check_redis_url(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in {"redis", "rediss"} or not parts.hostname:
        raise ImproperlyConfigured(f"REDIS_URL={url!r} must look like redis://host:6379/0")
    try:
        parts.port  # noqa: B018 - raises on a malformed port
    except ValueError as exc:
        raise ImproperlyConfigured(f"REDIS_URL={url!r} has an invalid port") from exc
    return url
