"""`/payments/` lists the caller's own payments at the gateways, newest first in cursor pages, with
what each credits, costs and is; one by its id; another customer's is a 404 like none at all."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

from payments.gateways.base import EventKind, GatewayEvent
from payments.models import BonusTier, GatewaySettings
from payments.services import payment_event_apply
from tests.payments.staff import start_payment
from tests.payments.standins.fixtures import stripe_standin  # noqa: F401
from tests.rest.conftest import error_of

FIELDS = ["id", "gateway", "amount", "bonus", "fee", "pay_amount", "pay_currency", "state"]
FIELDS += ["created_at", "paid_at"]


def _pay(payment) -> None:
    """The gateway's verified word that it was paid, as its webhook brings it."""
    paid = GatewayEvent(
        event_id=f"evt_{payment.pk}",
        kind=EventKind.PAID,
        gateway_payment_id=payment.gateway_payment_id,
        amount=payment.pay_amount,
        currency=payment.pay_currency,
    )
    payment_event_apply(gateway_code=payment.gateway, event=paid, source="webhook")


def test_the_list_shows_the_callers_payments_newest_first(rest, reseller, stripe_standin):  # noqa: F811
    GatewaySettings.objects.create(code="stripe", fee_percent=2)
    BonusTier.objects.create(from_amount=100, percent=5)
    older = start_payment(reseller.customer, amount="150.00")
    newer = start_payment(reseller.customer, amount="10.00")
    _pay(older)

    payments = rest.get("payments/").json()["results"]

    assert [payment["id"] for payment in payments] == [newer.pk, older.pk]
    paid = payments[1]
    assert list(paid) == FIELDS
    assert {key: paid[key] for key in FIELDS[1:8]} == {
        "gateway": "stripe",
        "amount": "150.00000",
        "bonus": "7.50000",
        "fee": "3.00000",
        "pay_amount": "153.00000",
        "pay_currency": "USD",
        "state": "paid",
    }
    assert paid["paid_at"] is not None and payments[0]["paid_at"] is None
    assert payments[0]["state"] == "created"
    assert rest.get(f"payments/{older.pk}/").json() == paid


def test_the_list_pages_with_a_cursor(rest, reseller, stripe_standin):  # noqa: F811
    made = [start_payment(reseller.customer, amount="5.00").pk for _ in range(3)]
    first = rest.get("payments/", limit=2).json()
    cursor = parse_qs(urlparse(first["next"]).query)["cursor"][0]
    second = rest.get("payments/", limit=2, cursor=cursor).json()
    assert [payment["id"] for payment in first["results"] + second["results"]] == made[::-1]
    assert second["next"] is None


def test_another_customers_payment_is_404_and_not_listed(
    rest,
    make_reseller,
    as_reseller,
    stripe_standin,  # noqa: F811
):
    other = make_reseller("0")
    theirs = start_payment(other.customer, amount="20.00")
    response = rest.get(f"payments/{theirs.pk}/")
    assert response.status_code == 404
    assert error_of(response) == {"code": "payment_not_found", "message": "Payment not found"}
    assert rest.get("payments/").json()["results"] == []
    assert [payment["id"] for payment in as_reseller(other).get("payments/").json()["results"]] == [theirs.pk]


def test_the_schema_documents_the_payments_list_and_one_payment(client):
    paths = client.get("/api/rest/schema/", {"format": "json"}).json()["paths"]
    assert set(paths["/api/rest/payments/"]) == {"get"}
    assert set(paths["/api/rest/payments/{id}/"]) == {"get"}
    assert "404" in paths["/api/rest/payments/{id}/"]["get"]["responses"]
