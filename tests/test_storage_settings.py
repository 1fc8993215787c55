"""Where files live comes from the environment (config/storage.py), parsed strictly."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.storage import default_storage

ROOT = Path(__file__).resolve().parent.parent
S3_VARIABLES = [
    "STORAGE_BACKEND",
    "S3_BUCKET",
    "S3_ENDPOINT_URL",
    "S3_REGION",
    "S3_ACCESS_KEY_ID",
    "S3_SECRET_ACCESS_KEY",
    "S3_PREFIX",
    "S3_ACL",
    "S3_ADDRESSING_STYLE",
    "S3_CONNECT_TIMEOUT",
    "S3_READ_TIMEOUT",
]


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch):
    for name in S3_VARIABLES:
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(f"{name}_FILE", raising=False)


@pytest.fixture
def s3_env(monkeypatch):
    values = {
        "STORAGE_BACKEND": "S3",
        "S3_BUCKET": "tiltak-files",
        "S3_ENDPOINT_URL": "https://s3.kommune.no:9000",
        "S3_REGION": "eu-north-1",
        "S3_ACCESS_KEY_ID": "key-id",
        "S3_SECRET_ACCESS_KEY": "secret",
        "S3_PREFIX": "/tiltakshjulet/",
    }
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    return values


def test_files_stay_in_the_media_folder_by_default():
    assert default_storage() == {"BACKEND": "django.core.files.storage.FileSystemStorage"}


def test_it_reads_every_s3_variable(s3_env, monkeypatch):
    monkeypatch.setenv("S3_ADDRESSING_STYLE", "path")
    monkeypatch.setenv("S3_READ_TIMEOUT", "30")
    storage = default_storage()
    assert storage["BACKEND"] == "storages.backends.s3.S3Storage"
    options = storage["OPTIONS"]
    config = options.pop("client_config")
    assert options == {
        "bucket_name": "tiltak-files",
        "endpoint_url": "https://s3.kommune.no:9000",
        "region_name": "eu-north-1",
        "access_key": "key-id",
        "secret_key": "secret",
        "location": "tiltakshjulet",
        "default_acl": "private",
        "file_overwrite": False,
        "querystring_auth": True,
        "querystring_expire": 60,
        "max_memory_size": 1024 * 1024,
    }
    assert config.s3 == {"addressing_style": "path"}
    assert (config.connect_timeout, config.read_timeout) == (5, 30)
    assert config.retries == {"max_attempts": 3, "mode": "standard"}


def test_amazon_s3_needs_only_a_bucket_and_uses_the_machines_credentials(monkeypatch):
    monkeypatch.setenv("STORAGE_BACKEND", "s3")
    monkeypatch.setenv("S3_BUCKET", "tiltak-files")
    options = default_storage()["OPTIONS"]
    assert options["endpoint_url"] is None and options["region_name"] is None
    assert options["access_key"] is None and options["secret_key"] is None
    assert options["location"] == ""
    assert options["client_config"].s3 == {"addressing_style": "auto"}


def test_the_keys_can_come_from_files(s3_env, monkeypatch, tmp_path):
    for name in ("S3_ACCESS_KEY_ID", "S3_SECRET_ACCESS_KEY"):
        monkeypatch.delenv(name)
        (tmp_path / name).write_text(f"{name.lower()}-from-file\n")
        monkeypatch.setenv(f"{name}_FILE", str(tmp_path / name))
    options = default_storage()["OPTIONS"]
    assert options["access_key"] == "s3_access_key_id-from-file"
    assert options["secret_key"] == "s3_secret_access_key-from-file"


def test_a_bucket_with_acls_switched_off_gets_no_acl(s3_env, monkeypatch):
    monkeypatch.setenv("S3_ACL", "none")
    assert default_storage()["OPTIONS"]["default_acl"] is None


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:9000", "http://localhost:9000", "http://[::1]:9000"]
)
def test_plain_http_is_allowed_on_loopback_only(s3_env, monkeypatch, url):
    monkeypatch.setenv("S3_ENDPOINT_URL", url)
    assert default_storage()["OPTIONS"]["endpoint_url"] == url


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"STORAGE_BACKEND": "disk"}, "STORAGE_BACKEND='disk' is not one of: local, s3"),
        ({"S3_BUCKET": ""}, "STORAGE_BACKEND=s3 needs S3_BUCKET"),
        ({"S3_SECRET_ACCESS_KEY": ""}, "S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY"),
        ({"S3_ACCESS_KEY_ID": ""}, "S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY"),
        ({"S3_ENDPOINT_URL": "http://minio.kommune.no"}, "must use https://"),
        ({"S3_ENDPOINT_URL": "s3.kommune.no"}, "must look like https://s3.example.no"),
        ({"S3_ENDPOINT_URL": "https://s3.kommune.no:port"}, "has an invalid port"),
        ({"S3_ACL": "public-read"}, "S3_ACL='public-read' is not one of: private, none"),
        ({"S3_ADDRESSING_STYLE": "dns"}, "S3_ADDRESSING_STYLE='dns' is not one of"),
        ({"S3_CONNECT_TIMEOUT": "0"}, "S3_CONNECT_TIMEOUT=0 must be at least 1"),
        ({"STORAGE_BACKEND": "local"}, "S3_BUCKET is set but STORAGE_BACKEND is local"),
        ({"STORAGE_BACKEND": ""}, "S3_BUCKET is set but STORAGE_BACKEND is local"),
    ],
)
def test_incomplete_or_wrong_configuration_stops_with_a_clear_message(
    s3_env, monkeypatch, changes, message
):
    for name, value in changes.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(ImproperlyConfigured, match=message.replace("(", r"\(")):
        default_storage()


def test_start_up_stops_when_the_bucket_is_missing():
    # The real settings module in a process of its own: the message reaches the operator.
    unset = {"DJANGO_SETTINGS_MODULE", *S3_VARIABLES}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env={
            **{k: v for k, v in os.environ.items() if k not in unset},
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "SECRET_KEY": "x" * 50,
            "STORAGE_BACKEND": "s3",
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "STORAGE_BACKEND=s3 needs S3_BUCKET" in result.stderr
