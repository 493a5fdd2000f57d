"""Text from customers, providers and staff is shown as text: a <script> in it never runs."""

import pytest

from billing.services import ledger_deposit
from orders.models import Order, OrderEvent
from payments.models import Payment

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert('x')</script>"
ESCAPED = "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;"


@pytest.fixture
def hostile(make_customer, refillable, place):
    """A service, an order link, an order event and a ledger note, each holding a <script>."""
    refillable.name = f"Followers {SCRIPT}"
    refillable.description = f"Fast {SCRIPT} delivery"
    refillable.save()
    customer = make_customer("100")
    order = place(customer, refillable, link=f"https://example.com/p?{SCRIPT}")
    OrderEvent.objects.create(order=order, message=f"Cancel refused: {SCRIPT}")
    ledger_deposit(customer=customer, amount=5, created_by=None, reason=f"Bank {SCRIPT}")
    # A pay page's address is the gateway's word.
    Payment.objects.create(
        customer=customer,
        gateway="test",
        amount=5,
        pay_amount=5,
        pay_currency="USD",
        checkout_url=f"https://gateway.example/pay?{SCRIPT}",
    )
    return customer, order, refillable


def _pages(client, order, service):
    return {
        "dashboard": client.get("/dashboard/"),
        "orders": client.get("/orders/"),
        "detail": client.get(f"/orders/{order.pk}/"),
        "new order": client.get(f"/orders/new/?service={service.pk}"),
        "search": client.get("/orders/new/", {"q": "Followers", "picked": "q"}),
        "transactions": client.get("/transactions/"),
        "add funds": client.get("/payments/add/"),
        "payments": client.get("/payments/"),
        "row": client.post(f"/orders/{order.pk}/cancel/", HTTP_HX_REQUEST="true"),
    }


def test_no_page_renders_a_script_from_the_data(logged_in, hostile):
    customer, order, service = hostile
    client = logged_in(customer)
    for name, response in _pages(client, order, service).items():
        html = response.content.decode()
        assert response.status_code == 200, name
        assert SCRIPT not in html, name
    shown = {name: response.content.decode() for name, response in _pages(client, order, service).items()}
    assert ESCAPED in shown["detail"]  # the link, as text
    assert ESCAPED in shown["new order"]  # the service name and description
    assert ESCAPED in shown["transactions"]
    assert "pay?&lt;script&gt;" in shown["payments"]  # the gateway's pay page address


def test_a_mass_order_line_is_echoed_as_text(logged_in, make_customer, catalog):
    client = logged_in(make_customer())
    page = client.post(
        "/orders/mass/", {"orders": f"999999 | https://example.com/{SCRIPT} | 10"}
    ).content.decode()
    assert SCRIPT not in page
    assert "That service does not exist or is no longer for sale." in page


def test_a_search_query_is_echoed_as_text(logged_in, make_customer, catalog):
    client = logged_in(make_customer())
    for url in ["/orders/", "/orders/new/"]:
        page = client.get(url, {"q": SCRIPT}).content.decode()
        assert SCRIPT not in page, url


def test_an_order_link_that_is_not_http_is_refused(logged_in, make_customer, refillable):
    client = logged_in(make_customer())
    response = client.post(
        "/orders/new/", {"service": refillable.pk, "link": "javascript:alert(1)", "quantity": "100"}
    )
    assert response.status_code == 200
    assert "That link cannot be used" in response.content.decode()
    assert not Order.objects.exists()


def test_the_orders_table_breaks_a_link_at_its_parts_and_keeps_it_text(logged_in, hostile):
    customer, _, _ = hostile
    page = logged_in(customer).get("/orders/").content.decode()
    # A <wbr> after each slash and parameter mark (not inside "://"), the link itself escaped.
    expected = "https://<wbr>example.com/<wbr>p?<wbr>&lt;script&gt;alert(&#x27;x&#x27;)&lt;/<wbr>script&gt;"
    assert expected in page
