"""Every query is scoped to the key's owner: another customer's order or refill is a 404 like one
that does not exist, in every resource and action, and lists show only the caller's own."""

from decimal import Decimal

from billing.models import Balance
from tests.reseller_apis import money_state
from tests.rest.conftest import error_of


def test_another_customers_order_and_refill_are_404_everywhere(
    rest, make_reseller, as_reseller, completed_order, reseller
):
    other = make_reseller("500")
    theirs = completed_order(customer=other.customer)
    their_refill = as_reseller(other).post(f"orders/{theirs.pk}/refill/").json()
    mine = completed_order(customer=reseller.customer)
    state = money_state()

    for method, path, code in [
        ("GET", f"orders/{theirs.pk}/", "order_not_found"),
        ("POST", f"orders/{theirs.pk}/cancel/", "order_not_found"),
        ("POST", f"orders/{theirs.pk}/refill/", "order_not_found"),
        ("GET", f"refills/{their_refill['id']}/", "refill_not_found"),
    ]:
        response = rest(method, path)
        assert response.status_code == 404, path
        assert error_of(response)["code"] == code
    assert money_state() == state

    assert [order["id"] for order in rest.get("orders/").json()["results"]] == [mine.pk]
    assert rest.get("refills/").json()["results"] == []
    ledger = rest.get("transactions/").json()["results"]
    assert {entry["order"] for entry in ledger} == {mine.pk, None}
    mine_left = Balance.objects.get(customer=reseller.customer).amount
    assert Decimal(rest.get("balance/").json()["balance"]) == mine_left
    assert Decimal(as_reseller(other).get("balance/").json()["balance"]) != mine_left
