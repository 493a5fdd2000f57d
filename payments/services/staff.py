"""What staff do to a payment from the admin: none of it moves money."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from payments.models import Payment

if TYPE_CHECKING:
    from panel.models import User

FLAG_REASON_MAX_LENGTH = Payment._meta.get_field("flag_reason").max_length


class FlagNotCleared(Exception):
    """The flag could not be cleared (no reason given, or the payment is not flagged)."""


def payment_flag_clear(*, payment_id: int, cleared_by: User, reason: str) -> Payment:
    """Clear a payment's needs-attention flag, with a required reason; no money moves.

    The flag's reason is kept, after who cleared it, when and why, so the change page still tells
    what was wrong. A debt the flag told of stays the customer's (billing's write-off is separate).
    """
    text = " ".join(reason.split())
    if not text:
        raise FlagNotCleared("Say why the flag is cleared.")
    with transaction.atomic():
        # The row lock orders this after an event being applied (it locks the payment first too).
        payment = Payment.objects.select_for_update().get(pk=payment_id)
        if not payment.flagged:
            raise FlagNotCleared("This payment is not flagged.")
        cleared = f"Cleared by {cleared_by.email} on {timezone.now():%Y-%m-%d %H:%M} UTC: {text}"
        was = f" (was: {payment.flag_reason})" if payment.flag_reason else ""
        payment.flagged = False
        payment.flag_reason = (cleared + was)[:FLAG_REASON_MAX_LENGTH]
        payment.save(update_fields=["flagged", "flag_reason", "updated_at"])
    return payment
