"""Migration tests go back to a migration and forward again: `migrate_to` one state, and at the end
`migrate_to_latest`, every app's newest migration, so that no later test runs on a schema that lacks
what a newer migration (of this app or another) added."""

from __future__ import annotations

from django.apps.registry import Apps
from django.db import connection
from django.db.migrations.executor import MigrationExecutor


def migrate_to(targets: list[tuple[str, str]]) -> Apps:
    """Migrate the test database to `targets`; the historical apps of that state."""
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def migrate_to_latest() -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
