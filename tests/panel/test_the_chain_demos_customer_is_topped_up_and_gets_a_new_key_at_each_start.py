"""`make run-chain`: panel B buys from this panel as one customer, topped up to its funds and given a
new key at each start (the old key stops working)."""

from decimal import Decimal

import pytest

from billing.audit import ledger_audit
from billing.models import Balance
from orders.services.placing import order_place
from panel.apikeys import api_key_customer
from panel.models import User
from panel.services import chain_reseller_ensure

pytestmark = pytest.mark.django_db


def test_the_first_start_creates_the_customer_with_the_funds_and_a_working_key():
    key = chain_reseller_ensure(email="panel-b@example.com", funds=Decimal("1000"))
    customer = User.objects.get(email="panel-b@example.com")
    assert Balance.objects.get(customer=customer).amount == Decimal("1000")
    assert api_key_customer(key) == customer
    assert not customer.has_usable_password()  # nobody signs in as it


def test_a_later_start_tops_the_balance_up_and_revokes_the_old_key(default_service):
    first = chain_reseller_ensure(email="panel-b@example.com", funds=Decimal("1000"))
    customer = User.objects.get(email="panel-b@example.com")
    order_place(
        customer=customer,
        service_id=default_service.pk,
        params={"link": "https://x.com/a", "quantity": "1000"},
    )
    assert Balance.objects.get(customer=customer).amount < Decimal("1000")

    second = chain_reseller_ensure(email="panel-b@example.com", funds=Decimal("1000"))
    assert Balance.objects.get(customer=customer).amount == Decimal("1000")
    assert api_key_customer(first) is None and api_key_customer(second) == customer
    chain_reseller_ensure(email="panel-b@example.com", funds=Decimal("1000"))
    assert Balance.objects.get(customer=customer).amount == Decimal("1000")  # nothing more when full
    assert ledger_audit() == []
