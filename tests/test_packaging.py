"""What gets installed, and from where.

- The package holds every app of the product, and the templates, static files and
  translations beside them: a file left out would be missing from an installed wheel while
  everything works in a checkout. One test builds the wheel and starts Django from it.
- The lock files hold every dependency of pyproject.toml, at a version it allows and that
  constraints.txt pins, each with its hashes: a dependency added to pyproject.toml without
  `make lock` fails here (and would be missing from `make install`).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest
from django.apps import apps
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from setuptools import find_packages

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
RUNTIME = [Requirement(line) for line in PYPROJECT["project"]["dependencies"]]
DEV = [Requirement(line) for line in PYPROJECT["project"]["optional-dependencies"]["dev"]]
PRODUCTION_LOCK = "requirements.lock"
DEVELOPMENT_LOCK = "requirements-dev.lock"
RELOCK = "run `make lock` after changing pyproject.toml or constraints.txt"


def _packages() -> set[str]:
    include = PYPROJECT["tool"]["setuptools"]["packages"]["find"]["include"]
    return set(find_packages(where=str(ROOT), include=include))


def test_every_app_of_the_product_is_packaged():
    # The product's own apps live at the top of the checkout (third-party apps in .venv/).
    ours = {
        config.name.split(".")[0]
        for config in apps.get_app_configs()
        if Path(config.path).resolve().parent == ROOT
    }
    assert ours  # the product's apps were found at all
    assert ours | {"config"} <= _packages()


def test_the_development_runner_is_no_runtime_dependency():
    runtime = " ".join(PYPROJECT["project"]["dependencies"]).lower()
    assert "honcho" not in runtime
    assert any("honcho" in dep for dep in PYPROJECT["project"]["optional-dependencies"]["dev"])


# --- the lock files --------------------------------------------------------------------------


def _locked(filename: str) -> dict[str, str]:
    """{canonical name: version} of a pip-compile lock file; every pin must carry a hash."""
    text = (ROOT / filename).read_text()
    pins: dict[str, str] = {}
    # A requirement starts at the beginning of a line; its hashes and comments are indented.
    for block in re.split(r"\n(?=\S)", text):
        first = block.split()[0] if block.strip() else "#"
        if first.startswith("#"):
            continue
        name, _, version = first.partition("==")
        assert version, f"{filename}: {first} is not pinned to one version"
        assert "--hash=sha256:" in block, f"{filename}: {first} has no hash"
        # Extras stay on the pin (celery[redis]): pip's hash-checking mode needs them there.
        pins[canonicalize_name(name.split("[")[0])] = version
    return pins


def _constraints() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "constraints.txt").read_text().splitlines():
        line = line.split("#")[0].strip()
        if "==" in line:
            name, version = line.split("==")
            pins[canonicalize_name(name)] = version.strip()
    return pins


@pytest.mark.parametrize(
    ("filename", "requirements"),
    [(PRODUCTION_LOCK, RUNTIME), (DEVELOPMENT_LOCK, RUNTIME + DEV)],
)
def test_every_dependency_is_locked_at_a_version_pyproject_allows(filename, requirements):
    locked = _locked(filename)
    for requirement in requirements:
        if requirement.marker is not None and not requirement.marker.evaluate():
            continue
        name = canonicalize_name(requirement.name)
        assert name in locked, f"{requirement.name} is not in {filename}: {RELOCK}"
        assert requirement.specifier.contains(locked[name], prereleases=True), (
            f"{filename} has {requirement.name}=={locked[name]}, pyproject.toml asks for "
            f"{requirement}: {RELOCK}"
        )


@pytest.mark.parametrize("filename", [PRODUCTION_LOCK, DEVELOPMENT_LOCK])
def test_the_lock_has_the_versions_constraints_pins(filename):
    locked = _locked(filename)
    differ = {
        name: f"{pinned} pinned, {locked[name]} locked"
        for name, pinned in _constraints().items()
        if name in locked and locked[name] != pinned
    }
    assert not differ, f"{filename} disagrees with constraints.txt: {differ}; {RELOCK}"


def test_production_installs_the_same_versions_without_the_development_tools():
    production, development = _locked(PRODUCTION_LOCK), _locked(DEVELOPMENT_LOCK)
    assert {name: development.get(name) for name in production} == production
    dev_only = {canonicalize_name(r.name) for r in DEV} - {
        canonicalize_name(r.name) for r in RUNTIME
    }
    assert not dev_only & production.keys()


def test_make_installs_exactly_the_lock():
    makefile = (ROOT / "Makefile").read_text()
    assert f"--require-hashes -r {DEVELOPMENT_LOCK}" in makefile
    assert "--no-deps" in makefile


# --- the wheel -------------------------------------------------------------------------------

NOT_SOURCES = shutil.ignore_patterns(
    ".git", ".venv", "node_modules", "var", "staticfiles", "build", "dist", "*.egg-info",
    "__pycache__", ".*_cache", "tests", "docs",
)  # fmt: skip


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """The wheel, built from a copy of the sources (the build writes into its source folder)
    with the installed setuptools, offline: a second or two."""
    source = tmp_path_factory.mktemp("source") / "tiltakshjulet"
    shutil.copytree(ROOT, source, ignore=NOT_SOURCES)
    out = tmp_path_factory.mktemp("wheel")
    build = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from setuptools import build_meta as b; print(b.build_wheel(sys.argv[1]))",
            str(out),
        ],
        cwd=source,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert build.returncode == 0, build.stderr[-3000:]
    return out / build.stdout.strip().splitlines()[-1]


def test_the_wheel_holds_the_code_templates_static_files_and_translations(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = {
        path.relative_to(ROOT).as_posix()
        for package in {p.split(".")[0] for p in _packages()}
        for path in (ROOT / package).rglob("*.py")
        if "__pycache__" not in path.parts
    }
    for folder in ("templates", "static"):
        expected |= {
            path.relative_to(ROOT).as_posix()
            for path in (ROOT / folder).rglob("*")
            if path.is_file() and "__pycache__" not in path.parts
        }
    for language in ("nb", "nn", "en"):
        catalogue = f"locale/{language}/LC_MESSAGES/django"
        assert (ROOT / f"{catalogue}.mo").is_file(), "run `make translations` first"
        expected |= {f"{catalogue}.po", f"{catalogue}.mo"}
    assert "templates/base.html" in expected
    assert "measures/migrations/0001_initial.py" in expected
    missing = sorted(expected - names)
    assert not missing, f"not in the wheel: {missing[:20]}"


def test_django_starts_from_the_wheel_alone(wheel, tmp_path):
    """Unpacked away from the checkout: the settings find the templates, the product's own
    static files and the compiled translations inside the installed package."""
    site = tmp_path / "site-packages"
    zipfile.ZipFile(wheel).extractall(site)
    script = """
import json
import config, django
django.setup()
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.template.loader import get_template
from django.utils import translation
call_command("check", fail_level="ERROR")
with translation.override("nb"):
    log_in = translation.gettext("Log in")
print(json.dumps({
    "config": config.__file__,
    "template": get_template("base.html").origin.name,
    "static": finders.find("css/app.css"),
    "log_in": log_in,
}))
"""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_", "REDIS_"))
    }
    env.update(
        PYTHONPATH=str(site),
        DJANGO_SETTINGS_MODULE="config.settings",
        SECRET_KEY="wheel-test-secret",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        VAR_DIR=str(tmp_path / "var"),
        STATIC_ROOT=str(tmp_path / "static"),
        LOG_FORMAT="text",
    )
    run = subprocess.run(
        [sys.executable, "-c", script],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    found = json.loads(run.stdout.strip().splitlines()[-1])
    for key in ("config", "template", "static"):
        assert found[key].startswith(str(site)), found
    assert found["log_in"] == "Logg inn"
