"""Placing an order: validate, price, charge and save in one transaction, then queue it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction

from billing.money import charge_for, money_display
from billing.services import InsufficientFunds, OutstandingDebt, ledger_charge
from catalog.models import Service
from catalog.pricing import discounted_rate
from catalog.selectors import service_for_sale
from fraud.models import BlockKind
from fraud.services import BLOCKED, blocked_text, blocklist_match
from fraud.services.freezing import ACCOUNT_FROZEN, ACCOUNT_FROZEN_CODE
from orders.errors import (
    ACTIVE_ORDER_WITH_LINK,
    INCORRECT_SERVICE,
    NOT_ENOUGH_FUNDS,
    OUTSTANDING_DEBT,
    OrderRefused,
    bad_parameter,
)
from orders.models import Order, OrderEvent, Submission
from orders.services.params import ParsedOrder, order_params_parse


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


def order_place(
    *, customer, service_id: Any, params: Mapping[str, Any], strict: bool = False, ip: str | None = None
) -> Order:
    """Place an order for `customer`: charged, saved, and queued for the provider on commit.

    Raises OrderRefused (with docs/api-v2.md's texts) and changes nothing when the account is
    frozen, the service, a parameter, the link or the balance does not allow it, or the blocklist
    holds the customer's e-mail, their address `ip` (panel.clientip's) or the link.
    """
    from orders.tasks import submit_order

    if customer.frozen_at is not None:
        raise OrderRefused(ACCOUNT_FROZEN, code=ACCOUNT_FROZEN_CODE)
    service = _service_for_sale(service_id, customer)
    # customer_rate's price, with the factor, discount and custom rate read with the service just now.
    rate = discounted_rate(
        service,
        currency_factor=service.provider_currency_factor,
        discount_percent=service.customer_discount_percent or Decimal(0),
        custom_fixed_rate=service.custom_fixed_rate,
        custom_markup_percent=service.custom_markup_percent,
    )
    quote = order_quote(service=service, rate=rate, params=params, strict=strict)
    parsed, charge = quote.parsed, quote.charge
    # One query, whatever is asked (fraud.services.blocklist_match).
    rule = blocklist_match(email=customer.email, ip=ip, link=parsed.link or None)
    if rule is not None:
        raise OrderRefused(
            blocked_text(rule), code=BLOCKED, field="link" if rule.kind == BlockKind.LINK else None
        )

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
    # Round trips: the service and the blocklist above; then BEGIN, the link's lock, the order with its event,
    # the charge (in a savepoint), COMMIT. tests/perf counts them.
    # One active order per link, unless the link is empty or duplicates are allowed: the customer's
    # second is refused, as the provider would; another customer's waits for the link, since
    # refusing it would tell them of someone else's order and let one customer block another.
    one_per_link = bool(parsed.link) and not settings.ORDERS_ALLOW_DUPLICATE_LINKS
    if service.manual:
        # Staff deliver it (the admin's Manual queue): never queued for a provider, so never
        # forwarded, and no provider refuses a second order on a link.
        order.submission, one_per_link = Submission.MANUAL, False
    with transaction.atomic():
        if one_per_link:
            Order.objects.lock_link(service_id=service.pk, link=parsed.link)
        if not Order.objects.insert_placed(order, event=event, one_per_link=one_per_link):
            raise OrderRefused(ACTIVE_ORDER_WITH_LINK, field="link")
        try:
            ledger_charge(order=order)
        except OutstandingDebt as refusal:
            raise OrderRefused(str(refusal), code=OUTSTANDING_DEBT) from None
        except InsufficientFunds:
            raise OrderRefused(NOT_ENOUGH_FUNDS) from None
        if order.submission == Submission.QUEUED:  # a waiting one is queued when its link is free
            # robust: the order is committed and charged; a broker that is down (Redis
            # restarting) must not turn its answer into an error. The sweeper queues it again.
            transaction.on_commit(lambda: submit_order.delay(order.pk), robust=True)
    return order


@dataclass
class MassLine:
    number: int  # in the text the customer sent, from 1
    line: str
    order: Order | None = None
    error: str = ""


@dataclass
class MassResult:
    lines: list[MassLine]

    @property
    def placed(self) -> list[Order]:
        return [line.order for line in self.lines if line.order is not None]

    @property
    def failed(self) -> list[MassLine]:
        return [line for line in self.lines if line.order is None]

    @property
    def charged(self) -> Decimal:
        return sum((order.charge for order in self.placed), Decimal(0))


def _mass_line_params(line: str) -> tuple[str, dict[str, str]] | None:
    """(service id, params) of a `service_id | link | quantity` line; None when it is not that shape."""
    parts = [part.strip() for part in line.split("|")]
    if len(parts) == 2 and parts[0] and parts[1]:
        return parts[0], {"link": parts[1]}
    if len(parts) == 3 and all(parts):
        return parts[0], {"link": parts[1], "quantity": parts[2]}
    return None


def orders_place_mass(*, customer, lines: list[tuple[int, str]], ip: str | None = None) -> MassResult:
    """Places each `service_id | link | quantity` line as its own order (each its own charge and
    transaction: a refused line does not undo the others), and tells each line's outcome."""
    result = MassResult(lines=[])
    for number, line in lines:
        outcome = MassLine(number=number, line=line)
        result.lines.append(outcome)
        parsed = _mass_line_params(line)
        if parsed is None:
            outcome.error = "Write: service ID | link | quantity"
            continue
        service_id, params = parsed
        try:
            outcome.order = order_place(customer=customer, service_id=service_id, params=params, ip=ip)
        except OrderRefused as error:
            outcome.error = error.shown
    return result
