"""The refusals an order can meet, with the texts of api-v2.md that clients match on."""

from __future__ import annotations


class OrderRefused(Exception):
    """A request about an order that cannot be done; nothing was changed.

    `message` is the text to show a customer or return as API v2's `{"error": ...}`; `field`
    names the form field it concerns (None when it concerns the whole request).
    """

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


INCORRECT_SERVICE = "Incorrect service ID"
NOT_ENOUGH_FUNDS = "Not enough funds on balance"
BAD_LINK = "Bad link"
ACTIVE_ORDER_WITH_LINK = "You have active order with this link. Please wait until order being completed."
INCORRECT_ORDER = "Incorrect order ID"
INCORRECT_REQUEST = "Incorrect request"
REFILL_NOT_FOUND = "Refill not found"
REFILL_DISABLED = "Refill is disabled for this service"
CANCEL_DISABLED = "Cancel is disabled for this service"
CANCEL_TOO_LATE = "This order can no longer be canceled"
CANCEL_WHILE_SENDING = "The order is being sent right now; try again in a minute"
CANCEL_ALREADY_REQUESTED = "A cancel was already requested for this order"
REFILL_NOT_COMPLETED = "Only a completed order can be refilled"
REFILL_UNDER_WAY = "A refill of this order is already under way"
IDEMPOTENCY_KEY_REUSED = "This idempotency key was already used for a different order"


def quantity_below(minimum: int) -> str:
    return f"Quantity less than minimal {minimum}"


def quantity_above(maximum: int) -> str:
    return f"Quantity more than maximum {maximum}"


def bad_parameter(name: str, why: str) -> OrderRefused:
    """A malformed parameter: API v2 clients match "Incorrect request"; people read the rest."""
    return OrderRefused(f"{INCORRECT_REQUEST}: {name} {why}", field=name)
