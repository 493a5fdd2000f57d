"""Celery tasks of webhooks: each calls one service."""

from celery import shared_task

from webhooks import services


@shared_task(ignore_result=True)
def deliver_webhooks(delivery_ids: list[int] | None = None) -> None:
    """Send these deliveries (queued on commit of the change), or every due one (beat, every 30 s)."""
    services.webhook_deliveries_send(ids=delivery_ids)


@shared_task(ignore_result=True)
def purge_webhook_deliveries() -> None:
    services.webhook_deliveries_purge()
