"""A customer's choice of e-mails."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction

from notifications.models import Preferences


def preferences_of(*, customer_id: int) -> Preferences:
    """The customer's preferences; unsaved defaults (every e-mail off) if they never chose."""
    return Preferences.objects.filter(customer_id=customer_id).first() or Preferences(customer_id=customer_id)


def preferences_update(
    *,
    customer_id: int,
    order_completed: bool,
    order_partial: bool,
    order_canceled: bool,
    payment_credited: bool,
    low_balance_below: Decimal | None,
) -> Preferences:
    """Save the customer's choice (the row is created on the first save)."""
    with transaction.atomic():
        preferences, _ = Preferences.objects.select_for_update().get_or_create(customer_id=customer_id)
        if preferences.low_balance_below != low_balance_below:
            # A new line is a new question: a balance already below it is told at the next check.
            preferences.low_balance_told = False
        preferences.order_completed = order_completed
        preferences.order_partial = order_partial
        preferences.order_canceled = order_canceled
        preferences.payment_credited = payment_credited
        preferences.low_balance_below = low_balance_below
        preferences.save()
    return preferences
