"""What differs between the kinds of file a worker builds: who may have it, how it is built,
and where its page leads back to. Everything else (asking, claiming, retrying, storing,
downloading, expiring) is the same for every kind (filejobs/services.py, filejobs/views.py).

The kinds are named in ``settings.FILE_JOB_KINDS`` (kind → dotted path of a :class:`JobKind`),
so this app imports none of the apps whose files it builds, and they import it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from django.conf import settings
from django.utils.functional import Promise
from django.utils.module_loading import import_string

if TYPE_CHECKING:
    from filejobs.models import FileJob


@dataclass
class Built:
    filename: str
    chunks: Iterator[bytes]
    rows: Callable[[], int | None] = lambda: None


@dataclass
class JobKind:
    # Checked against the organisation on every request for the job, its page and its file.
    permission: str
    build: Callable[[FileJob], Built]
    content_type: str
    # The page the file was asked from, with the parameters it was asked with; the
    # "Try again" form posts the parameters to ``ask_url``.
    back_url: Callable[[FileJob], str]
    ask_url: Callable[[FileJob], str]
    ask_fields: Callable[[FileJob], list[tuple[str, str]]]
    source_label: str | Promise  # the page asked from, in the breadcrumb
    back_label: str | Promise
    download_label: str | Promise
    waiting_text: str | Promise


@cache
def job_kind(kind: str) -> JobKind:
    found: JobKind = import_string(settings.FILE_JOB_KINDS[kind])
    return found
