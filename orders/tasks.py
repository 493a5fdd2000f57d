"""Celery tasks of orders: each takes ids, loads, and calls one service."""

from celery import shared_task

from orders.services import forwarding, idempotency, polling, requests
from provider.models import Provider


# A submit stopped by its limit leaves its order `sending`: the sweeper calls it unknown later.
@shared_task(
    ignore_result=True,
    soft_time_limit=forwarding.SUBMIT_TIME_LIMIT.total_seconds() - 10,
    time_limit=forwarding.SUBMIT_TIME_LIMIT.total_seconds(),
)
def submit_order(order_id: int) -> None:
    forwarding.order_submit(order_id=order_id)


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
    requests.cancels_send()


@shared_task(ignore_result=True)
def send_refills() -> None:
    requests.refills_send()


@shared_task(ignore_result=True)
def poll_refills() -> None:
    requests.refills_poll()


@shared_task(ignore_result=True)
def purge_idempotency_keys() -> None:
    idempotency.idempotency_keys_purge()
