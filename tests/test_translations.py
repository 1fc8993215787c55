"""Every user-facing string exists in bokmål, nynorsk and English, and none is left empty."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from tests.conftest import require_or_skip

ROOT = Path(__file__).resolve().parent.parent
LANGUAGES = ["nb", "nn", "en"]
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


def _catalogue(path: Path):
    with path.open("rb") as handle:
        return read_po(handle)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_catalogue_has_no_empty_or_fuzzy_entries(language):
    catalogue = _catalogue(ROOT / "locale" / language / "LC_MESSAGES" / "django.po")
    assert not catalogue.fuzzy, f"{language}: the catalogue header is marked fuzzy"
    problems = []
    for message in catalogue:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy:
            problems.append(f"fuzzy: {message.id!r}")
        if not all(strings):
            problems.append(f"empty: {message.id!r}")
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        wanted = set(PLACEHOLDER.findall(" ".join(ids)))
        found = [set(PLACEHOLDER.findall(string)) for string in strings]
        # A plural's singular form may leave out the count ("One measurement"), so for
        # plurals the forms together must use every placeholder and none unknown.
        plural = isinstance(message.id, tuple)
        if any(names - wanted for names in found) or (
            set().union(*found) != wanted if plural else any(n != wanted for n in found)
        ):
            problems.append(f"placeholders differ: {message.id!r} -> {strings!r}")
    assert not problems, f"{language}:\n" + "\n".join(problems)


def test_the_catalogues_contain_every_string_in_the_code(tmp_path):
    """Extracts the strings from a copy of the source, as `make messages` would, and checks
    that nothing new is missing from the committed catalogues."""
    require_or_skip(shutil.which("xgettext") is not None, "GNU gettext (xgettext) is not installed")
    copy = tmp_path / "src"
    ignore = shutil.ignore_patterns(
        ".venv",
        "node_modules",
        "var",
        "staticfiles",
        ".git",
        "*.mo",
        "__pycache__",
        ".*_cache",
        "tests",
    )
    shutil.copytree(ROOT, copy, ignore=ignore)
    subprocess.run(
        [
            sys.executable,
            "manage.py",
            "makemessages",
            "--locale=nb",
            "--no-obsolete",
            "--ignore=*.egg-info/*",
        ],
        cwd=copy,
        env={
            "PATH": "/usr/bin:/bin",
            "DJANGO_SETTINGS_MODULE": "config.test_settings",
            "PYTHONPATH": str(copy),
        },
        check=True,
        capture_output=True,
    )
    extracted = {m.id for m in _catalogue(copy / "locale/nb/LC_MESSAGES/django.po") if m.id}
    for language in LANGUAGES:
        committed = {
            m.id
            for m in _catalogue(ROOT / "locale" / language / "LC_MESSAGES" / "django.po")
            if m.id
        }
        missing = extracted - committed
        assert not missing, (
            f"{language} lacks {sorted(missing, key=str)[:10]} (run `make messages`)"
        )
