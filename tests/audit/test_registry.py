"""The audited models: every model with a history is on the trail, and a wrong entry in
``settings.AUDIT_TRAIL`` stops the trail with a message instead of hiding records."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.db import models

from config.audit_trail import AUDIT_TRAIL
from organizations.audit.registry import audited_models


def models_with_history() -> set[str]:
    # simple-history marks each model it records on its options.
    return {
        model._meta.label_lower
        for model in apps.get_models()
        if getattr(model._meta, "simple_history_manager_attribute", None)
    }


def test_every_model_with_a_history_is_on_the_trail():
    missing = models_with_history() - set(audited_models())
    assert not missing, (
        f"{sorted(missing)} keep a history but are not on the audit trail: add them to "
        "config/audit_trail.py (see its docstring)"
    )
    assert set(audited_models()) == models_with_history()
    assert len(audited_models()) >= 40


def test_every_many_to_many_history_is_read_with_its_model():
    kept = {
        (entry.key, m2m.field.name)
        for entry in audited_models().values()
        for m2m in entry.many_to_many
    }
    assert {
        ("measures.measure", "tags"),
        ("measures.measure", "contributors"),
        ("measures.program", "units"),
        ("phases.pilotiteration", "piloted_where"),
        ("reflections.lesson", "tags"),
        ("reflections.lesson", "shared_with"),
        ("reflections.learningmeeting", "participants"),
    } == kept


def test_every_audited_model_is_named_and_reaches_its_organisation():
    for entry in audited_models().values():
        assert entry.organization or entry.parent, entry.key
        assert entry.label, entry.key
        shown = {f.name for f in entry.fields}
        assert not shown & {"id", "created_at", "updated_at", "organization"}, entry.key
        assert all(isinstance(f, models.Field) for f in entry.fields)


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ({"model": "measures.Goal", "parent": "measure", "name": "titel"}, "no field 'titel'"),
        ({"model": "measures.Goal", "name": "title"}, "either organization or parent"),
        ({"model": "measures.Tag", "organization": "organization"}, "keeps no history"),
        (
            {"model": "reflections.Answer", "parent": "meeting_question", "name": "text"},
            "is not audited",
        ),
    ],
)
def test_a_wrong_entry_is_refused_with_a_message(settings, entry, message):
    others = [raw for raw in AUDIT_TRAIL if raw["model"] != entry["model"]]
    settings.AUDIT_TRAIL = [*others, entry]
    audited_models.cache_clear()
    try:
        with pytest.raises(ImproperlyConfigured, match=message):
            audited_models()
    finally:
        settings.AUDIT_TRAIL = AUDIT_TRAIL
        audited_models.cache_clear()
