"""Data for the benchmarks, made fast: a simulator and its provider, customers with money, and
orders with their charge entries inserted by the hundred thousand in a few SQL statements."""

from __future__ import annotations

import itertools
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.db.models import Model

from billing.models import Balance, LedgerEntry
from billing.services import ledger_deposit
from catalog.models import Service, ServiceType
from catalog.services import catalog_sync
from orders.models import Order, OrderEvent, Refill, Submission
from panel.models import User
from provider.models import Provider
from provider.simulator import Simulator

DEPOSIT = Decimal("10000000")  # each bench customer's money: enough for any run
_emails = itertools.count(1)


def start_simulator(**options: Any) -> Simulator:
    """A simulator whose clock stands still (nothing changes unless a benchmark says so)."""
    defaults = {"seed": 5, "time_scale": 0, "partial_share": 0, "cancel_share": 0, "balance": Decimal(10**9)}
    return Simulator("bench-sim-key", **{**defaults, **options}).start()


def provider_for(simulator: Simulator, name: str) -> Provider:
    provider, _ = Provider.objects.update_or_create(
        name=name, defaults={"api_url": simulator.url, "api_key": simulator.key, "is_active": True}
    )
    return provider


def default_service(provider: Provider) -> Service:
    """The provider's first Default-type service, its catalog imported first if need be."""
    if not Service.objects.filter(provider=provider).exists():
        catalog_sync(provider=provider)
    return Service.objects.filter(provider=provider, type=ServiceType.DEFAULT, enabled=True).order_by("pk")[0]


def customers(count: int, *, funds: Decimal = DEPOSIT) -> list[User]:
    """`count` customers (no password: nobody signs in as them), each with a deposit of `funds`."""
    made = []
    for _ in range(count):
        customer = User.objects.create_user(email=f"bench{next(_emails)}@example.com", password=None)
        ledger_deposit(customer=customer, amount=funds, created_by=None, reason="benchmark funds")
        made.append(customer)
    return made


def _insert_select(model: type[Model], *, values: dict[str, str], source: str, params: list[Any]) -> int:
    """INSERT INTO <model> SELECT <values> FROM <source>. A column missing from `values` takes the
    field's default (so a field added later does not break this). `values` are SQL expressions
    without parameters; `params` are the source's."""
    template = model()
    columns, expressions, defaults = [], [], []
    for field in model._meta.concrete_fields:
        if field.primary_key:
            continue
        columns.append(connection.ops.quote_name(field.column))
        if field.column in values:
            expressions.append(values[field.column])
        else:
            expressions.append("%s")
            defaults.append(field.get_db_prep_save(getattr(template, field.attname), connection))
    sql = (
        f"INSERT INTO {connection.ops.quote_name(model._meta.db_table)} ({', '.join(columns)}) "  # noqa: S608
        f"SELECT {', '.join(expressions)} FROM {source}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*defaults, *params])
        return cursor.rowcount


def insert_orders(
    *,
    owners: list[User],
    service: Service,
    count: int,
    submission: Submission = Submission.SENT,
    first_provider_order_id: int | None = 1,
    statuses: list[str] | None = None,
    charge: Decimal = Decimal("1.3"),
    quantity: int = 1000,
    vacuum: bool = True,
) -> None:
    """`count` orders of `service`, spread over `owners`, each charged `charge` with its ledger entry
    (balances and `balance_after`s kept exact, so that audit_ledger passes). Order n (1..count) has
    the provider's order id first_provider_order_id + n - 1 and the status statuses[n % len].
    `vacuum`: VACUUM ANALYZE after (not possible inside a transaction, as in a test)."""
    statuses = statuses or ["Pending"]
    owner_ids = ",".join(str(int(owner.pk)) for owner in owners)
    status_list = ",".join(f"'{status}'" for status in statuses)  # our own constants
    provider_order_id = (
        "NULL" if first_provider_order_id is None else f"{int(first_provider_order_id) - 1} + g"
    )
    rate = (charge * 1000 / quantity).quantize(Decimal("0.0001"))
    with transaction.atomic():
        _insert_select(
            Order,
            values={
                "customer_id": f"(ARRAY[{owner_ids}]::bigint[])[1 + g %% {len(owners)}]",
                "service_id": str(int(service.pk)),
                "provider_id": str(int(service.provider_id)),
                "link": "'https://instagram.com/p/bench' || g",
                "quantity": str(int(quantity)),
                "rate": f"{rate}",
                "charge": f"{charge}",
                "submission": f"'{submission.value}'",
                "status": f"(ARRAY[{status_list}])[1 + g %% {len(statuses)}]",
                "provider_order_id": provider_order_id,
                "created_at": "now() - (g || ' seconds')::interval",
                "updated_at": "now()",
            },
            source="generate_series(1, %s) AS g ORDER BY g",
            params=[count],
        )
        # Their charges, after each customer's entries so far: balance_after runs down from the balance.
        _insert_select(
            LedgerEntry,
            values={
                "customer_id": "o.customer_id",
                "kind": "'charge'",
                "amount": "-o.charge",
                "balance_after": "b.amount - SUM(o.charge) OVER (PARTITION BY o.customer_id ORDER BY o.id)",
                "order_id": "o.id",
                "created_at": "o.created_at",
            },
            source=(
                f"{Order._meta.db_table} o JOIN {Balance._meta.db_table} b ON b.customer_id = o.customer_id "  # noqa: S608
                f"WHERE NOT EXISTS (SELECT 1 FROM {LedgerEntry._meta.db_table} l WHERE l.order_id = o.id) "
                "ORDER BY o.id"
            ),
            params=[],
        )
        _balances_from_ledger()
    if vacuum:
        analyze()


def clear_orders(*, vacuum: bool = True) -> None:
    """Every order, its history, refills and ledger entries gone; balances back to the deposits."""
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {LedgerEntry._meta.db_table} WHERE order_id IS NOT NULL")  # noqa: S608
        cursor.execute(f"DELETE FROM {OrderEvent._meta.db_table}")  # noqa: S608
        cursor.execute(f"DELETE FROM {Refill._meta.db_table}")  # noqa: S608
        cursor.execute(f"DELETE FROM {Order._meta.db_table}")  # noqa: S608
    _balances_from_ledger()
    if vacuum:
        analyze()


def _balances_from_ledger() -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Balance._meta.db_table} b SET amount = s.total FROM (SELECT customer_id, "  # noqa: S608
            f"SUM(amount) AS total FROM {LedgerEntry._meta.db_table} GROUP BY customer_id) s "
            "WHERE s.customer_id = b.customer_id AND b.amount <> s.total"
        )


def analyze() -> None:
    """After a bulk insert, what autovacuum would do a little later: planner statistics and the
    visibility map (which lets counts read an index alone)."""
    with connection.cursor() as cursor:
        for model in (Order, LedgerEntry, Balance):
            cursor.execute(f"VACUUM ANALYZE {model._meta.db_table}")
