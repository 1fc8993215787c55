"""Running a POST that carries a one-time form token at most once per user, form and token."""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.db import IntegrityError, connection, transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from formonce.models import FormClaim
from organizations.models import User

FIELD = "form_once"
# A claim matters for a retry of the same POST, which comes within minutes; kept a day.
KEEP_CLAIMS = timedelta(days=1)
# What new_token makes (32 characters), with room; anything else is treated as no token.
TOKEN_PATTERN = re.compile(r"[A-Za-z0-9_-]{16,64}")
# A page answered instead of a redirect is kept to be answered again, up to this size.
MAX_BODY = 200_000


def new_token() -> str:
    return secrets.token_urlsafe(24)


def posted_token(request: HttpRequest) -> str | None:
    token = request.POST.get(FIELD, "") if request.method == "POST" else ""
    return token if TOKEN_PATTERN.fullmatch(token) else None


def clear_old_claims() -> int:
    deleted, _by_model = FormClaim.objects.filter(
        created_at__lt=timezone.now() - KEEP_CLAIMS
    ).delete()
    return deleted


class _InsertCounter:
    """Counts the rows the view inserts (other than the claim): it saved something or not."""

    def __init__(self) -> None:
        self.inserts = 0

    def __call__(
        self,
        execute: Callable[..., Any],
        sql: str,
        params: Any,
        many: bool,
        context: dict[str, Any],
    ) -> Any:
        text = sql.lstrip()[:80].upper()
        if text.startswith("INSERT") and FormClaim._meta.db_table.upper() not in text:
            self.inserts += 1
        return execute(sql, params, many, context)


def _queued_messages(request: HttpRequest) -> list[list[Any]]:
    # The storage has no public way to read what this request added without consuming it.
    queued = getattr(getattr(request, "_messages", None), "_queued_messages", [])
    return [[m.level, str(m.message), m.extra_tags] for m in queued]


def replay(request: HttpRequest, claim: FormClaim) -> HttpResponse:
    """The first answer again, with its messages unless they are still waiting to be shown
    (the first answer's messages did arrive when only the page after it was lost)."""
    storage = getattr(request, "_messages", None)
    if storage is not None:
        waiting = {(m.level, str(m.message)) for m in storage}
        storage.used = False  # looked at, not shown: they stay for the next page
        for level, text, tags in claim.messages:
            if (level, text) not in waiting:
                messages.add_message(request, level, text, extra_tags=tags or "")
    if claim.location:
        response = HttpResponse(status=claim.status)
        response["Location"] = claim.location
        return response
    return HttpResponse(claim.body, status=claim.status, content_type=claim.content_type or None)


def _render(response: HttpResponse) -> HttpResponse:
    render = getattr(response, "render", None)
    if callable(render) and not getattr(response, "is_rendered", True):
        render()
    return response


def run_once(
    request: HttpRequest, user: User, token: str, view: Callable[[], HttpResponse]
) -> HttpResponse:
    """Runs ``view`` unless an earlier POST of this user, form and token saved something; then
    answers what that one answered.

    The claim is inserted first, in the transaction that runs the view: a concurrent POST of
    the same token waits on the unique index until this one ends. If the view saved nothing
    (a form re-rendered with its errors, a refusal), the claim is removed again, so the
    corrected form, which keeps its token, can still be sent.
    """
    path = request.path[:500]
    done = FormClaim.objects.filter(user=user, path=path, token=token).first()
    if done is not None:
        return replay(request, done)
    counter = _InsertCounter()
    try:
        with transaction.atomic():
            claim = FormClaim.objects.create(user=user, path=path, token=token)
            with connection.execute_wrapper(counter):
                response = _render(view())
            if counter.inserts and response.status_code < 400 and not _shows_errors(response):
                _remember(claim, request, response)
            else:
                claim.delete()
    except IntegrityError:
        done = FormClaim.objects.filter(user=user, path=path, token=token).first()
        if done is None:  # not the claim that clashed: the view's own error
            raise
        return replay(request, done)
    return response


def _shows_errors(response: HttpResponse) -> bool:
    """A form shown again with its errors saved nothing of its own, whatever else the view
    wrote on the way (a log row): its token must stay free for the corrected form."""
    form: Any = (getattr(response, "context_data", None) or {}).get("form")
    return bool(getattr(form, "is_bound", False) and form.errors)


def _remember(claim: FormClaim, request: HttpRequest, response: HttpResponse) -> None:
    claim.status = response.status_code
    claim.messages = _queued_messages(request)
    if response.has_header("Location"):
        claim.location = response["Location"][:2000]
    elif not response.streaming and len(response.content) <= MAX_BODY:
        claim.body = response.content.decode(response.charset or "utf-8", errors="replace")
        claim.content_type = response.get("Content-Type", "")[:100]
    claim.save(update_fields=["status", "messages", "location", "body", "content_type"])
