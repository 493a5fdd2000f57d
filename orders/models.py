from __future__ import annotations

import zlib

from django.conf import settings
from django.db import connection, models
from django.db.models import Q

from billing.money import AmountField, RateField
from orders.locks import LockNamespace
from panel.sql import insert_parts, mark_saved, table
from provider.statuses import FINAL_STATUSES, OrderStatus, RefillStatus


class Submission(models.TextChoices):
    """Where the order is at the provider (docs/design.md, "An order's life")."""

    # Another customer's active order holds the (service, link): the provider would refuse a second
    # one, so this one is not sent until that order is final (orders.services.waiting).
    WAITING = "waiting"
    QUEUED = "queued"  # waiting to be sent (again)
    SENDING = "sending"  # claimed by a worker, the `add` call is under way
    SENT = "sent"  # the provider gave its order id
    REJECTED = "rejected"  # the provider said it can never work; refunded
    UNKNOWN = "unknown"  # `add` may or may not have reached the provider; an admin decides
    # A manual service's order: in the staff's queue (the admin's Manual queue), never sent;
    # its status is what staff set (orders.services.settling).
    MANUAL = "manual"


class CancelState(models.TextChoices):
    NONE = "", "not requested"
    REQUESTED = "requested"  # the customer asked; not yet forwarded
    SENT = "sent"  # the provider accepted the request; the outcome comes through polling
    REFUSED = "refused"  # the provider refused it


# Ordered, so that migrations which name it come out the same on every run.
FINAL = sorted(status.value for status in FINAL_STATUSES)


class OrderManager(models.Manager["Order"]):
    """Order intake's two statements, in raw SQL: the ORM would compile them anew on every call,
    and that costs more than running them (benchmarks/intake.py; tests/api counts them)."""

    def lock_link(self, *, service_id: int, link: str) -> None:
        """Hold the (service, link) lock until the transaction ends.

        Two requests for the same link could both see "no active order"; holding this lock makes
        the check and the insert one step. The check belongs in a later statement (insert_placed):
        its snapshot sees the order of whoever held the lock before us; this one's would not.
        """
        key = zlib.crc32(f"{service_id}:{link}".encode()) - 2**31  # a signed int4
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [int(LockNamespace.ORDER_LINK), key])

    def insert_placed(self, order: Order, *, event: OrderEvent, one_per_link: bool) -> bool:
        """Insert the unsaved `order` and its first `event` in one statement, as save() would write
        them. With `one_per_link` (take lock_link first): False, nothing written, when the customer
        has an active order on the order's (service, link); when only other customers' orders hold
        it, the order is written `waiting` (order.submission tells which)."""
        if not one_per_link:
            columns, values, params = insert_parts(order)
            holder, source, condition, holder_params = "", "", "", []
        else:
            # `waiting` and `queued` are our own constants, never input.
            waiting, queued = Submission.WAITING.value, Submission.QUEUED.value
            held = f"CASE WHEN holder.held THEN '{waiting}' ELSE '{queued}' END"
            columns, values, params = insert_parts(order, sql={"submission": held})
            # The order_active_link index's condition, so that the check reads that index only. One
            # statement, one snapshot: taken after the lock, it sees the order of the lock's last holder.
            holder = (
                f"holder AS (SELECT count(*) > 0 AS held, coalesce(bool_or(customer_id = %s), false) AS mine "  # noqa: S608
                f"FROM {table(Order)} WHERE service_id = %s AND link = %s "
                f"AND NOT (status IN ({', '.join(['%s'] * len(FINAL))}))), "
            )
            holder_params = [order.customer_id, order.service_id, order.link, *FINAL]
            source, condition = " FROM holder", " WHERE NOT holder.mine"
        event_columns, event_values, event_params = insert_parts(event, sql={"order_id": "placed.id"})
        statement = (
            f"WITH {holder}placed AS (INSERT INTO {table(Order)} ({columns}) "  # noqa: S608
            f"SELECT {values}{source}{condition} RETURNING id, submission), "
            f"event AS (INSERT INTO {table(OrderEvent)} ({event_columns}) SELECT {event_values} FROM placed) "
            "SELECT id, submission FROM placed"
        )
        with connection.cursor() as cursor:
            cursor.execute(statement, [*holder_params, *params, *event_params])
            row = cursor.fetchone()
        if row is None:
            return False
        order.submission = row[1]
        mark_saved(order, row[0])
        return True


class Order(models.Model):
    customer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="orders")
    service = models.ForeignKey("catalog.Service", on_delete=models.PROTECT, related_name="orders")
    provider = models.ForeignKey("provider.Provider", on_delete=models.PROTECT, related_name="orders")
    link = models.CharField(max_length=2000, blank=True)
    # The units charged (docs/api-v2.md's "quantity charged": quantity x runs, lines, one package...).
    quantity = models.PositiveIntegerField()
    # The type's other parameters of `add`, as sent to the provider (runs, comments, usernames...).
    params = models.JSONField(default=dict, blank=True)
    # The customer's price per 1000 (per package) when the order was placed, panel currency.
    rate = RateField()
    # What the order cost the customer when placed; fixed for life (refunds are shares of it).
    charge = AmountField()
    # How much of `charge` went back (the ledger's refund entry); at most `charge`.
    refunded = AmountField(default=0)
    # What the provider billed us, in the panel's currency (its `charge` x the currency factor):
    # information, never a ledger entry. After a failover, the backup's.
    cost = AmountField(null=True, blank=True)
    # The service the order was sent to when it is not `service`: its backup, after a failover
    # (docs/provider.md). `provider` is then the backup's provider, which polling, cancels and
    # refills ask; the customer's price stays `service`'s.
    served_by = models.ForeignKey(
        "catalog.Service", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # An `add` of it went without a clear answer once (it was sent again with its key): it may
    # exist at its provider, so it never fails over to another.
    maybe_placed = models.BooleanField(default=False)

    submission = models.CharField(max_length=10, choices=Submission.choices, default=Submission.QUEUED)
    status = models.CharField(max_length=12, choices=OrderStatus.choices, default=OrderStatus.PENDING)
    provider_order_id = models.BigIntegerField("provider's order id", null=True, blank=True)
    start_count = models.BigIntegerField(null=True, blank=True)
    remains = models.BigIntegerField(null=True, blank=True)
    # Drip-feed runs done, where the provider's `status` reports them (of `params["runs"]`).
    runs_done = models.PositiveIntegerField(null=True, blank=True)

    submit_attempts = models.PositiveIntegerField(default=0)
    # A queued order is not sent before this (back-off after a refusal that may pass).
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    # When a worker claimed it for sending; the sweeper calls it unknown past the timeout.
    claimed_at = models.DateTimeField(null=True, blank=True)
    # The provider's last refusal or the reason an admin gave.
    error = models.TextField(blank=True)

    last_checked_at = models.DateTimeField(null=True, blank=True)
    # When polling saw it move into Completed: a service's average time is read from it
    # (orders.selectors.services_completion_times).
    completed_at = models.DateTimeField(null=True, blank=True)
    # Consecutive polls in which the provider did not know the order or sent an unknown status.
    unknown_polls = models.PositiveIntegerField(default=0)
    flagged = models.BooleanField(default=False)
    cancel_state = models.CharField(
        max_length=10, choices=CancelState.choices, default=CancelState.NONE, blank=True
    )

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = OrderManager()

    class Meta:
        ordering = ["-id"]
        permissions = [
            ("resolve_order", "Can attach a provider id, re-send, cancel and refund, or settle by hand"),
            ("handle_manual_order", "Can start, complete or cancel orders of manual services"),
            # What the customer may do themselves: the provider decides, money moves as it answers.
            ("request_refill_cancel", "Can ask the provider for an order's refill or cancel"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "provider_order_id"],
                condition=Q(provider_order_id__isnull=False),
                name="order_provider_id_unique",
            ),
            models.CheckConstraint(condition=Q(charge__gte=0), name="order_charge_not_negative"),
            models.CheckConstraint(
                condition=Q(refunded__gte=0) & Q(refunded__lte=models.F("charge")),
                name="order_refund_within_charge",
            ),
        ]
        indexes = [
            # Polling: sent, non-final orders, oldest check first.
            models.Index(
                fields=["last_checked_at", "id"],
                condition=Q(submission=Submission.SENT) & ~Q(status__in=FINAL),
                name="order_to_poll",
            ),
            # Forwarding and the sweeper.
            models.Index(
                fields=["submission", "next_attempt_at"],
                condition=Q(submission__in=[Submission.QUEUED, Submission.SENDING]),
                name="order_to_send",
            ),
            # "You have active order with this link", and whether a waiting order's link is free.
            models.Index(
                fields=["service", "link"], condition=~Q(status__in=FINAL), name="order_active_link"
            ),
            # The sweeper's look for waiting orders whose link is free.
            models.Index(
                fields=["service", "link", "id"],
                condition=Q(submission=Submission.WAITING),
                name="order_waiting",
            ),
            models.Index(fields=["customer", "-id"], name="order_customer_recent"),
            # A service's last completed orders, for its average time (orders.selectors).
            models.Index(
                fields=["service", "-completed_at"],
                condition=Q(status=OrderStatus.COMPLETED, completed_at__isnull=False),
                name="order_service_completed",
            ),
            # The orders page filtered by status: its count and its page, newest first, read
            # only that status's entries of that customer (benchmarks/orders_page.py).
            models.Index(fields=["customer", "status", "-id"], name="order_customer_status_recent"),
        ]

    def __str__(self) -> str:
        return f"Order {self.pk}"

    @property
    def forward_key(self) -> str:
        """The idempotency_key every `add` of this order carries: the same on a re-send, and unlike
        the id alone never another database's order with that id."""
        return f"order-{self.pk}-{self.created_at:%Y%m%dT%H%M%S%f}"

    @property
    def is_final(self) -> bool:
        return self.status in FINAL

    @property
    def charged(self):
        """What the customer paid in the end: charge less refunds."""
        return self.charge - self.refunded

    @property
    def sent_service(self):
        """The service whose provider id the `add` names: the backup after a failover."""
        return self.served_by or self.service

    @property
    def margin(self):
        """What the order left us: what the customer paid less what the provider billed; None
        until the provider says its charge."""
        return None if self.cost is None else self.charged - self.cost


# The customer's history lines for cancels (OrderEvent.shown); statuses show their own labels.
SHOWN_CANCEL_REQUESTED = "Cancel requested"
SHOWN_CANCEL_REFUSED = "The provider refused the cancel"
SHOWN_CANCEL_NOT_DONE = "The provider did not cancel it"


class OrderEvent(models.Model):
    """The order's history: submission and status moves, refusals, admin actions."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(auto_now_add=True)
    message = models.CharField(max_length=500)
    # The line the customer's history shows, in our words (the message may hold the provider's
    # words and ids); blank for staff-only events.
    shown = models.CharField(max_length=100, blank=True, default="")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return self.message


class Refill(models.Model):
    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="refills")
    submission = models.CharField(max_length=10, choices=Submission.choices, default=Submission.QUEUED)
    status = models.CharField(max_length=12, choices=RefillStatus.choices, default=RefillStatus.PENDING)
    provider_refill_id = models.CharField("provider's refill id", max_length=64, blank=True)
    error = models.TextField(blank=True)
    last_checked_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-id"]
        indexes = [
            models.Index(
                fields=["last_checked_at", "id"],
                condition=Q(submission=Submission.SENT)
                & Q(status__in=[RefillStatus.PENDING, RefillStatus.IN_PROGRESS]),
                name="refill_to_poll",
            ),
        ]

    def __str__(self) -> str:
        return f"Refill {self.pk} of order {self.order_id}"


class IdempotencyKey(models.Model):
    """A customer's `Idempotency-Key` (REST) or `idempotency_key` (API v2) and the order it placed.

    The unique (customer, key) row is taken before the order is placed, in the same
    transaction: a concurrent request with the same key waits on it and then replays the first
    one's order. A refused request rolls its row back, so a refusal is never replayed. Rows are
    kept at least settings.IDEMPOTENCY_KEY_HOURS, then purged.
    """

    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="idempotency_keys"
    )
    key = models.CharField(max_length=255)
    # SHA-256 of the request's service and parameters: the same key with another body is refused.
    fingerprint = models.CharField(max_length=64)
    order = models.ForeignKey(Order, on_delete=models.CASCADE, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["customer", "key"], name="idempotency_key_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.key} ({self.customer_id})"
