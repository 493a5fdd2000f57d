from decimal import Decimal

import pytest

from billing.models import EntryKind, LedgerEntry
from billing.money import refund_for
from billing.selectors import balance_amount
from billing.services import BillingError, ledger_refund
from tests.billing.factories import OrderFactory

pytestmark = pytest.mark.django_db


def test_a_partial_refund_credits_the_share_and_updates_the_order(funded_customer, charged_order):
    customer = funded_customer("10")
    order = charged_order(customer, "3", quantity=1000)
    share = refund_for(order.charge, undelivered=333, ordered=1000)
    entry = ledger_refund(order=order, amount=share, reason="Partial: 333 of 1000 not delivered")
    assert share == Decimal("0.99900")
    assert (entry.kind, entry.amount, entry.balance_after) == (EntryKind.REFUND, share, Decimal("7.99900"))
    assert entry.order == order and entry.reason == "Partial: 333 of 1000 not delivered"
    order.refresh_from_db()
    assert order.refunded == share
    assert balance_amount(customer_id=customer.pk) == Decimal("7.99900")


def test_the_callers_order_object_shows_the_refund(funded_customer, charged_order):
    order = charged_order(funded_customer("10"), "3")
    ledger_refund(order=order, amount=Decimal("3"), reason="Canceled")
    assert order.refunded == Decimal("3") and order.charged == 0


def test_a_second_refund_of_an_order_moves_nothing_and_returns_none(funded_customer, charged_order, books):
    customer = funded_customer("10")
    order = charged_order(customer, "3")
    ledger_refund(order=order, amount=Decimal("1"), reason="Partial")
    before = books(customer)
    assert ledger_refund(order=order, amount=Decimal("1"), reason="Partial again") is None
    assert books(customer) == before


def test_a_refund_of_zero_writes_nothing(funded_customer, charged_order, books):
    customer = funded_customer("10")
    order = charged_order(customer, "3")
    before = books(customer)
    assert ledger_refund(order=order, amount=Decimal(0), reason="Nothing undelivered") is None
    assert books(customer) == before
    # ...and does not use up the order's one refund.
    assert ledger_refund(order=order, amount=Decimal(3), reason="Canceled") is not None


def test_a_refund_above_the_charge_is_refused(funded_customer, charged_order, books):
    customer = funded_customer("10")
    order = charged_order(customer, "3")
    before = books(customer)
    with pytest.raises(BillingError, match=r"exceeds the 3\.00000 left"):
        ledger_refund(order=order, amount=Decimal("3.00001"), reason="Too much")
    assert books(customer) == before


def test_the_limit_is_read_from_the_database_not_from_a_stale_order_object(funded_customer, charged_order):
    customer = funded_customer("10")
    order = charged_order(customer, "3")
    stale = type(order).objects.get(pk=order.pk)
    stale.charge = Decimal("100")  # what a caller holding an edited object might pass
    with pytest.raises(BillingError, match="exceeds"):
        ledger_refund(order=stale, amount=Decimal("50"), reason="Too much")


@pytest.mark.parametrize("amount", ["-1", "0.000001", "1.234567"])
def test_a_negative_or_too_precise_refund_is_refused(funded_customer, charged_order, books, amount):
    customer = funded_customer("10")
    order = charged_order(customer, "3")
    before = books(customer)
    with pytest.raises(BillingError):
        ledger_refund(order=order, amount=Decimal(amount), reason="Bad")
    assert books(customer) == before


def test_an_order_that_was_never_charged_is_not_refunded(funded_customer, service, books):
    customer = funded_customer("10")
    order = OrderFactory(customer=customer, service=service, charge=Decimal("3"))
    before = books(customer)
    with pytest.raises(BillingError, match="never charged"):
        ledger_refund(order=order, amount=Decimal("3"), reason="Canceled")
    assert books(customer) == before
    assert not LedgerEntry.objects.filter(order=order).exists()


def test_a_long_reason_from_the_panel_is_cut_to_fit_not_a_reason_to_refuse(funded_customer, charged_order):
    order = charged_order(funded_customer("10"), "3")
    entry = ledger_refund(order=order, amount=Decimal("3"), reason="Rejected by provider: " + "<html>" * 200)
    assert len(entry.reason) == 500 and entry.reason.endswith("…")
