"""The API v2 actions: each reads its parameters, calls one service or query, and shapes the answer.

Every function takes the authenticated customer, the request's parameters (strings), the
form that definitions.Action.form_for chose and the caller's address (panel.clientip's; the
blocklist reads it), and returns a JSON-ready answer. A refusal is
`{"error": text}`; a malformed parameter raises parsing.Malformed. Ids travel as numbers; money
(5 decimals), rates and counts as strings.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings

from billing.money import amount_text
from billing.selectors import balance_amount
from catalog.pricing import customer_rate
from catalog.selectors import services_for
from orders.errors import INCORRECT_ORDER, REFILL_NOT_FOUND, OrderRefused
from orders.models import Order
from orders.selectors import PROGRESS_FIELDS, order_progress, refills_of
from orders.services.cancels_refills import customer_refill, order_request_cancel, order_request_refill
from orders.services.idempotency import order_place_idempotent
from panel.api.definitions import ACTIONS, Form
from panel.api.parsing import id_list, id_of, id_or_text
from panel.models import User

Answer = Any
Params = dict[str, str]

# Parameters of the call itself, never an order's.
_CALL_PARAMS = ("key", "action", "service", "idempotency_key")


def _error(text: str) -> dict[str, str]:
    return {"error": text}


def _selected(params: Params, form: Form) -> str:
    assert form.selector is not None
    return params[form.selector]


# -- services, add, balance ---------------------------------------------------------------------


def services(customer: User, params: Params, form: Form, ip: str) -> Answer:
    # services_for selects provider and category with each service: one query for any number.
    return [
        {
            "service": service.pk,
            "name": service.name,
            "type": service.type,
            "category": service.category.name,
            "rate": str(customer_rate(service, customer)),
            "min": str(service.min_quantity),
            "max": str(service.max_quantity),
            "refill": service.refill,
            "cancel": service.cancel,
            "dripfeed": service.offers_dripfeed,
            "desc": service.description,
        }
        for service in services_for(customer)
    ]


def add(customer: User, params: Params, form: Form, ip: str) -> Answer:
    """Every parameter but key, action and service goes to order_place: the service's type picks."""
    order_params = {name: value for name, value in params.items() if name not in _CALL_PARAMS}
    try:
        order, _ = order_place_idempotent(
            customer=customer,
            service_id=params.get("service"),
            params=order_params,
            key=params.get("idempotency_key"),
            ip=ip,
        )
    except OrderRefused as refused:
        return _error(refused.message)
    return {"order": order.pk}


def balance(customer: User, params: Params, form: Form, ip: str) -> Answer:
    return {
        "balance": amount_text(balance_amount(customer_id=customer.pk)),
        "currency": settings.PANEL_CURRENCY,
    }


# -- status -------------------------------------------------------------------------------------


def _status_of(order: Order) -> dict[str, str]:
    progress = order_progress(order)
    return {
        "charge": amount_text(progress.charged),
        # "0" until the provider tells: clients read start_count as a number.
        "start_count": str(progress.start_count or 0),
        "status": str(progress.status),
        "remains": str(progress.remains),
        "currency": settings.PANEL_CURRENCY,
    }


def _orders_of(customer: User, ids: Iterable[int]) -> dict[int, Order]:
    """The customer's orders among `ids`, by id, in one query."""
    rows = Order.objects.filter(customer=customer, pk__in=list(ids)).only(*PROGRESS_FIELDS)
    return {order.pk: order for order in rows}


def status(customer: User, params: Params, form: Form, ip: str) -> Answer:
    if not form.many:
        pk = id_of(_selected(params, form))
        order = _orders_of(customer, [pk]).get(pk) if pk is not None else None
        return _status_of(order) if order is not None else _error(INCORRECT_ORDER)
    entries = id_list(_selected(params, form))
    found = _orders_of(customer, [pk for pk in map(id_of, entries) if pk is not None])
    answer = {}
    for entry in entries:
        order = found.get(id_of(entry))  # type: ignore[arg-type]
        answer[entry] = _status_of(order) if order is not None else _error(INCORRECT_ORDER)
    return answer


# -- refill, refill_status, cancel ----------------------------------------------------------------


def _each(entries: list[str], call: Callable[[int], Any], not_found: str) -> list[tuple[str, Any]]:
    """(entry, call(id) or an error) for each entry of an id list, each call on its own."""
    results = []
    for entry in entries:
        pk = id_of(entry)
        if pk is None:
            results.append((entry, _error(not_found)))
            continue
        try:
            results.append((entry, call(pk)))
        except OrderRefused as refused:
            results.append((entry, _error(refused.message)))
    return results


def _refill_id(customer: User) -> Callable[[int], int]:
    return lambda pk: order_request_refill(customer=customer, order_id=pk).pk


def refill(customer: User, params: Params, form: Form, ip: str) -> Answer:
    if not form.many:
        ((_, result),) = _each([_selected(params, form)], _refill_id(customer), INCORRECT_ORDER)
        return result if isinstance(result, dict) else {"refill": result}
    results = _each(id_list(_selected(params, form)), _refill_id(customer), INCORRECT_ORDER)
    return [{"order": id_or_text(entry), "refill": result} for entry, result in results]


def refill_status(customer: User, params: Params, form: Form, ip: str) -> Answer:
    if not form.many:
        pk = id_of(_selected(params, form))
        try:
            found = customer_refill(customer=customer, refill_id=pk) if pk is not None else None
        except OrderRefused:
            found = None
        return {"status": found.status} if found is not None else _error(REFILL_NOT_FOUND)
    entries = id_list(_selected(params, form))
    ids = [pk for pk in map(id_of, entries) if pk is not None]
    statuses = dict(refills_of(customer).filter(pk__in=ids).values_list("pk", "status"))
    return [
        {
            "refill": id_or_text(entry),
            "status": statuses.get(id_of(entry), _error(REFILL_NOT_FOUND)),  # type: ignore[arg-type]
        }
        for entry in entries
    ]


def cancel(customer: User, params: Params, form: Form, ip: str) -> Answer:
    def request(pk: int) -> int:
        order_request_cancel(customer=customer, order_id=pk)
        return 1

    results = _each(id_list(_selected(params, form)), request, INCORRECT_ORDER)
    return [{"order": id_or_text(entry), "cancel": result} for entry, result in results]


HANDLERS: dict[str, Callable[[User, Params, Form, str], Answer]] = {
    "services": services,
    "add": add,
    "status": status,
    "refill": refill,
    "refill_status": refill_status,
    "cancel": cancel,
    "balance": balance,
}

if HANDLERS.keys() != ACTIONS.keys():  # pragma: no cover (caught by the first test run)
    raise ImportError(f"API v2 handlers {sorted(HANDLERS)} differ from its definitions {sorted(ACTIONS)}")
