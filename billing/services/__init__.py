"""The only code that moves money: customers' balances and their append-only ledger.

Every movement writes one ledger entry and changes one balance in the same transaction, and the
entry keeps the balance right after it (`balance_after`). Locks are always taken in the same
order, payments before orders before balances and each in primary-key order, so two movements
never wait on each other in a circle.

Errors: `InsufficientFunds` may pass (after a deposit); every other `BillingError` is permanent,
the same call fails again. A refused call has moved nothing.

staff: balances, staff deposits and adjustments, debt write-offs. orders: an order's charge and
refunds. payments: a gateway payment's deposit and bonus, and their reversal (docs/design.md,
"Payments").
"""

from billing.services.base import (
    NOT_ENOUGH_FUNDS,
    REASON_MAX_LENGTH,
    AlreadyCharged,
    AlreadyRecorded,
    BillingError,
    InsufficientFunds,
    OutstandingDebt,
)
from billing.services.orders import ledger_charge, ledger_refund, ledger_refund_many
from billing.services.payments import (
    AlreadyCredited,
    Reversal,
    ledger_payment_deposit,
    ledger_payment_reverse,
)
from billing.services.staff import (
    DebtChanged,
    balance_get_or_create,
    ledger_adjust,
    ledger_deposit,
    ledger_write_off_debt,
)

__all__ = [
    "NOT_ENOUGH_FUNDS",
    "REASON_MAX_LENGTH",
    "AlreadyCharged",
    "AlreadyCredited",
    "AlreadyRecorded",
    "BillingError",
    "DebtChanged",
    "InsufficientFunds",
    "OutstandingDebt",
    "Reversal",
    "balance_get_or_create",
    "ledger_adjust",
    "ledger_charge",
    "ledger_deposit",
    "ledger_payment_deposit",
    "ledger_payment_reverse",
    "ledger_refund",
    "ledger_refund_many",
    "ledger_write_off_debt",
]
