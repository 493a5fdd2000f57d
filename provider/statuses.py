"""The API v2 vocabularies (order and refill statuses, refusal kinds), and how the spellings
providers really send map onto them.

Only `TextChoices` come from Django here, so the module imports without configured settings.
"""

import re
from typing import Any

from django.db import models


class OrderStatus(models.TextChoices):
    PENDING = "Pending", "Pending"
    IN_PROGRESS = "In progress", "In progress"
    PROCESSING = "Processing", "Processing"
    COMPLETED = "Completed", "Completed"
    PARTIAL = "Partial", "Partial"
    CANCELED = "Canceled", "Canceled"


# Once an order is in one of these, nothing the provider says later may move it (or its money) again.
FINAL_STATUSES = frozenset({OrderStatus.COMPLETED, OrderStatus.PARTIAL, OrderStatus.CANCELED})


class RefillStatus(models.TextChoices):
    PENDING = "Pending", "Pending"
    IN_PROGRESS = "In progress", "In progress"
    COMPLETED = "Completed", "Completed"
    REJECTED = "Rejected", "Rejected"


FINAL_REFILL_STATUSES = frozenset({RefillStatus.COMPLETED, RefillStatus.REJECTED})


class RefusalKind(models.TextChoices):
    """What a provider's `{"error": ...}` means, as `classify_refusal` reads it."""

    BAD_SERVICE = "bad_service", "Unknown or disabled service"
    BAD_LINK = "bad_link", "Bad link"
    OUT_OF_BOUNDS = "out_of_bounds", "Quantity out of the service's bounds"
    FUNDS = "funds", "Provider balance too low"
    DUPLICATE_LINK = "duplicate_link", "Active order with this link"
    RATE_LIMIT = "rate_limit", "Too many requests"
    BAD_KEY = "bad_key", "Invalid API key"
    BAD_REQUEST = "bad_request", "Incorrect request"
    NOT_FOUND = "not_found", "Order or refill not found"
    DISABLED = "disabled", "Refill or cancel disabled"
    OTHER = "other", "Unrecognised error"


def squash(raw: str) -> str:
    """`raw` lower-cased without spaces, underscores and hyphens: "In_progress" -> "inprogress"."""
    return re.sub(r"[\s_\-]+", "", raw).lower()


# Numeric codes, as Perfect Panel-style panels number their statuses (and as the clients built
# for them read them back): 0 Pending, 1 In progress, 2 Completed, 3 Partial, 4 Canceled,
# 5 Processing. No panel documents them; this is the common reading and no other is known.
_ORDER_CODES = {
    0: OrderStatus.PENDING,
    1: OrderStatus.IN_PROGRESS,
    2: OrderStatus.COMPLETED,
    3: OrderStatus.PARTIAL,
    4: OrderStatus.CANCELED,
    5: OrderStatus.PROCESSING,
}

# Keys are squashed spellings. Only what is known to mean a status is here: a final status is
# never inferred from a word that merely resembles one.
_ORDER_WORDS = {
    "pending": OrderStatus.PENDING,
    "inprogress": OrderStatus.IN_PROGRESS,
    "active": OrderStatus.IN_PROGRESS,
    # A subscription's states (Perfect Panel's Subscriptions): Paused may resume, so it is not final;
    # Expired ends it with whatever posts were left unserved, read as Partial (and settled by
    # orders.services.polling: Completed when nothing remains).
    "paused": OrderStatus.IN_PROGRESS,
    "expired": OrderStatus.PARTIAL,
    "processing": OrderStatus.PROCESSING,
    "completed": OrderStatus.COMPLETED,
    "complete": OrderStatus.COMPLETED,
    "partial": OrderStatus.PARTIAL,
    "partiallycompleted": OrderStatus.PARTIAL,
    "partiallyrefunded": OrderStatus.PARTIAL,
    "canceled": OrderStatus.CANCELED,
    "cancelled": OrderStatus.CANCELED,
    "cancel": OrderStatus.CANCELED,
    "refunded": OrderStatus.CANCELED,
}

# Refills have no numeric codes in the wild worth trusting, so numbers map to None.
_REFILL_WORDS = {
    "pending": RefillStatus.PENDING,
    "inprogress": RefillStatus.IN_PROGRESS,
    "active": RefillStatus.IN_PROGRESS,
    "processing": RefillStatus.IN_PROGRESS,
    "completed": RefillStatus.COMPLETED,
    "complete": RefillStatus.COMPLETED,
    "rejected": RefillStatus.REJECTED,
    "refused": RefillStatus.REJECTED,
    "canceled": RefillStatus.REJECTED,
    "cancelled": RefillStatus.REJECTED,
    "cancel": RefillStatus.REJECTED,
    "failed": RefillStatus.REJECTED,
}


def _code(raw: Any) -> int | None:
    # bool is an int, but True is no status code.
    if isinstance(raw, int) and not isinstance(raw, bool):
        return raw
    if isinstance(raw, str) and raw.strip().isascii() and raw.strip().isdigit():
        return int(raw.strip())
    return None


def normalize_order_status(raw: Any) -> OrderStatus | None:
    """The status `raw` means, or None when it is empty, "Unknown" or not recognised.

    None means "no news": the caller keeps the order as it was and must never treat it as final.
    """
    if raw is None:
        return None
    code = _code(raw)
    if code is not None:
        return _ORDER_CODES.get(code)
    if not isinstance(raw, str):
        return None
    return _ORDER_WORDS.get(squash(raw))


def normalize_refill_status(raw: Any) -> RefillStatus | None:
    """The refill status `raw` means, or None when it is empty, unknown or numeric."""
    if not isinstance(raw, str) or _code(raw) is not None:
        return None
    return _REFILL_WORDS.get(squash(raw))


# Refusals that no repetition can fix. Everything else (funds, an active order on the link, rate
# limits, a bad key the admin can fix, unrecognised text) may pass.
PERMANENT_KINDS = frozenset(
    {
        RefusalKind.BAD_SERVICE,
        RefusalKind.BAD_LINK,
        RefusalKind.OUT_OF_BOUNDS,
        RefusalKind.BAD_REQUEST,
        RefusalKind.NOT_FOUND,
        RefusalKind.DISABLED,
    }
)

# Checked in order, on the lower-cased text with punctuation turned into spaces, so the standard
# texts and untranslated keys (`neworder.error.min_quantity`) read alike. Earlier rows win:
# "service not found" is a bad service before it is a generic "not found".
_REFUSAL_PATTERNS: tuple[tuple[RefusalKind, tuple[str, ...]], ...] = (
    (RefusalKind.BAD_KEY, ("api key", "apikey", "invalid key", "incorrect key", "wrong key", "unauthorized")),
    (RefusalKind.FUNDS, ("enough funds", "insufficient", "no funds", "balance")),
    (RefusalKind.DUPLICATE_LINK, ("active order", "link duplicate", "duplicate")),
    (RefusalKind.RATE_LIMIT, ("too many", "rate limit", "slow down", "try again later", "try later")),
    (
        RefusalKind.BAD_SERVICE,
        (
            "incorrect service",
            "invalid service",
            "unknown service",
            "service id",
            "service not found",
            "service is disabled",
            "service disabled",
            "no such service",
        ),
    ),
    (
        RefusalKind.OUT_OF_BOUNDS,
        (
            "quantity less",
            "quantity more",
            "min quantity",
            "max quantity",
            "minimal",
            "maximal",
            "minimum",
            "maximum",
            "incorrect quantity",
            "invalid quantity",
        ),
    ),
    (
        RefusalKind.BAD_LINK,
        (
            "bad link",
            "invalid link",
            "incorrect link",
            "wrong link",
            "link is invalid",
            "link invalid",
            "invalid url",
            "incorrect url",
            "bad url",
            "link format",
        ),
    ),
    (RefusalKind.DISABLED, ("disabled", "not allowed", "not enabled")),
    (
        RefusalKind.NOT_FOUND,
        (
            "incorrect order",
            "invalid order",
            "order not found",
            "refill not found",
            "not found",
            "incorrect refill",
            "invalid refill",
            "order id",
        ),
    ),
    (
        RefusalKind.BAD_REQUEST,
        (
            "incorrect request",
            "invalid request",
            "bad request",
            "action",
            "required",
            "missing",
            "incorrect parameter",
            "invalid parameter",
        ),
    ),
)


def classify_refusal(message: str) -> RefusalKind:
    """What a provider's error text means, by meaning (substring or untranslated key), never by equality."""
    words = " " + " ".join("".join(c if c.isalnum() else " " for c in message.lower()).split()) + " "
    for kind, patterns in _REFUSAL_PATTERNS:
        if any(pattern in words for pattern in patterns):
            return kind
    return RefusalKind.OTHER
