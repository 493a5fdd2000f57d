"""The catalog's business logic. Views, admin, tasks and commands call these and nothing else."""

from catalog.services.export import catalog_export_csv
from catalog.services.repricing import (
    category_mapping_set,
    category_reprice,
    default_markup_set,
    provider_reprice,
    service_record_enabled,
    service_reprice,
    services_move,
    services_reprice,
    services_set_dripfeed,
    services_set_enabled,
    services_set_markup,
)
from catalog.services.sync import CatalogSyncError, SyncResult, catalog_sync

__all__ = [
    "CatalogSyncError",
    "SyncResult",
    "catalog_export_csv",
    "catalog_sync",
    "category_mapping_set",
    "category_reprice",
    "default_markup_set",
    "provider_reprice",
    "service_record_enabled",
    "service_reprice",
    "services_move",
    "services_reprice",
    "services_set_dripfeed",
    "services_set_enabled",
    "services_set_markup",
]
