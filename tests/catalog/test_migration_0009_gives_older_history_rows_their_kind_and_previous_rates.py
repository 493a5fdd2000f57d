"""Rows of the services' history written before migration 0009 get their kind and previous rates
from the row before them: a service's first row is its arrival, a higher rate is rate up, a lower
one rate down, a provider rate that moved under the same rate is not news."""

from decimal import Decimal

import pytest
from django.db import connection

from catalog.models import PriceHistory, ServiceUpdate
from tests.catalog.conftest import listed
from tests.migrating import migrate_to, migrate_to_latest

BEFORE = [("catalog", "0005_pricehistory_cause_and_changed_by")]
AFTER = [("catalog", "0009_pricehistory_kind_and_previous_rates")]
# (days ago, provider rate, rate) of one service's rows, oldest first.
ROWS = [(4, "0.90", "1.17"), (3, "1.20", "1.56"), (2, "1.25", "1.56"), (1, "1.00", "1.30")]


@pytest.mark.django_db(transaction=True)
def test_migration_0009_reads_each_row_against_the_one_before_it(imported):
    one, two = listed(1), listed(2)
    try:
        migrate_to(BEFORE)
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM catalog_pricehistory")
            for days, provider_rate, rate in ROWS:
                cursor.execute(
                    "INSERT INTO catalog_pricehistory (service_id, provider_rate, rate, changed_at, cause) "
                    "VALUES (%s, %s, %s, now() - make_interval(days => %s), 'sync')",
                    [one.pk, provider_rate, rate, days],
                )
            # Another service's row in between changes nothing of the first's.
            cursor.execute(
                "INSERT INTO catalog_pricehistory (service_id, provider_rate, rate, changed_at, cause) "
                "VALUES (%s, 9, 9, now() - interval '3 days', 'sync')",
                [two.pk],
            )

        migrate_to(AFTER)

        rows = PriceHistory.objects.filter(service=one).order_by("changed_at")
        assert [(row.kind, row.previous_provider_rate, row.previous_rate) for row in rows] == [
            (ServiceUpdate.ADDED, None, None),
            (ServiceUpdate.RATE_UP, Decimal("0.90"), Decimal("1.17")),
            (ServiceUpdate.NONE, Decimal("1.20"), Decimal("1.56")),
            (ServiceUpdate.RATE_DOWN, Decimal("1.25"), Decimal("1.56")),
        ]
        assert PriceHistory.objects.get(service=two).kind == ServiceUpdate.ADDED
    finally:
        migrate_to_latest()
