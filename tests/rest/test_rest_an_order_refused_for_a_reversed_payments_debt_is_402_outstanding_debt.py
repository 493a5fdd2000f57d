"""A reseller whose card payment was charged back after the money was spent owes it: an order is
refused with 402 `outstanding_debt` naming the debt, and nothing is charged or placed."""

from decimal import Decimal

from billing.models import Balance
from billing.services import ledger_adjust
from orders.models import Order
from payments.gateways.base import EventKind, GatewayEvent
from payments.models import Payment
from payments.services import payment_event_apply
from tests.reseller_apis import money_state
from tests.rest.conftest import error_of, rest_body


def test_an_order_while_in_debt_is_402_outstanding_debt(
    make_reseller, as_reseller, default_service, new_link
):
    reseller = make_reseller("0")
    Payment.objects.create(
        customer=reseller.customer,
        gateway="stripe",
        gateway_payment_id="cs_1",
        amount=50,
        pay_amount=50,
        pay_currency="USD",
    )
    money = {"gateway_payment_id": "cs_1", "amount": Decimal(50), "currency": "usd"}
    payment_event_apply(
        gateway_code="stripe", event=GatewayEvent("evt_1", EventKind.PAID, **money), source="webhook"
    )
    ledger_adjust(customer=reseller.customer, amount=Decimal(-50), created_by=None, reason="Spent elsewhere")
    chargeback = GatewayEvent("evt_2", EventKind.DISPUTED, reversal_id="dp_1", **money)
    payment_event_apply(gateway_code="stripe", event=chargeback, source="webhook")
    assert Balance.objects.get(customer=reseller.customer).debt == Decimal(50)
    state, orders = money_state(), Order.objects.count()

    response = as_reseller(reseller).post("orders/", rest_body(default_service, new_link()))

    assert response.status_code == 402
    error = error_of(response)
    assert error["code"] == "outstanding_debt" and "50.00 USD" in error["message"]
    assert money_state() == state and Order.objects.count() == orders
