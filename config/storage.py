"""Where uploaded files and stored report PDFs live: Django's default storage, from the
environment.

``STORAGE_BACKEND=local`` (the default) keeps them in ``MEDIA_ROOT`` on this server's disk,
which suits one web server. With several web servers (or a worker on another machine that
stores report PDFs) every process must see the same files, so ``STORAGE_BACKEND=s3`` keeps
them in a bucket of any S3-compatible object storage through django-storages.

Files are private either way: the product serves them only through views that have checked
the reader's permission, which stream them from the storage (``measures/uploads.py``,
``reports/pdf.py``). Nothing links to a storage URL, so the bucket needs no public access and
no presigned URL is handed out (docs/storage.md says why).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

from config.env import env_int, env_str

BACKENDS = ("local", "s3")
ACLS = ("private", "none")
ADDRESSING_STYLES = ("auto", "path", "virtual")
LOOPBACK_HOSTS = {"localhost", "127.0.0.1", "::1"}


def _choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    value = (env_str(name) or default).lower()
    if value not in choices:
        raise ImproperlyConfigured(f"{name}={value!r} is not one of: {', '.join(choices)}")
    return value


def _endpoint_url() -> str | None:
    url = env_str("S3_ENDPOINT_URL")
    if url is None:
        return None  # Amazon S3 itself, found from the region
    parts = urlsplit(url)
    try:
        parts.port  # noqa: B018 - raises on a malformed port
    except ValueError as exc:
        raise ImproperlyConfigured(f"S3_ENDPOINT_URL={url!r} has an invalid port") from exc
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise ImproperlyConfigured(
            f"S3_ENDPOINT_URL={url!r} must look like https://s3.example.no (with an optional port)"
        )
    # The files hold what municipalities upload: they travel encrypted, except to an object
    # store on this very machine (a test server, or one behind a local TLS proxy).
    if parts.scheme == "http" and parts.hostname not in LOOPBACK_HOSTS:
        raise ImproperlyConfigured(
            f"S3_ENDPOINT_URL={url!r} must use https:// (plain http only on loopback)"
        )
    return url


def _client_config(addressing_style: str) -> Any:
    # Imported here: only an installation on object storage needs boto's configuration.
    from botocore.config import Config

    return Config(
        s3={"addressing_style": addressing_style},
        signature_version="s3v4",
        # A hung object store must not hang a page until gunicorn kills the worker.
        connect_timeout=env_int("S3_CONNECT_TIMEOUT", 5, minimum=1),
        read_timeout=env_int("S3_READ_TIMEOUT", 20, minimum=1),
        retries={"max_attempts": 3, "mode": "standard"},
        # Recent boto versions add checksums many S3-compatible stores refuse; send them only
        # where the protocol requires them.
        request_checksum_calculation="when_required",
        response_checksum_validation="when_required",
    )


def s3_options() -> dict[str, Any]:
    """The options of django-storages' ``S3Storage`` from the ``S3_*`` variables."""
    bucket = env_str("S3_BUCKET")
    if not bucket:
        raise ImproperlyConfigured("STORAGE_BACKEND=s3 needs S3_BUCKET (the bucket's name)")
    access_key = env_str("S3_ACCESS_KEY_ID")
    secret_key = env_str("S3_SECRET_ACCESS_KEY")
    if bool(access_key) != bool(secret_key):
        raise ImproperlyConfigured(
            "S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY (or their _FILE variants) go together: "
            "set both, or neither to use the machine's own credentials (AWS_* variables, "
            "an instance role)"
        )
    prefix = (env_str("S3_PREFIX") or "").strip("/")
    acl = _choice("S3_ACL", "private", ACLS)
    return {
        "bucket_name": bucket,
        "endpoint_url": _endpoint_url(),
        "region_name": env_str("S3_REGION"),
        "access_key": access_key,
        "secret_key": secret_key,
        "location": prefix,
        # Private objects. A bucket with ACLs switched off (Amazon's default for new buckets)
        # refuses requests that name one; it is private by construction, so S3_ACL=none.
        "default_acl": None if acl == "none" else acl,
        # Two uploads of "rapport.pdf" are two files: the second gets a suffix, as on disk,
        # instead of silently replacing the first.
        "file_overwrite": False,
        # Should anything ask for a URL, it is signed and short-lived, never a public one.
        "querystring_auth": True,
        "querystring_expire": 60,
        # A download is fetched whole before it is streamed on; past 1 MB it waits in a
        # temporary file rather than in the worker's memory (uploads may be 10 MB each).
        "max_memory_size": 1024 * 1024,
        "client_config": _client_config(_choice("S3_ADDRESSING_STYLE", "auto", ADDRESSING_STYLES)),
    }


def default_storage() -> dict[str, Any]:
    """``STORAGES["default"]``: a folder on this server (``MEDIA_ROOT``), or a bucket."""
    backend = _choice("STORAGE_BACKEND", "local", BACKENDS)
    if backend == "s3":
        return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": s3_options()}
    if env_str("S3_BUCKET"):
        # Most likely a forgotten STORAGE_BACKEND=s3: each web server would keep its own files.
        raise ImproperlyConfigured(
            "S3_BUCKET is set but STORAGE_BACKEND is local; set STORAGE_BACKEND=s3 to use the "
            "bucket, or remove S3_BUCKET"
        )
    return {"BACKEND": "django.core.files.storage.FileSystemStorage"}
