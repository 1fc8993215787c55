"""Every model is either in the organisation archive or excluded with a reason.

When this fails for a model you added: if its rows belong to an organisation, give it a
foreign key that leads to `Organization` (directly or through another exported model) and it
is exported by itself; otherwise name it in `orgarchive.registry.EXCLUDED` with the reason
(docs/backup.md, "When you add a model").
"""

import pytest
from django.apps import apps
from django.contrib.contenttypes.fields import GenericForeignKey
from django.db import models
from django.test.utils import isolate_apps

from organizations.models import Organization
from orgarchive import registry


def test_every_model_is_exported_or_excluded_with_a_reason():
    assert registry.unclassified_models() == []
    assert all(reason.strip() for reason in registry.EXCLUDED.values())


def test_no_exclusion_names_a_model_that_is_gone():
    labels = {m._meta.label for m in apps.get_models(include_auto_created=True)}
    assert sorted(set(registry.EXCLUDED) - labels) == []


def test_exported_models_point_only_at_what_an_import_can_remap():
    exported = {plan.model for plan in registry.export_plans()}
    User = registry.user_model()
    for plan in registry.export_plans():
        for fk in registry.relation_fields(plan.model):
            assert fk.related_model in exported | {User}, (plan.label, fk.name)
        # Generic relations (content type + object id) are not remapped by the importer.
        assert not [f for f in plan.model._meta.private_fields if isinstance(f, GenericForeignKey)]


def test_history_tables_and_sets_are_exported_with_their_records():
    labels = {plan.label for plan in registry.export_plans()}
    for label in [
        "measures.HistoricalMeasurement",
        "measures.HistoricalMeasure_tags",
        "organizations.HistoricalOrganization",
        "phases.PhaseTransition",
        "reflections.Lesson_shared_with",
        "reports.ShareLinkUse",
        "notifications.Notification",
    ]:
        assert label in labels


@isolate_apps("orgarchive")
def test_a_new_model_that_is_neither_fails(monkeypatch):
    class Loose(models.Model):  # noqa: DJ008
        name = models.CharField(max_length=10)

        class Meta:
            app_label = "orgarchive"

    class Owned(models.Model):  # noqa: DJ008
        organization = models.ForeignKey(Organization, on_delete=models.CASCADE)

        class Meta:
            app_label = "orgarchive"

    everything = apps.get_models(include_auto_created=True)
    monkeypatch.setattr(
        registry.apps, "get_models", lambda include_auto_created=False: [*everything, Loose, Owned]
    )
    registry.export_plans.cache_clear()
    try:
        assert registry.unclassified_models() == ["orgarchive.Loose"]
        assert "orgarchive.Owned" in {plan.label for plan in registry.export_plans()}
    finally:
        monkeypatch.undo()
        registry.export_plans.cache_clear()


@pytest.mark.parametrize("label", ["organizations.Partnership", "measures.Measure"])
def test_owner_keys(label):
    plans = {plan.label: plan for plan in registry.export_plans()}
    assert plans[label].owner in {"grantor_id", "organization_id"}
