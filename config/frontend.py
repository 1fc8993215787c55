"""The front-end libraries' files the pages use, found by name in node_modules/ (npm).

Bootstrap's and htmx's packages hold about 75 files and 9 MB (every variant of every file,
and their source maps), of which the pages use three. Collected whole, they made
`collectstatic` (which copies, hashes and compresses each file twice) the slowest step of a
release. So only the files named here are static files; a source map goes with the file
that names it (the manifest storage checks that reference). tests/test_frontend_files.py
fails when a template names a ``vendor/`` file missing here.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.finders import BaseFinder
from django.core.checks import CheckMessage, Warning
from django.core.files.storage import FileSystemStorage
from django.utils._os import safe_join

# URL prefix under STATIC_URL: (folder under node_modules/, the files used from it).
VENDOR_FILES: dict[str, tuple[str, tuple[str, ...]]] = {
    "vendor/bootstrap": (
        "bootstrap/dist",
        (
            "css/bootstrap.min.css",
            "css/bootstrap.min.css.map",
            "js/bootstrap.bundle.min.js",
            "js/bootstrap.bundle.min.js.map",
        ),
    ),
    "vendor/htmx": ("htmx.org/dist", ("htmx.min.js",)),
}


class VendorFinder(BaseFinder):
    """Finds exactly the files of ``VENDOR_FILES`` (a STATICFILES_FINDERS entry)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.storages: dict[str, FileSystemStorage] = {}
        for prefix, (folder, _files) in VENDOR_FILES.items():
            storage = FileSystemStorage(location=settings.BASE_DIR / "node_modules" / folder)
            storage.prefix = prefix  # type: ignore[attr-defined]  # collectstatic reads it
            self.storages[prefix] = storage

    def check(self, **kwargs: Any) -> list[CheckMessage]:
        # A warning, as Django's for a missing STATICFILES_DIRS folder: an installed wheel runs
        # without node_modules/ from files collected where `npm ci` ran (docs/deploy.md).
        return [
            Warning(
                f"{prefix}/{name} is missing from node_modules/",
                hint="Run `npm ci` (or `make install`) before collectstatic.",
                id="frontend.W001",
            )
            for prefix, (_folder, files) in VENDOR_FILES.items()
            for name in files
            if not self.storages[prefix].exists(name)
        ]

    def find(self, path: str, find_all: bool = False, **kwargs: Any) -> Any:
        matches = []
        for prefix, (_folder, files) in VENDOR_FILES.items():
            name = path.removeprefix(f"{prefix}/")
            if name in files:
                location = self.storages[prefix].location
                if location not in finders.searched_locations:
                    finders.searched_locations.append(location)
                matched = safe_join(location, name)
                if self.storages[prefix].exists(name):
                    if not find_all:
                        return matched
                    matches.append(matched)
        return matches  # empty when not found, as Django's own finders answer

    def list(self, ignore_patterns: Any) -> Iterator[tuple[str, FileSystemStorage]]:
        for prefix, (_folder, files) in VENDOR_FILES.items():
            for name in files:
                if self.storages[prefix].exists(name):
                    yield name, self.storages[prefix]
