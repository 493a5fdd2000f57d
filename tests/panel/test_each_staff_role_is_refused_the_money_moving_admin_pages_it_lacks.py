"""Each staff role, signed in, tries every admin page and action that moves money, prices a service or
changes a provider: it is let in where its role has the permission and refused (403) everywhere else."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.urls import reverse

from catalog.models import PricingSettings
from orders.models import Order, Submission
from panel.roles import FINANCE, OPERATOR, OWNER, SUPPORT

pytestmark = pytest.mark.django_db

NO_SUCH_PAYMENT = 999_999  # let in: 404 (no such payment); refused: 403 before the lookup


@pytest.fixture
def things(make_customer, place_order, default_service, provider) -> dict:
    order = place_order()
    Order.objects.filter(pk=order.pk).update(submission=Submission.UNKNOWN, flagged=True)
    pricing, _ = PricingSettings.objects.get_or_create()
    return {
        "customer": make_customer("10"),
        "order": order,
        "service": default_service,
        "provider": provider,
        "pricing": pricing,
    }


def _get(name: str, *args) -> Callable:
    return lambda client: client.get(reverse(name, args=args)).status_code


def _post(name: str, *args) -> Callable:
    return lambda client: client.post(reverse(name, args=args), {}).status_code


# page -> (what it does with the things, the roles let in)
PAGES: dict[str, tuple[Callable[[dict], Callable], set[str]]] = {
    "deposit": (lambda t: _get("admin:billing_balance_deposit"), {FINANCE, OWNER}),
    "adjust": (lambda t: _get("admin:billing_balance_adjust", t["customer"].pk), {FINANCE, OWNER}),
    "write off a debt": (
        lambda t: _get("admin:billing_balance_write_off", t["customer"].pk),
        {FINANCE, OWNER},
    ),
    "check a payment": (lambda t: _post("admin:payments_payment_check", NO_SUCH_PAYMENT), {FINANCE, OWNER}),
    "clear a payment's flag": (
        lambda t: _post("admin:payments_payment_clear_flag", NO_SUCH_PAYMENT),
        {FINANCE, OWNER},
    ),
    "add a bonus tier": (lambda t: _post("admin:payments_bonustier_add"), {FINANCE, OWNER}),
    "add a gateway's settings": (lambda t: _post("admin:payments_gatewaysettings_add"), {FINANCE, OWNER}),
    "cancel and refund an order": (
        lambda t: _get("admin:orders_order_cancel", t["order"].pk),
        {OPERATOR, OWNER},
    ),
    "send an order again": (lambda t: _get("admin:orders_order_resend", t["order"].pk), {OPERATOR, OWNER}),
    "attach a provider's id": (lambda t: _get("admin:orders_order_attach", t["order"].pk), {OPERATOR, OWNER}),
    "change a service's price": (
        lambda t: _post("admin:catalog_service_change", t["service"].pk),
        {OPERATOR, OWNER},
    ),
    "change the default markup": (
        lambda t: _post("admin:catalog_pricingsettings_change", t["pricing"].pk),
        {OPERATOR, OWNER},
    ),
    "change a provider": (
        lambda t: _post("admin:provider_provider_change", t["provider"].pk),
        {OPERATOR, OWNER},
    ),
    "change a customer's discount": (
        lambda t: _post("admin:panel_user_change", t["customer"].pk),
        {OPERATOR, OWNER},
    ),
}


@pytest.fixture
def sign_in_with_role(client, make_staff_with_role):
    def sign_in(role: str) -> None:
        client.force_login(make_staff_with_role(role))

    return sign_in


@pytest.mark.parametrize("role", [SUPPORT, FINANCE, OPERATOR, OWNER])
def test_a_role_is_let_in_only_where_it_has_the_permission(client, sign_in_with_role, things, role):
    sign_in_with_role(role)
    answers = {page: try_it(things)(client) for page, (try_it, _) in PAGES.items()}

    refused = {page for page, status in answers.items() if status == 403}
    let_in = {page for page, (_, roles) in PAGES.items() if role in roles}
    assert refused == set(PAGES) - let_in, answers
    assert all(status < 500 for status in answers.values()), answers


def test_support_reads_the_orders_the_customers_and_their_money(client, sign_in_with_role, things):
    sign_in_with_role(SUPPORT)
    for name, args in [
        ("admin:orders_order_changelist", []),
        ("admin:orders_order_change", [things["order"].pk]),
        ("admin:panel_user_change", [things["customer"].pk]),
        ("admin:billing_ledgerentry_changelist", []),
        ("admin:payments_payment_changelist", []),
    ]:
        assert client.get(reverse(name, args=args)).status_code == 200, name
