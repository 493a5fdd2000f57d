"""The dashboards' money: what a customer spent on orders, and revenue by day, are charges less
refunds; deposits and adjustments are not orders' money."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone

from billing.models import LedgerEntry
from billing.selectors import revenue_by_day, spent_on_orders
from billing.services import ledger_adjust, ledger_refund

pytestmark = pytest.mark.django_db


def test_spent_is_charges_less_refunds_of_that_customer_only(funded_customer, charged_order):
    customer, other = funded_customer("100"), funded_customer("100")
    first = charged_order(customer, "10")
    charged_order(customer, "2.5")
    charged_order(other, "7")
    with transaction.atomic():
        ledger_refund(order=first, amount=Decimal("4"), reason="partial")
    ledger_adjust(customer=customer, amount=Decimal("-1"), created_by=None, reason="fee")
    assert spent_on_orders(customer_id=customer.pk) == Decimal("8.5")
    assert spent_on_orders(customer_id=other.pk) == Decimal("7")
    assert spent_on_orders(customer_id=funded_customer().pk) == Decimal("0")


def test_revenue_by_day_counts_each_day_from_the_start_given(funded_customer, charged_order):
    customer = funded_customer("100")
    today = timezone.localdate()
    start_today = timezone.make_aware(datetime.datetime.combine(today, datetime.time.min))
    old = charged_order(customer, "3")
    LedgerEntry.objects.filter(order=old).update(created_at=start_today - datetime.timedelta(hours=1))
    recent = charged_order(customer, "5")
    with transaction.atomic():
        ledger_refund(order=recent, amount=Decimal("1.25"), reason="partial")
    yesterday = today - datetime.timedelta(days=1)
    assert revenue_by_day(since=start_today - datetime.timedelta(days=1)) == {
        yesterday: Decimal("3"),
        today: Decimal("3.75"),
    }
    assert revenue_by_day(since=start_today) == {today: Decimal("3.75")}
