"""What a customer sees of an order and its refills, for the pages, API v2 and the REST API alike."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from functools import cached_property

from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from orders.errors import (
    CANCEL_ALREADY_REQUESTED,
    CANCEL_DISABLED,
    CANCEL_TOO_LATE,
    CANCEL_WHILE_SENDING,
    REFILL_DISABLED,
    REFILL_NOT_COMPLETED,
    REFILL_PERIOD_EXPIRED,
    REFILL_UNDER_WAY,
)
from orders.models import CancelState, Order, Refill, Submission
from panel.sql import table
from provider.statuses import FINAL_REFILL_STATUSES, OrderStatus

# The columns order_progress reads: load only these when many orders are shown.
PROGRESS_FIELDS = ("pk", "status", "submission", "charge", "refunded", "quantity", "start_count", "remains")


# The order statuses a refill can be asked for.
REFILLABLE = [OrderStatus.COMPLETED, OrderStatus.PARTIAL]
# Where an order's own status is what the customer sees: the provider's word (sent), or the
# staff's (a manual service's order).
STATUS_AS_IS = [Submission.SENT, Submission.MANUAL]


def customer_orders(customer) -> QuerySet[Order]:
    """The customer's orders with their service, and whether a refill of each is under way
    (`refill_open`, for order_refill_refusal).

    One query per page whatever its length: the refill check is a subquery.
    """
    open_refills = Refill.objects.filter(order=OuterRef("pk")).exclude(status__in=FINAL_REFILL_STATUSES)
    return (
        Order.objects.filter(customer=customer)
        .select_related("service")
        .annotate(refill_open=Exists(open_refills))
        .order_by("-id")
    )


def customers_with_order_count(customers: QuerySet) -> QuerySet:
    """`customers` (users) with `order_count` annotated: a subquery on the orders' customer index,
    so a page of customers is one query."""
    counts = (
        Order.objects.filter(customer_id=OuterRef("pk"))
        .order_by()
        .values("customer_id")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return customers.annotate(order_count=Coalesce(Subquery(counts, output_field=IntegerField()), Value(0)))


def order_cancel_refusal(order: Order) -> str | None:
    """Why the customer cannot ask to cancel `order` now (an orders.errors text), or None.

    The one rule behind the Cancel button and order_request_cancel (which also refuses, in its
    conditional updates, what changed since `order` was read).
    """
    if not order.service.cancel:
        return CANCEL_DISABLED
    if order.is_final or order.submission in (Submission.REJECTED, Submission.UNKNOWN):
        return CANCEL_TOO_LATE
    if order.submission == Submission.MANUAL and order.status != OrderStatus.PENDING:
        return CANCEL_TOO_LATE  # staff started it: only they can stop it now
    if order.submission == Submission.SENDING:
        return CANCEL_WHILE_SENDING
    if order.cancel_state != CancelState.NONE:
        return CANCEL_ALREADY_REQUESTED
    return None


def order_refill_refusal(order: Order, *, refill_open: bool) -> str | None:
    """Why the customer cannot ask for a refill of `order` now (an orders.errors text), or None;
    `refill_open`: a refill of it is under way. The one rule behind the Refill button and
    order_request_refill (which tells `refill_open` under the order's lock)."""
    if not order.service.refill:
        return REFILL_DISABLED
    if order.status not in REFILLABLE or order.submission != Submission.SENT:
        return REFILL_NOT_COMPLETED
    if refill_open:
        return REFILL_UNDER_WAY
    if refill_window_over(order):
        return REFILL_PERIOD_EXPIRED
    return None


def refill_window_over(order: Order) -> bool:
    """True when the service's refill window (`refill_days` after the order ended) has passed.

    An order ends at `completed_at` (polling's move into Completed, or staff's settling); an
    order ended without one (a Partial from polling) counts from its last change."""
    days = order.service.refill_days
    if days is None:
        return False
    ended = order.completed_at or order.updated_at
    return timezone.now() > ended + timedelta(days=days)


def refills_of(customer) -> QuerySet[Refill]:
    """The refills of the customer's orders: all a customer may see of refills (the refills page,
    API v2's `refill_status`, the REST API)."""
    return Refill.objects.filter(order__customer=customer)


@dataclass(frozen=True)
class OrderProgress:
    status: OrderStatus
    # What the customer paid in the end: the charge less refunds, panel currency.
    charged: Decimal
    # None until the provider tells.
    start_count: int | None
    # Units not yet delivered: the provider's figure, never negative; the whole order until known.
    remains: int


def order_progress(order: Order) -> OrderProgress:
    """The customer-facing status, charge and remains of `order`.

    Only the provider's word moves an order past Pending (staff's, for a manual service's order
    or one they settled by hand): queued, sending, or unknown to us whether the provider has it,
    an order is not yet under way.
    """
    if order.submission == Submission.REJECTED or order.status == OrderStatus.CANCELED:
        status = OrderStatus.CANCELED
    elif order.submission in STATUS_AS_IS or order.status in REFILLABLE:
        # Completed or Partial is the provider's word, or the staff's when they settled it by hand.
        status = OrderStatus(order.status)
    else:
        status = OrderStatus.PENDING
    if order.remains is not None:
        remains = order.remains
    elif status == OrderStatus.COMPLETED:
        remains = 0
    else:
        remains = order.quantity
    return OrderProgress(
        status=status,
        charged=order.charge - order.refunded,
        start_count=order.start_count,
        remains=max(remains, 0),
    )


def _status_condition(status: OrderStatus) -> Q:
    """The orders whose order_progress status is `status`, as a condition."""
    sent = Q(submission__in=STATUS_AS_IS) | Q(status__in=REFILLABLE)
    rejected = Q(submission=Submission.REJECTED)
    if status == OrderStatus.CANCELED:
        return rejected | Q(status=OrderStatus.CANCELED)
    if status == OrderStatus.PENDING:
        not_sent = ~sent & ~rejected & ~Q(status=OrderStatus.CANCELED)
        return (sent & Q(status=OrderStatus.PENDING)) | not_sent
    return sent & ~rejected & Q(status=status)


def orders_in_status(orders: QuerySet[Order], status: OrderStatus) -> QuerySet[Order]:
    """The orders among `orders` whose order_progress status is `status`, told in SQL."""
    return orders.filter(_status_condition(status))


@dataclass(frozen=True)
class HistoryLine:
    at: datetime
    text: str
    amount: Decimal | None = None  # a ledger entry's, signed


def order_history(order: Order, *, refills: list[Refill]) -> list[HistoryLine]:
    """The customer's history of `order`, every line at its own time, oldest first: placed, money,
    its `refills` (the page lists them too: read once), and the events written for the customer
    (never the staff's messages)."""
    lines = [HistoryLine(order.created_at, "Placed")]
    lines += [
        HistoryLine(entry.created_at, entry.get_kind_display().capitalize(), entry.amount)
        for entry in order.ledger.order_by("id")
    ]
    lines += [HistoryLine(refill.created_at, f"Refill #{refill.pk} requested") for refill in refills]
    lines += [
        HistoryLine(at, shown) for at, shown in order.events.exclude(shown="").values_list("at", "shown")
    ]
    # Stable: lines at the same instant keep the order above (the charge after "Placed").
    return sorted(lines, key=lambda line: line.at)


def orders_by_day(*, since: datetime) -> QuerySet:
    """Orders placed from `since`, by day (the current time zone's): `day`, `orders` (how many) and
    `total` (what the providers charged for them; an order not yet billed counts 0)."""
    orders = Order.objects.filter(created_at__gte=since).annotate(day=TruncDate("created_at"))
    return orders.values("day").annotate(orders=Count("id"), total=Sum("cost", default=0)).order_by()


# A service's average time (docs/design.md, "Average completion time"): the median of its last
# COMPLETION_SAMPLE completed orders, told only from COMPLETION_MIN_ORDERS of them on.
COMPLETION_SAMPLE = 10
COMPLETION_MIN_ORDERS = 3


def quantity_band(quantity: int) -> tuple[int, int]:
    """[low, high) of the orders whose time tells that of an order of `quantity` units: those of
    the same order of magnitude (100 to 999, 1000 to 9999...), delivered at a like pace."""
    low = 10 ** (len(str(max(quantity, 1))) - 1)
    return low, low * 10


def services_completion_times(
    *, service_ids: Sequence[int], quantity: int | None = None
) -> dict[int, timedelta]:
    """service id -> the median time from placement to completion of its last COMPLETION_SAMPLE
    completed orders (of quantity_band(quantity) when given). A service with fewer than
    COMPLETION_MIN_ORDERS of them is left out: too few to tell.

    One query for all the services, whatever their number: a LATERAL read of each one's last
    orders through the order_service_completed index.
    """
    if not service_ids:
        return {}
    band, params = "", [list(service_ids), OrderStatus.COMPLETED.value]
    if quantity is not None:
        band = "AND o.quantity >= %s AND o.quantity < %s "
        params += list(quantity_band(quantity))
    params += [COMPLETION_SAMPLE, COMPLETION_MIN_ORDERS]
    query = (
        "SELECT s.id, percentile_cont(0.5) WITHIN GROUP (ORDER BY recent.took) "  # noqa: S608 (our table)
        "FROM unnest(%s::bigint[]) AS s(id) CROSS JOIN LATERAL ("
        f"SELECT o.completed_at - o.created_at AS took FROM {table(Order)} o "
        f"WHERE o.service_id = s.id AND o.status = %s AND o.completed_at IS NOT NULL {band}"
        "ORDER BY o.completed_at DESC LIMIT %s) recent "
        "GROUP BY s.id HAVING count(*) >= %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        return dict(cursor.fetchall())


# --- The orders page ---------------------------------------------------------------------------

# The statuses whose orders can still move: the page follows them live.
LIVE_STATUSES = (OrderStatus.PENDING, OrderStatus.IN_PROGRESS, OrderStatus.PROCESSING)
# orders_live reads at most this many ids (a page shows fewer): a long list reads no more.
LIVE_LIMIT = 100


def decorate(order: Order) -> Order:
    """Adds what the templates show: the order as its customer sees it everywhere (order_progress,
    as API v2 `status` and the REST API tell it), its quantity per run, and which buttons it has."""
    progress = order_progress(order)
    ordered = order.quantity or 0
    order.shown_status = progress.status
    order.live = progress.status in LIVE_STATUSES
    remains = min(progress.remains, ordered)
    order.delivered = ordered - remains
    # Units still to come: none once the order is over, unknown before it starts.
    order.left = remains if progress.status in (OrderStatus.IN_PROGRESS, OrderStatus.PROCESSING) else 0
    order.percent = round(100 * order.delivered / ordered) if ordered else 0
    # Drip-feed: `quantity` is charged as quantity per run x runs (orders.services.params).
    params = order.params if isinstance(order.params, dict) else {}
    order.runs = params.get("runs") if params.get("runs") and params.get("quantity") else None
    order.per_run = params.get("quantity") if order.runs else None
    # "run 3 of 5", where the provider's status reports the runs done (orders.services.polling).
    done = order.runs_done
    order.run_progress = (
        f"run {min(done, int(order.runs))} of {order.runs}" if order.runs and done is not None else ""
    )
    order.can_cancel = order_cancel_refusal(order) is None
    order.can_refill = order_refill_refusal(order, refill_open=getattr(order, "refill_open", False)) is None
    order.cancel_pending = order.cancel_state in (CancelState.REQUESTED, CancelState.SENT) and not (
        order.is_final
    )
    return order


@dataclass(frozen=True)
class StatusTab:
    value: str  # an OrderStatus value, "" for every order
    label: str
    count: int  # the customer's orders in it that match the search


@dataclass(frozen=True)
class OrdersPage:
    page: Page  # of decorated orders
    status: str  # the tab shown ("" for all)
    query: str
    tabs: list[StatusTab]
    live_ids: list[int]  # the orders on the page that can still move, for orders_live


class _CountedPaginator(Paginator):
    """A paginator told its count: the status tabs' aggregate has read it already."""

    def __init__(self, object_list, per_page: int, *, count: int) -> None:
        super().__init__(object_list, per_page)
        self._known_count = count

    @cached_property
    def count(self) -> int:
        return self._known_count


def _search_condition(query: str) -> Q:
    """Orders whose link holds `query`, or whose id it is."""
    if not query:
        return Q()
    condition = Q(link__icontains=query)
    if query.isdigit() and len(query) < 19:
        condition |= Q(pk=int(query))
    return condition


def orders_page(customer, *, status: str, query: str, page_number, per_page: int) -> OrdersPage:
    """The customer's orders page: those matching `query` in the tab `status` (an OrderStatus value;
    anything else is every order), page `page_number`, and each tab with its count.

    Two queries whatever the page's length: the tabs' counts in one aggregate (which gives the
    paginator its count) and the page (customer_orders: nothing per row)."""
    searched = _search_condition(query)
    if status not in OrderStatus.values:
        status = ""
    statuses = list(OrderStatus)
    counts = Order.objects.filter(searched, customer=customer).aggregate(
        all=Count("id"), **{f"s{n}": Count("id", filter=_status_condition(s)) for n, s in enumerate(statuses)}
    )
    tabs = [StatusTab("", "All", counts["all"])]
    tabs += [StatusTab(s.value, s.label, counts[f"s{n}"]) for n, s in enumerate(statuses)]
    orders = customer_orders(customer).filter(searched)
    if status:
        orders = orders_in_status(orders, OrderStatus(status))
    count = next(tab.count for tab in tabs if tab.value == status)
    page = _CountedPaginator(orders, per_page, count=count).get_page(page_number)
    shown = [decorate(order) for order in page.object_list]
    page.object_list = shown
    return OrdersPage(page, status, query, tabs, [order.pk for order in shown if order.live])


def orders_live(customer, *, ids: list[int]) -> list[Order]:
    """The customer's orders among `ids` (at most LIVE_LIMIT of them), decorated, newest first:
    what the orders page swaps into its rows while they move. Another customer's ids give nothing."""
    if not ids:
        return []
    return [decorate(order) for order in customer_orders(customer).filter(pk__in=ids[:LIVE_LIMIT])]
