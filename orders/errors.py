"""The refusals an order can meet, with the texts of docs/api-v2.md that clients match on."""

from __future__ import annotations


class OrderRefused(Exception):
    """A request about an order that cannot be done; nothing was changed.

    `message` is the text to show a customer or return as API v2's `{"error": ...}`; `field`
    names the form field it concerns (None when it concerns the whole request); `code` is the
    refusal's stable name, what the REST API's clients match on (CODES), `refused` for the
    refusals only staff meet. `shown` is what a page tells a person: the protocol's texts in
    plain English ("The minimum for this service is 50"), `plain` when the raiser gives it.
    """

    def __init__(
        self, message: str, *, field: str | None = None, code: str | None = None, plain: str | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.code = code or CODES.get(message, REFUSED)
        self._plain = plain

    @property
    def shown(self) -> str:
        return self._plain or PLAIN.get(self.message) or _readable(self.message)


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
REFILL_PERIOD_EXPIRED = "Refill period has expired for this order"
IDEMPOTENCY_KEY_REUSED = "This idempotency key was already used for a different order"


# The stable name of each refusal above; those whose text carries a number or a reason have theirs
# given where they are raised.
CODES: dict[str, str] = {
    INCORRECT_SERVICE: "incorrect_service",
    NOT_ENOUGH_FUNDS: "not_enough_funds",
    BAD_LINK: "bad_link",
    ACTIVE_ORDER_WITH_LINK: "active_order_with_link",
    INCORRECT_ORDER: "order_not_found",
    INCORRECT_REQUEST: "invalid_parameter",
    REFILL_NOT_FOUND: "refill_not_found",
    REFILL_DISABLED: "refill_disabled",
    CANCEL_DISABLED: "cancel_disabled",
    CANCEL_TOO_LATE: "cancel_too_late",
    CANCEL_WHILE_SENDING: "order_being_sent",
    CANCEL_ALREADY_REQUESTED: "cancel_already_requested",
    REFILL_NOT_COMPLETED: "refill_not_possible",
    REFILL_UNDER_WAY: "refill_under_way",
    REFILL_PERIOD_EXPIRED: "refill_period_expired",
    IDEMPOTENCY_KEY_REUSED: "idempotency_key_reused",
}
# The API v2 texts that clients match on, as a page says them.
PLAIN: dict[str, str] = {
    INCORRECT_SERVICE: "That service does not exist or is no longer for sale.",
    NOT_ENOUGH_FUNDS: "Your balance is too low for this order. Add funds and try again.",
    BAD_LINK: "That link cannot be used: write the full address, starting with https://.",
    ACTIVE_ORDER_WITH_LINK: "You already have an active order on this link. Wait until it is completed.",
    INCORRECT_ORDER: "No such order.",
    INCORRECT_REQUEST: "Something in this request is not right. Check the fields and try again.",
    REFILL_NOT_FOUND: "No such refill.",
}


def _readable(message: str) -> str:
    """API v2's "Incorrect request: quantity is required" as a person says it: "Quantity is required"."""
    prefix = f"{INCORRECT_REQUEST}: "
    if message.startswith(prefix):
        message = message[len(prefix) :]
        message = message[:1].upper() + message[1:]
    return message.replace("_", " ")


# A reversed payment left a debt (billing.services.OutstandingDebt, whose text names the amount).
OUTSTANDING_DEBT = "outstanding_debt"
QUANTITY_BELOW_MINIMUM = "quantity_below_minimum"
QUANTITY_ABOVE_MAXIMUM = "quantity_above_maximum"
REFUSED = "refused"


def quantity_below(minimum: int) -> str:
    return f"Quantity less than minimal {minimum}"


def quantity_above(maximum: int) -> str:
    return f"Quantity more than maximum {maximum}"


def bad_parameter(name: str, why: str) -> OrderRefused:
    """A malformed parameter: API v2 clients match "Incorrect request"; people read the rest."""
    return OrderRefused(f"{INCORRECT_REQUEST}: {name} {why}", field=name, code=CODES[INCORRECT_REQUEST])
