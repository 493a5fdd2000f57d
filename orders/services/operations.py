"""What admins and support staff do to an order that needs attention. Each leaves an event."""

from __future__ import annotations

from collections.abc import Collection

from django.db import IntegrityError, transaction

from billing.services import ledger_refund
from notifications.services import notices_record_orders
from orders.errors import OrderRefused
from orders.models import FINAL, CancelState, Order, OrderEvent, Submission
from provider.statuses import OrderStatus
from webhooks.services import OrderStatusChange, webhook_events_record

RESOLVABLE = [Submission.UNKNOWN, Submission.QUEUED, Submission.SENDING]


def order_reject_and_refund(
    *, order: Order, from_submissions: Collection[Submission], error: str, refund_reason: str, event: str
) -> bool:
    """Take `order` from one of `from_submissions` to rejected and Canceled, refund what is left of
    its charge, and record `event` and the status change, in one transaction.

    Returns False, with nothing changed, when the order was in none of `from_submissions` (a
    worker, the sweeper or another request moved it first). Updates `order` from the database.
    """
    with transaction.atomic():
        if not Order.objects.filter(pk=order.pk, submission__in=from_submissions).update(
            submission=Submission.REJECTED, status=OrderStatus.CANCELED, error=error
        ):
            return False
        order.refresh_from_db()
        ledger_refund(order=order, amount=order.charge - order.refunded, reason=refund_reason)
        OrderEvent.objects.create(order=order, message=event, shown=OrderStatus.CANCELED.label)
        # Neither queued nor sending is shown as under way: the customer saw Pending.
        webhook_events_record(changes=[OrderStatusChange(order=order, previous_status=OrderStatus.PENDING)])
        notices_record_orders(orders=[order])
    return True


def order_attach_provider_id(*, order_id: int, provider_order_id: int, actor) -> Order:
    """Record the provider's id of an order whose `add` outcome was unknown (found at the provider)."""
    if provider_order_id <= 0:
        raise OrderRefused("The provider's order id must be a positive number", field="provider_order_id")
    try:
        with transaction.atomic():
            updated = Order.objects.filter(pk=order_id, submission__in=RESOLVABLE).update(
                submission=Submission.SENT, provider_order_id=provider_order_id, error="", flagged=False
            )
            if not updated:
                raise OrderRefused("Only an unknown, queued or sending order can get a provider id")
            OrderEvent.objects.create(
                order_id=order_id,
                actor=actor,
                message=f"Provider's order id {provider_order_id} attached by staff",
            )
    except IntegrityError:
        raise OrderRefused(
            f"Another order already has the provider's id {provider_order_id}", field="provider_order_id"
        ) from None
    return Order.objects.get(pk=order_id)


def order_resend(*, order_id: int, actor) -> Order:
    """Queue an unknown order again. The caller has confirmed the provider did not place it."""
    from orders.tasks import submit_order

    with transaction.atomic():
        updated = Order.objects.filter(pk=order_id, submission=Submission.UNKNOWN).update(
            submission=Submission.QUEUED, next_attempt_at=None, claimed_at=None, flagged=False
        )
        if not updated:
            raise OrderRefused("Only an order whose outcome is unknown can be sent again")
        OrderEvent.objects.create(
            order_id=order_id, actor=actor, message="Re-sent by staff after confirmation"
        )
        transaction.on_commit(lambda: submit_order.delay(order_id), robust=True)  # as in placing
    return Order.objects.get(pk=order_id)


def order_locked(*, order_id: int) -> Order:
    """The order with its service, its row locked until the caller's transaction ends: a second
    staff submit, or a poll round, waits and then sees what the first did. Refused when none."""
    locked = Order.objects.select_for_update(of=("self",)).select_related("service")
    order = locked.filter(pk=order_id).first()
    if order is None:
        raise OrderRefused("No such order")
    return order


def order_cancel_and_refund(*, order_id: int, actor, reason: str) -> Order:
    """Cancel an order on our side and refund what is left of its charge. Final orders stay as they are."""
    if not reason.strip():
        raise OrderRefused("A reason is required", field="reason")
    with transaction.atomic():
        order = order_locked(order_id=order_id)
        if order.status in FINAL:
            raise OrderRefused(f"Order {order.pk} is already {order.status}")
        if order.submission == Submission.SENDING:
            raise OrderRefused("The order is being sent right now; wait for the answer")
        # Not final and not being sent: the customer sees its status as it is (Pending unless sent).
        change = OrderStatusChange(order=order, previous_status=order.status)
        order.status = OrderStatus.CANCELED
        order.flagged = False
        if order.submission in (Submission.WAITING, Submission.QUEUED, Submission.UNKNOWN):
            order.submission = Submission.REJECTED
        elif order.service.cancel and order.cancel_state == CancelState.NONE:
            # Ask the provider to stop too; its answer no longer moves money (the order is final).
            order.cancel_state = CancelState.REQUESTED
        order.error = reason
        order.save(update_fields=["status", "flagged", "submission", "error", "cancel_state", "updated_at"])
        left = order.charge - order.refunded
        ledger_refund(order=order, amount=left, reason=f"Canceled by staff: {reason}")
        OrderEvent.objects.create(
            order=order,
            actor=actor,
            message=f"Canceled and refunded {left} by staff: {reason}",
            shown=OrderStatus.CANCELED.label,
        )
        webhook_events_record(changes=[change])
        notices_record_orders(orders=[order])
    order.refresh_from_db()
    return order
