"""Every front-end library file a template names is a static file (config/frontend.py): the
production storage refuses to render a page that names a file it has not collected."""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders

from config.frontend import VENDOR_FILES, VendorFinder

VENDOR_REFERENCE = re.compile(r"""\{%\s*static\s+['"](vendor/[^'"]+)['"]""")


def _named_in_templates() -> set[str]:
    return {
        match
        for template in Path(settings.BASE_DIR, "templates").rglob("*.html")
        for match in VENDOR_REFERENCE.findall(template.read_text(encoding="utf-8"))
    }


def test_every_library_file_a_template_names_is_found():
    named = _named_in_templates()
    assert "vendor/bootstrap/css/bootstrap.min.css" in named  # the pattern finds them at all
    missing = sorted(path for path in named if finders.find(path) is None)
    assert not missing, f"add them to config/frontend.py VENDOR_FILES: {missing}"


def test_only_the_listed_files_are_collected():
    collected = {
        f"{storage.prefix}/{path}" for path, storage in VendorFinder().list(ignore_patterns=[])
    }
    listed = {f"{prefix}/{name}" for prefix, (_f, names) in VENDOR_FILES.items() for name in names}
    assert collected == listed
    assert "vendor/bootstrap/css/bootstrap.css" not in collected  # an unused variant
    assert finders.find("vendor/bootstrap/css/bootstrap.css") is None


def test_the_files_are_all_there():
    assert VendorFinder().check() == []
