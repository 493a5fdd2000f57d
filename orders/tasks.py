"""Celery tasks of orders: each takes ids, loads, and calls one service."""

from celery import shared_task

from orders.models import Order
from orders.services import cancels_refills, forwarding, idempotency, polling
from provider.models import Provider

# A forwarding run stopped by its limit leaves its open orders `sending`: the sweeper calls them
# unknown later. The run stops claiming in time for its calls to end before the limit.
_FORWARD_LIMITS = {
    "soft_time_limit": forwarding.SUBMIT_TIME_LIMIT.total_seconds() - 10,
    "time_limit": forwarding.SUBMIT_TIME_LIMIT.total_seconds(),
}


# Queued on commit for each placed order: it starts (or joins) its provider's forwarding run.
@shared_task(ignore_result=True, **_FORWARD_LIMITS)
def submit_order(order_id: int) -> None:
    provider_id = Order.objects.filter(pk=order_id).values_list("provider_id", flat=True).first()
    if provider_id is not None:
        forward_orders(provider_id)


@shared_task(ignore_result=True, **_FORWARD_LIMITS)
def forward_orders(provider_id: int) -> None:
    run = forwarding.orders_forward(provider_id=provider_id)
    if run is not None and run.more:
        forward_orders.delay(provider_id)


@shared_task(ignore_result=True)
def sweep_orders() -> None:
    _, due = forwarding.orders_sweep()
    for order_id in due:
        submit_order.delay(order_id)


@shared_task(ignore_result=True)
def poll_orders() -> None:
    for provider_id in Provider.objects.filter(is_active=True).values_list("pk", flat=True):
        poll_provider_orders.delay(provider_id)


# A round has no cap on orders, so it may run long; overlapping rounds are refused by a lock.
@shared_task(ignore_result=True, soft_time_limit=3300, time_limit=3600)
def poll_provider_orders(provider_id: int) -> None:
    provider = Provider.objects.filter(pk=provider_id, is_active=True).first()
    if provider is not None:
        polling.orders_poll(provider=provider)


@shared_task(ignore_result=True)
def send_cancels() -> None:
    cancels_refills.cancels_send()


@shared_task(ignore_result=True)
def send_refills() -> None:
    cancels_refills.refills_send()


@shared_task(ignore_result=True)
def poll_refills() -> None:
    cancels_refills.refills_poll()


@shared_task(ignore_result=True)
def purge_idempotency_keys() -> None:
    idempotency.idempotency_keys_purge()
