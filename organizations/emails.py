"""Emails from a template triple (``<name>-subject.txt``, ``-body.txt``, ``-body.html``),
rendered in the recipient's language."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation


def render_email(name: str, context: dict[str, Any], language: str) -> tuple[str, str, str]:
    with translation.override(language):
        context = {"site_url": settings.SITE_URL, "language": language, **context}
        subject = render_to_string(f"emails/{name}-subject.txt", context)
        text = render_to_string(f"emails/{name}-body.txt", context)
        html = render_to_string(f"emails/{name}-body.html", context)
    # A subject is one line, whatever the template's trailing newline.
    return " ".join(subject.split()), text, html


def send_templated_email(
    *,
    name: str,
    to: str,
    context: dict[str, Any],
    language: str,
    headers: dict[str, str] | None = None,
) -> None:
    subject, text, html = render_email(name, context, language)
    message = EmailMultiAlternatives(subject, text, to=[to], headers=headers or {})
    message.attach_alternative(html, "text/html")
    message.send()
