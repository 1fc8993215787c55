"""Structured logs: one JSON object per line, with the request, person and organisation each
line belongs to (docs/operations-logs.md).

The context lives in a contextvar: the first middleware sets the request id, later ones add
the user and the organisation once known, and a logging filter copies it onto every record.
Celery carries the request id from the request that queued a task into the task's lines.

This module imports nothing from Django at the top, so gunicorn's config file can build the
same logging configuration before Django is set up.
"""

from __future__ import annotations

import contextvars
import json
import logging
import re
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django.http import HttpRequest, HttpResponse

REQUEST_ID_HEADER = "X-Request-ID"
# The header a queued task carries the id in (a Celery message header).
TASK_REQUEST_ID_HEADER = "request_id"
# An incoming id is kept only when it is a plain token a proxy would make: anything else
# (too long, spaces, quotes, line breaks) could forge or break log lines and is replaced.
SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,128}")

# What the current request or task is; None outside either.
_context: contextvars.ContextVar[dict[str, Any] | None] = contextvars.ContextVar(
    "log_context", default=None
)
CONTEXT_FIELDS = ("request_id", "user_id", "organization", "task_id", "task_name")


def current() -> dict[str, Any]:
    return _context.get() or {}


def update(**fields: Any) -> None:
    """Adds fields to the current context (a no-op outside a request or task)."""
    context = _context.get()
    if context is not None:
        context.update(fields)


@contextmanager
def bound(**fields: Any) -> Iterator[dict[str, Any]]:
    """A fresh context for the duration of a request or task; the previous one afterwards."""
    token = _context.set(dict(fields))
    try:
        yield _context.get() or {}
    finally:
        _context.reset(token)


def request_id_from(value: str | None) -> str:
    if value and SANE_REQUEST_ID.fullmatch(value):
        return value
    return uuid.uuid4().hex


class RequestIdMiddleware:
    """Early in MIDDLEWARE: gives each request an id (the proxy's ``X-Request-ID`` when sane),
    returns it in the response and binds it, with the user and organisation once the later
    middleware have resolved them, to every log line written while the request runs."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = request_id_from(request.headers.get(REQUEST_ID_HEADER))
        request.request_id = request_id  # type: ignore[attr-defined]
        with bound(request_id=request_id) as context:
            # The same dict, for the lines Django writes after the middleware have returned.
            request.log_context = context  # type: ignore[attr-defined]
            response = self.get_response(request)
            response[REQUEST_ID_HEADER] = request_id
        return response

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> None:
        # Runs before OrganizationMiddleware.process_view: the user is known here, the
        # organisation is added by that middleware through ``update``.
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            update(user_id=user.pk)


class ContextFilter(logging.Filter):
    """Copies the current request's or task's context onto the record (None when absent)."""

    def filter(self, record: logging.LogRecord) -> bool:
        context = current()
        request = getattr(record, "request", None)
        if not context and request is not None:
            # Django logs a 4xx or 5xx response after the middleware have returned, when the
            # context is gone, but passes the request along.
            context = getattr(request, "log_context", None) or {}
        for field in CONTEXT_FIELDS:
            if not hasattr(record, field):
                setattr(record, field, context.get(field))
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time in UTC ISO 8601 with its offset, level, logger, message,
    the context fields, and the traceback as one string when there is one."""

    def format(self, record: logging.LogRecord) -> str:
        time = datetime.fromtimestamp(record.created, tz=UTC)
        line: dict[str, Any] = {
            "time": time.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for field in CONTEXT_FIELDS:
            value = getattr(record, field, None)
            if value is not None:
                line[field] = value
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            line["stack"] = self.formatStack(record.stack_info)
        return json.dumps(line, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    """For a developer's console: readable, with the request id when there is one."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s %(message)s%(context)s")

    def format(self, record: logging.LogRecord) -> str:
        parts = [
            f"{field}={getattr(record, field)}"
            for field in CONTEXT_FIELDS
            if getattr(record, field, None) is not None
        ]
        record.context = f" [{' '.join(parts)}]" if parts else ""
        return super().format(record)

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        # Local time with its offset, so it can be set beside the JSON lines' UTC times.
        return datetime.fromtimestamp(record.created).astimezone().isoformat(timespec="seconds")


LOG_FORMATS = ("json", "text")


def logging_config(log_format: str, level: str) -> dict[str, Any]:
    """The ``LOGGING`` dict for Django, and the ``logconfig_dict`` for gunicorn and Celery.
    Python's warnings go to the log too (logger ``py.warnings``), in the same format, instead of
    as bare lines on standard error."""
    logging.captureWarnings(True)
    formatter = "config.logs.JsonFormatter" if log_format == "json" else "config.logs.TextFormatter"
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"context": {"()": "config.logs.ContextFilter"}},
        "formatters": {"line": {"()": formatter}},
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": "line",
                "filters": ["context"],
            }
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            # Django and gunicorn add handlers of their own to these; ours replace them and
            # the lines go to the root's one handler (and format) only.
            "django": {"handlers": [], "propagate": True},
            "django.server": {"handlers": [], "propagate": True},
            "gunicorn.error": {"handlers": [], "propagate": True},
            "gunicorn.access": {"handlers": [], "propagate": True},
            "celery": {"handlers": [], "propagate": True},
        },
    }


# --- Celery --------------------------------------------------------------------------------


def connect_celery_signals() -> None:
    """Celery keeps Django's LOGGING instead of its own set-up, and each task's lines carry
    its id, name and the request id of whatever queued it."""
    from celery.signals import (
        before_task_publish,
        setup_logging,
        task_postrun,
        task_prerun,
    )

    setup_logging.connect(_use_django_logging, weak=False)
    before_task_publish.connect(_add_request_id_header, weak=False)
    task_prerun.connect(_bind_task, weak=False)
    task_postrun.connect(_unbind_task, weak=False)


def _use_django_logging(**_kwargs: Any) -> None:
    # Connecting to this signal is what stops Celery from configuring logging itself.
    from logging.config import dictConfig

    from django.conf import settings

    dictConfig(settings.LOGGING)


def _add_request_id_header(headers: dict[str, Any] | None = None, **_kwargs: Any) -> None:
    request_id = current().get("request_id")
    if headers is not None and request_id and TASK_REQUEST_ID_HEADER not in headers:
        headers[TASK_REQUEST_ID_HEADER] = request_id


_task_tokens: dict[str, contextvars.Token[dict[str, Any] | None]] = {}


def _bind_task(task_id: str | None = None, task: Any = None, **_kwargs: Any) -> None:
    request = getattr(task, "request", None)
    request_id = getattr(request, TASK_REQUEST_ID_HEADER, None)
    if request_id is None:
        # Eager runs and some protocol versions keep custom headers in a dict of their own.
        request_id = (getattr(request, "headers", None) or {}).get(TASK_REQUEST_ID_HEADER)
    if request_id is None and getattr(request, "is_eager", False):
        # Run at once in the caller's process (tests): nothing was published, the caller's
        # context is at hand.
        request_id = current().get("request_id")
    fields = {
        "request_id": request_id_from(request_id) if request_id else None,
        "task_id": task_id,
        "task_name": getattr(task, "name", None),
    }
    if task_id:
        _task_tokens[task_id] = _context.set(fields)


def _unbind_task(task_id: str | None = None, **_kwargs: Any) -> None:
    token = _task_tokens.pop(task_id, None) if task_id else None
    if token is not None:
        try:
            _context.reset(token)
        except ValueError:
            # Reset from another context (a thread pool): clear it instead.
            _context.set(None)


# --- Sentry --------------------------------------------------------------------------------


def init_sentry(dsn: str) -> None:
    """Sends errors (and error log lines) to Sentry. No personal data: no user details,
    cookies, headers or bodies (send_default_pii off), and no local variables, which hold
    whatever the failing code was handling; the request id travels as a tag."""
    import sentry_sdk

    sentry_sdk.init(
        dsn=dsn,
        send_default_pii=False,
        include_local_variables=False,
        before_send=_tag_request_id,
    )


def _tag_request_id(event: Any, _hint: Any) -> Any:
    context = current()
    tags = event.setdefault("tags", {})
    for field in ("request_id", "organization", "task_name"):
        if context.get(field):
            tags[field] = context[field]
    return event
