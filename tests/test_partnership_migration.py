"""The migration that brought invitations keeps the partnerships made before them working:
active ones become accepted and share what partners saw then (summary and status, all
measures, no indicator values); inactive ones become ended."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [
    ("organizations", "0005_accessibility_statement"),
    ("measures", "0005_service_transitions"),
]
AFTER = [
    ("organizations", "0006_partnership_invitations_and_sharing"),
    ("measures", "0006_measure_partnerships"),
]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_partnerships_made_before_invitations_keep_what_they_shared():
    old = _migrate(BEFORE)
    try:
        Organization = old.get_model("organizations", "Organization")
        Partnership = old.get_model("organizations", "Partnership")
        county = Organization.objects.create(name="Fylket", slug="f", kind="county", number="46")
        town = Organization.objects.create(name="By", slug="b", kind="municipality", number="4601")
        active = Partnership.objects.create(grantor=county, partner=town, access="read")
        gone = Partnership.objects.create(
            grantor=town, partner=county, access="contribute", is_active=False
        )

        new = _migrate(AFTER)
        Partnership = new.get_model("organizations", "Partnership")
        active = Partnership.objects.get(pk=active.pk)
        assert (active.status, active.is_active) == ("accepted", True)
        assert active.share_all_measures and active.share_status
        assert not (
            active.share_indicators
            or active.share_decisions
            or active.share_plan
            or active.share_learning
        )
        assert Partnership.objects.get(pk=gone.pk).status == "ended"
    finally:
        # Whatever happened, leave the database at the latest schema for the next tests.
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
