"""Placing an order: validate, price, charge and save in one transaction, then queue it."""

from __future__ import annotations

import zlib
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.db import connection, transaction

from billing.money import charge_for
from billing.services import InsufficientFunds, ledger_charge
from catalog.models import Service
from catalog.pricing import customer_rate
from catalog.selectors import services_for
from orders.errors import (
    ACTIVE_ORDER_WITH_LINK,
    INCORRECT_SERVICE,
    NOT_ENOUGH_FUNDS,
    OrderRefused,
    bad_parameter,
)
from orders.models import FINAL, Order, OrderEvent
from orders.services.params import order_params_parse


def _service_for_sale(service_id: Any, customer) -> Service:
    try:
        pk = int(str(service_id).strip())
    except (TypeError, ValueError):
        raise OrderRefused(INCORRECT_SERVICE, field="service") from None
    # The same query as the price list and the API's `services`: what is listed is what can be bought.
    service = services_for(customer).filter(pk=pk).first()
    if service is None:
        raise OrderRefused(INCORRECT_SERVICE, field="service")
    return service


def _refuse_a_second_active_order(service: Service, link: str) -> None:
    if not link or settings.ORDERS_ALLOW_DUPLICATE_LINKS:
        return
    # Two requests for the same link could both see "no active order"; a transaction-scoped
    # advisory lock on (service, link) makes the check and the insert one step.
    key = zlib.crc32(f"{service.pk}:{link}".encode())
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [7401, key - 2**31])
    if Order.objects.filter(service=service, link=link).exclude(status__in=FINAL).exists():
        raise OrderRefused(ACTIVE_ORDER_WITH_LINK, field="link")


def order_place(*, customer, service_id: Any, params: Mapping[str, Any]) -> Order:
    """Place an order for `customer`: charged, saved, and queued for the provider on commit.

    Raises OrderRefused (with api-v2.md's texts) and changes nothing when the service,
    a parameter, the link or the balance does not allow it.
    """
    from orders.tasks import submit_order

    service = _service_for_sale(service_id, customer)
    parsed = order_params_parse(service=service, raw=params)
    rate = customer_rate(service=service, customer=customer)
    charge = charge_for(rate, parsed.units, per_package=service.service_type.is_package)
    if charge <= 0:
        raise bad_parameter("quantity", "is too small: the order would cost nothing")

    with transaction.atomic():
        _refuse_a_second_active_order(service, parsed.link)
        order = Order.objects.create(
            customer=customer,
            service=service,
            provider_id=service.provider_id,
            link=parsed.link,
            quantity=parsed.units,
            params=parsed.params,
            rate=rate,
            charge=charge,
        )
        try:
            ledger_charge(order=order)
        except InsufficientFunds:
            raise OrderRefused(NOT_ENOUGH_FUNDS) from None
        OrderEvent.objects.create(order=order, message=f"Placed; charged {charge} {settings.PANEL_CURRENCY}")
        transaction.on_commit(lambda: submit_order.delay(order.pk))
    return order
