"""Staff's final word on an order: settling a flagged or unknown order by hand, and the Manual
queue of manual services' orders (started, completed, partially completed or canceled by staff).

Money moves as polling moves it (docs/design.md rule 5), through billing alone: Completed refunds
nothing, Partial the undelivered share of the order's own charge (billing.money.refund_for, rounded
down), Canceled all that is left. Each settles once: the order's row is locked and a final order
is refused, so a second submit, or polling meanwhile, changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from billing.money import ZERO, refund_for
from billing.services import ledger_refund
from orders.errors import CANCEL_TOO_LATE, OrderRefused
from orders.models import FINAL, Order, OrderEvent, Submission
from orders.selectors import order_progress
from orders.services.operations import order_locked
from orders.services.polling import _release_links_of
from provider.statuses import OrderStatus
from webhooks.services import OrderStatusChange, webhook_events_record

OUTCOMES = (OrderStatus.COMPLETED, OrderStatus.PARTIAL, OrderStatus.CANCELED)
REASON_REQUIRED = "A reason is required"
NOT_SETTLEABLE_BY_HAND = (
    "Only an order whose outcome is unknown, or a sent order flagged by polling, is settled by hand"
)
IN_MANUAL_QUEUE = "A manual service's order is settled from the Manual queue"
NOT_MANUAL = "This order is not a manual service's: it is settled by its provider"
NOT_PENDING_MANUAL = "Only a pending order of a manual service can be started"


def _by_hand_refusal(order: Order) -> str | None:
    """The orders an admin may settle by hand: `unknown` (the provider may have it; staff
    looked), or `sent` and flagged (polling cannot read the provider's answer). Not a queued
    or sending one: it is not at the provider, or a worker's `add` is under way."""
    if order.submission == Submission.UNKNOWN or (order.submission == Submission.SENT and order.flagged):
        return None
    return IN_MANUAL_QUEUE if order.submission == Submission.MANUAL else NOT_SETTLEABLE_BY_HAND


def _manual_refusal(order: Order) -> str | None:
    return None if order.submission == Submission.MANUAL else NOT_MANUAL


def _settle(
    *,
    order_id: int,
    actor,
    outcome: str,
    delivered: int | None,
    note: str,
    refusal: Callable[[Order], str | None],
    who: str,
) -> Order:
    if outcome not in OUTCOMES:
        raise OrderRefused("Choose Completed, Partial or Canceled", field="outcome")
    with transaction.atomic():
        order = order_locked(order_id=order_id)  # a second submit waits, then finds it final
        if order.status in FINAL:
            raise OrderRefused(f"Order {order.pk} is already {order.status}; nothing was changed")
        if why := refusal(order):
            raise OrderRefused(why)
        remains = _remains(order, outcome, delivered)
        previous = order_progress(order).status
        if outcome == OrderStatus.CANCELED:
            amount = order.charge - order.refunded
        else:
            amount = refund_for(
                order.charge, undelivered=remains, ordered=order.quantity, already_refunded=order.refunded
            )
        order.status, order.remains = outcome, remains
        order.flagged, order.unknown_polls = False, 0
        if outcome != OrderStatus.CANCELED:
            order.completed_at = timezone.now()  # the refill window counts from here
        elif order.submission == Submission.UNKNOWN:
            order.submission = Submission.REJECTED  # staff found it was never placed
        if note:
            order.error = note
        order.save(
            update_fields=[
                *("status", "remains", "flagged", "unknown_polls", "completed_at", "submission"),
                *("error", "updated_at"),
            ]
        )
        done = f"{order.quantity - remains} of {order.quantity} delivered"
        message = f"{outcome} by {who} ({done})"
        if amount > ZERO:
            ledger_refund(order=order, amount=amount, reason=f"{message}: {note}" if note else message)
            message += f"; refunded {amount} {settings.PANEL_CURRENCY}"
        OrderEvent.objects.create(
            order=order,
            actor=actor,
            message=(f"{message}: {note}" if note else message)[:500],
            shown=OrderStatus(outcome).label,
        )
        webhook_events_record(changes=[OrderStatusChange(order=order, previous_status=previous)])
        _release_links_of(orders=[order])
    order.refresh_from_db()
    return order


def _remains(order: Order, outcome: str, delivered: int | None) -> int:
    if outcome == OrderStatus.COMPLETED:
        return 0
    if outcome == OrderStatus.CANCELED:
        return order.quantity
    if delivered is None or not 0 < delivered < order.quantity:
        raise OrderRefused(
            f"A partial order delivered more than 0 and less than its {order.quantity}", field="delivered"
        )
    return order.quantity - delivered


def order_settle_by_hand(
    *, order_id: int, actor, outcome: str, delivered: int | None = None, reason: str
) -> Order:
    """Settle a flagged or unknown order as staff found it at the provider: Completed, Partial
    (`delivered` of its quantity, the rest refunded) or Canceled (refunded in full), with `reason`.

    Raises OrderRefused, with nothing changed, for another order, a final one, a missing reason
    or a `delivered` that is not between 0 and the quantity (both excluded).
    """
    reason = reason.strip()
    if not reason:
        raise OrderRefused(REASON_REQUIRED, field="reason")
    return _settle(
        order_id=order_id,
        actor=actor,
        outcome=outcome,
        delivered=delivered,
        note=reason,
        refusal=_by_hand_refusal,
        who="staff, by hand",
    )


def manual_order_start(*, order_id: int, actor) -> Order:
    """A staff member takes a pending manual order: In progress."""
    with transaction.atomic():
        order = Order.objects.select_for_update(of=("self",)).filter(pk=order_id).first()
        if order is None or order.submission != Submission.MANUAL or order.status != OrderStatus.PENDING:
            raise OrderRefused(NOT_PENDING_MANUAL)
        order.status = OrderStatus.IN_PROGRESS
        order.save(update_fields=["status", "updated_at"])
        OrderEvent.objects.create(
            order=order, actor=actor, message="Started by staff", shown=OrderStatus.IN_PROGRESS.label
        )
        webhook_events_record(changes=[OrderStatusChange(order=order, previous_status=OrderStatus.PENDING)])
    return order


def manual_order_settle(
    *, order_id: int, actor, outcome: str, delivered: int | None = None, note: str = ""
) -> Order:
    """A manual order done by staff: Completed, Partial (`delivered` of it) or Canceled; money as
    for a provider's order. Raises OrderRefused, with nothing changed, for another kind of order,
    a final one, or a `delivered` out of bounds."""
    return _settle(
        order_id=order_id,
        actor=actor,
        outcome=outcome,
        delivered=delivered,
        note=note.strip(),
        refusal=_manual_refusal,
        who="staff",
    )


def manual_order_cancel_by_customer(*, order_id: int, customer, actor=None) -> Order:
    """The customer's cancel of a manual order staff have not started (asked by `actor`, staff on
    a ticket, when given): refunded in full at once."""

    def refusal(order: Order) -> str | None:
        if order.customer_id != customer.pk or order.submission != Submission.MANUAL:
            return NOT_MANUAL
        return None if order.status == OrderStatus.PENDING else CANCEL_TOO_LATE

    return _settle(
        order_id=order_id,
        actor=actor or customer,
        outcome=OrderStatus.CANCELED,
        delivered=None,
        note="",
        refusal=refusal,
        who=("the customer" if actor is None else "staff for the customer") + " before staff started it",
    )
