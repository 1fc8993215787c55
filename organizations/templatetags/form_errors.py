"""The error summary above a form that failed: every error once, each a link to its field.

A summary that only says "please correct the errors below" leaves a screen-reader user to hunt
for them; one that lists each error as a link to its field, and takes the focus when the page
loads (static/js/error-summary.js), takes them straight there (WCAG 3.3.1, 2.4.3).
"""

from __future__ import annotations

from typing import Any, TypedDict

from django import forms, template
from django.core.exceptions import NON_FIELD_ERRORS

register = template.Library()


class SummaryError(TypedDict):
    # The field's id to link to; empty for errors about the form as a whole.
    href: str
    label: str
    message: str


def summary_errors(form: forms.BaseForm) -> list[SummaryError]:
    """Non-field errors first (they concern the whole form), then the fields in form order."""
    if not form.is_bound or not form.errors:
        return []
    errors: list[SummaryError] = [
        {"href": "", "label": "", "message": str(message)}
        for message in form.errors.get(NON_FIELD_ERRORS, [])
    ]
    for bound_field in form:
        for message in bound_field.errors:
            if bound_field.is_hidden:
                # A hidden field cannot take the focus: say it without a link.
                errors.append({"href": "", "label": "", "message": str(message)})
            else:
                errors.append(
                    {
                        "href": "#" + field_id(bound_field),
                        "label": str(bound_field.label or ""),
                        "message": str(message),
                    }
                )
    return errors


def field_id(bound_field: forms.BoundField) -> str:
    """The id of the element that takes the focus: a radio or checkbox list has no label of
    its own (its id_for_label is empty), so its first button."""
    return bound_field.id_for_label or f"{bound_field.auto_id}_0"


@register.inclusion_tag("includes/error_summary.html")
def error_summary(form: forms.BaseForm | None) -> dict[str, Any]:
    errors = summary_errors(form) if form is not None else []
    return {"errors": errors, "count": len(errors)}
