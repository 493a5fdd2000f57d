"""Reads of payments for the customer's pages; they never lock or write."""

from __future__ import annotations

from django.db.models import QuerySet

from payments.models import Payment


def customer_payments(*, customer_id: int) -> QuerySet[Payment]:
    """The customer's own payments, newest first (the index payment_customer_recent)."""
    return Payment.objects.filter(customer_id=customer_id).order_by("-id")
