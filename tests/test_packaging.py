"""The package holds every app of the product: a new app left out of pyproject.toml's
``packages.find`` would be missing from an installed build while working in a checkout."""

from __future__ import annotations

import tomllib
from pathlib import Path

from django.apps import apps
from setuptools import find_packages

ROOT = Path(__file__).resolve().parent.parent


def test_every_app_of_the_product_is_packaged():
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    include = pyproject["tool"]["setuptools"]["packages"]["find"]["include"]
    packaged = set(find_packages(where=str(ROOT), include=include))
    # The product's own apps live at the top of the checkout (third-party apps in .venv/).
    ours = {
        config.name.split(".")[0]
        for config in apps.get_app_configs()
        if Path(config.path).resolve().parent == ROOT
    }
    assert ours  # the product's apps were found at all
    assert ours | {"config"} <= packaged


def test_the_development_runner_is_no_runtime_dependency():
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    runtime = " ".join(pyproject["project"]["dependencies"]).lower()
    assert "honcho" not in runtime
    assert any("honcho" in dep for dep in pyproject["project"]["optional-dependencies"]["dev"])
