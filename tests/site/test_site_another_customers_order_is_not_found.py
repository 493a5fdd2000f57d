"""Every order page and action is scoped to the signed-in customer: someone else's order is a 404."""

import pytest

from orders.models import CancelState, Order

pytestmark = pytest.mark.django_db


@pytest.fixture
def theirs(make_customer, refillable, place):
    return place(make_customer(), refillable, send=True)


def test_the_detail_of_another_customers_order_is_a_404(logged_in, make_customer, theirs):
    assert logged_in(make_customer()).get(f"/orders/{theirs.pk}/").status_code == 404


def test_cancelling_another_customers_order_is_a_404_and_changes_nothing(logged_in, make_customer, theirs):
    response = logged_in(make_customer()).post(f"/orders/{theirs.pk}/cancel/")
    assert response.status_code == 404
    assert Order.objects.get(pk=theirs.pk).cancel_state == CancelState.NONE


def test_refilling_another_customers_order_is_a_404(logged_in, make_customer, theirs):
    Order.objects.filter(pk=theirs.pk).update(status="Completed", remains=0)
    response = logged_in(make_customer()).post(f"/orders/{theirs.pk}/refill/")
    assert response.status_code == 404
    assert not theirs.refills.exists()


def test_lists_and_searches_show_only_the_customers_own_orders(
    logged_in, make_customer, theirs, refillable, place
):
    me = make_customer()
    mine = place(me, refillable)
    client = logged_in(me)
    for url in ["/orders/", "/dashboard/", "/orders/refills/"]:
        page = client.get(url).content.decode()
        assert f'id="order-{theirs.pk}"' not in page
        assert theirs.link not in page
    for query in [str(theirs.pk), theirs.link]:
        page = client.get("/orders/", {"q": query}).content.decode()
        assert f'id="order-{theirs.pk}"' not in page and "No order matches." in page
    assert f'id="order-{mine.pk}"' in client.get("/orders/").content.decode()


def test_transactions_show_only_the_customers_own_ledger(logged_in, make_customer, theirs):
    page = logged_in(make_customer()).get("/transactions/").content.decode()
    assert f"/orders/{theirs.pk}/" not in page


def test_the_order_page_does_not_show_the_providers_order_id(logged_in, make_customer, refillable, place):
    # A reseller does not tell its customers who its provider is, nor the provider's ids.
    customer = make_customer()
    order = place(customer, refillable, send=True)
    page = logged_in(customer).get(f"/orders/{order.pk}/").content.decode()
    assert order.provider_order_id and str(order.provider_order_id) not in page
    assert order.provider.name not in page
