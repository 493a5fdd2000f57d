"""Payments' services: starting a payment at a gateway (checkout) and applying what the gateway
confirms (events). Money moves only through billing.services."""

from payments.services.checkout import (
    Method,
    PaymentRefused,
    Quote,
    bonus_for,
    methods_offered,
    payment_create,
    payment_quote,
)
from payments.services.events import (
    UnknownGateway,
    payment_check,
    payment_event_apply,
    payment_return,
    payment_webhook_receive,
    payments_check_open,
)
from payments.services.staff import FlagNotCleared, payment_flag_clear

__all__ = [
    "FlagNotCleared",
    "Method",
    "PaymentRefused",
    "Quote",
    "UnknownGateway",
    "bonus_for",
    "methods_offered",
    "payment_check",
    "payment_create",
    "payment_event_apply",
    "payment_flag_clear",
    "payment_quote",
    "payment_return",
    "payment_webhook_receive",
    "payments_check_open",
]
