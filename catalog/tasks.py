import logging

from celery import shared_task

from catalog.services import CatalogSyncError, catalog_sync
from provider.models import Provider

log = logging.getLogger(__name__)


@shared_task(ignore_result=True)
def sync_all_providers() -> None:
    """Scheduled by beat (hourly by default): one sync task per active provider."""
    for provider_id in Provider.objects.filter(is_active=True).values_list("pk", flat=True):
        sync_provider_services.delay(provider_id)


@shared_task(ignore_result=True)
def sync_provider_services(provider_id: int) -> None:
    provider = Provider.objects.filter(pk=provider_id, is_active=True).first()
    if provider is None:
        return  # deactivated or deleted since the task was queued
    try:
        catalog_sync(provider=provider)
    except CatalogSyncError as error:
        # Nothing changed; the next scheduled sync tries again, and the admin's button says why.
        log.error("catalog sync failed: %s", error)
