"""`/balance/` is API v2's balance; `/transactions/` is the transactions page's ledger: signed
amounts with 5 decimals, newest first, by kind, in cursor pages."""

from decimal import Decimal
from urllib.parse import parse_qs, urlparse

from billing.models import LedgerEntry
from billing.services import ledger_deposit
from tests.rest.conftest import error_of


def test_the_balance_is_api_v2s(rest, client, reseller, place_order):
    place_order(customer=reseller.customer)
    balance = rest.get("balance/").json()
    v2 = client.post("/api/v2", {"key": reseller.key, "action": "balance"}).json()
    assert balance == v2
    assert len(balance["balance"].split(".")[1]) == 5


def test_transactions_are_the_ledger_newest_first_by_kind(rest, reseller, place_order):
    order = place_order(customer=reseller.customer)
    entries = rest.get("transactions/").json()["results"]
    assert [entry["kind"] for entry in entries] == ["charge", "deposit"]
    charge, deposit = entries
    assert (charge["order"], charge["amount"]) == (order.pk, f"-{order.charge}")
    assert Decimal(charge["balance_after"]) == Decimal("100") - order.charge
    assert (deposit["order"], deposit["amount"], deposit["reason"]) == (None, "100.00000", "test funds")
    assert [entry["kind"] for entry in rest.get("transactions/", kind="deposit").json()["results"]] == [
        "deposit"
    ]
    error = error_of(rest.get("transactions/", kind="gift"))
    assert (error["code"], error["field"]) == ("invalid_parameter", "kind")


def test_transactions_page_with_a_cursor(rest, reseller):
    for _ in range(4):
        ledger_deposit(customer=reseller.customer, amount=Decimal("1"), created_by=None, reason="more")
    first = rest.get("transactions/", limit=3).json()
    cursor = parse_qs(urlparse(first["next"]).query)["cursor"][0]
    second = rest.get("transactions/", limit=3, cursor=cursor).json()
    ids = [entry["id"] for entry in first["results"] + second["results"]]
    assert ids == list(LedgerEntry.objects.filter(customer=reseller.customer).values_list("pk", flat=True))
    assert second["next"] is None
