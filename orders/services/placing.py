"""Placing an order: validate, price, charge and save in one transaction, then queue it."""

from __future__ import annotations

import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import connection, transaction

from billing.money import charge_for, money_display
from billing.services import InsufficientFunds, ledger_charge
from catalog.models import Service
from catalog.pricing import discounted_rate
from catalog.selectors import service_for_sale
from orders.errors import (
    ACTIVE_ORDER_WITH_LINK,
    INCORRECT_SERVICE,
    NOT_ENOUGH_FUNDS,
    OrderRefused,
    bad_parameter,
)
from orders.models import FINAL, Order, OrderEvent
from orders.services.params import ParsedOrder, order_params_parse
from panel.sql import insert_parts, mark_saved, table


def _service_for_sale(service_id: Any, customer) -> Service:
    try:
        pk = int(str(service_id).strip())
    except (TypeError, ValueError):
        raise OrderRefused(INCORRECT_SERVICE, field="service") from None
    if not -(2**63) <= pk < 2**63:
        raise OrderRefused(INCORRECT_SERVICE, field="service")
    # services_for's conditions: what is listed is what can be bought.
    service = service_for_sale(service_id=pk, customer_id=customer.pk)
    if service is None:
        raise OrderRefused(INCORRECT_SERVICE, field="service")
    return service


def _lock_link(service: Service, link: str) -> bool:
    """Take the (service, link) lock when the one-active-order rule applies; whether it does."""
    if not link or settings.ORDERS_ALLOW_DUPLICATE_LINKS:
        return False
    # Two requests for the same link could both see "no active order"; a transaction-scoped
    # advisory lock on (service, link) makes the check and the insert one step. The check is
    # in the INSERT (_insert), a later statement: its snapshot sees the order of whoever held
    # the lock before us. (In the lock's own statement it would not.)
    key = zlib.crc32(f"{service.pk}:{link}".encode())
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [7401, key - 2**31])
    return True


def _insert(order: Order, *, event: OrderEvent, refuse_active_link: bool) -> bool:
    """Insert `order` and its first `event` in one statement; False (nothing written) when
    `refuse_active_link` and the service has an active order with the same link."""
    columns, values, params = insert_parts(order)
    condition = ""
    if refuse_active_link:
        # The order_active_link index's condition, so that the check reads that index only.
        condition = (
            f" WHERE NOT EXISTS (SELECT 1 FROM {table(Order)} WHERE service_id = %s AND link = %s "  # noqa: S608
            f"AND NOT (status IN ({', '.join(['%s'] * len(FINAL))})))"
        )
        params += [order.service_id, order.link, *FINAL]
    event_columns, event_values, event_params = insert_parts(event, sql={"order_id": "placed.id"})
    statement = (
        f"WITH placed AS (INSERT INTO {table(Order)} ({columns}) SELECT {values}{condition} RETURNING id), "  # noqa: S608
        f"event AS (INSERT INTO {table(OrderEvent)} ({event_columns}) SELECT {event_values} FROM placed) "
        "SELECT id FROM placed"
    )
    with connection.cursor() as cursor:
        cursor.execute(statement, [*params, *event_params])
        row = cursor.fetchone()
    if row is None:
        return False
    mark_saved(order, row[0])
    return True


@dataclass(frozen=True)
class Quote:
    parsed: ParsedOrder
    charge: Decimal


def order_quote(*, service: Service, rate: Decimal, params: Mapping[str, Any], strict: bool = False) -> Quote:
    """What an order of `service` with `params` would be and cost at `rate` (the customer's),
    as order_place charges it and the order form shows it; OrderRefused when it cannot be.
    `strict`: see order_params_parse."""
    parsed = order_params_parse(service=service, raw=params, strict=strict)
    charge = charge_for(rate, parsed.units, per_package=service.service_type.is_package)
    if charge <= 0:
        raise bad_parameter("quantity", "is too small: the order would cost nothing")
    return Quote(parsed=parsed, charge=charge)


def order_place(*, customer, service_id: Any, params: Mapping[str, Any], strict: bool = False) -> Order:
    """Place an order for `customer`: charged, saved, and queued for the provider on commit.

    Raises OrderRefused (with api-v2.md's texts) and changes nothing when the service,
    a parameter, the link or the balance does not allow it.
    """
    from orders.tasks import submit_order

    service = _service_for_sale(service_id, customer)
    # customer_rate's price, with the factor and the discount read with the service just now.
    rate = discounted_rate(
        service,
        currency_factor=service.provider_currency_factor,
        discount_percent=service.customer_discount_percent or Decimal(0),
    )
    quote = order_quote(service=service, rate=rate, params=params, strict=strict)
    parsed, charge = quote.parsed, quote.charge

    order = Order(
        customer=customer,
        service=service,
        provider_id=service.provider_id,
        link=parsed.link,
        quantity=parsed.units,
        params=parsed.params,
        rate=rate,
        charge=charge,
    )
    event = OrderEvent(order=order, message=f"Placed; charged {money_display(charge)}")
    # Round trips: the service above; then BEGIN, the link's lock, the order with its event,
    # the charge (in a savepoint), COMMIT. tests/perf counts them.
    with transaction.atomic():
        refuse_active_link = _lock_link(service, parsed.link)
        if not _insert(order, event=event, refuse_active_link=refuse_active_link):
            raise OrderRefused(ACTIVE_ORDER_WITH_LINK, field="link")
        try:
            ledger_charge(order=order)
        except InsufficientFunds:
            raise OrderRefused(NOT_ENOUGH_FUNDS) from None
        transaction.on_commit(lambda: submit_order.delay(order.pk))
    return order
