"""Search-and-choose fields for long lists: a team lead among hundreds of people, a measure
among hundreds of measures. The page holds a text field and a hidden id instead of a select
with every option (docs/performance-pages.md); ``static/js/lookup.js`` offers matches from
the lookup views as the person types and fills in the id, and without JavaScript the text is
searched on its own."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

# Words beyond this are ignored, as in the other searches.
MAX_WORDS = 10
# What a lookup answers at most: enough to choose from while typing.
MOST_RESULTS = 20


def matching(queryset: QuerySet[Any], text: str, fields: tuple[str, ...]) -> QuerySet[Any]:
    """Rows in which every word of ``text`` appears in one of ``fields`` (ignoring case)."""
    for word in text.split()[:MAX_WORDS]:
        condition = Q()
        for field in fields:
            condition |= Q(**{f"{field}__icontains": word})
        queryset = queryset.filter(condition)
    return queryset


def lookup_fields(
    form: forms.Form, *, id_field: str, text_field: str, label: Any, url: str
) -> None:
    """Turns ``id_field`` (a model choice) into a hidden id and adds ``text_field``, the
    visible search that lookup.js enhances."""
    form.fields[id_field].widget = forms.HiddenInput(attrs={"data-lookup-id": ""})
    form.fields[text_field] = forms.CharField(
        label=label,
        required=False,
        max_length=200,
        help_text=_("Type part of the name and choose from the list, or search for the text."),
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "spellcheck": "false",
                "data-lookup-url": url,
                "data-lookup-id": f"id_{id_field}",
            }
        ),
    )


def resolve_lookup(
    form: forms.Form, cleaned: dict[str, Any], id_field: str, text_field: str
) -> None:
    """Settles a chosen id against the text beside it. The id stands when the text is empty
    (a link with the id only) or still names the chosen row; a text changed afterwards (as
    without JavaScript, where the hidden id stays behind) is searched instead. The text field
    shows the chosen row's name."""
    chosen = cleaned.get(id_field)
    text = (cleaned.get(text_field) or "").strip()
    if chosen is None:
        return
    stands = not text or text == str(chosen)
    if stands:
        cleaned[text_field] = ""
    else:
        cleaned[id_field] = None
    if isinstance(form.data, QueryDict):
        data = form.data.copy()
        if stands:
            data[text_field] = str(chosen)
        else:
            data[id_field] = ""
        form.data = data
