"""A page costs the same number of queries with 3 rows as with a full page of them."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from billing.services import ledger_deposit
from catalog.models import Service, ServiceType
from orders.models import Order, Refill
from orders.views import ORDERS_PER_PAGE
from payments.models import BonusTier, GatewaySettings, Payment, PaymentState

pytestmark = pytest.mark.django_db

MAX_QUERIES = 12


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


def _with_history(customer, service, place, orders: int) -> None:
    for _ in range(orders):
        order = place(customer, service, send=False)
        Order.objects.filter(pk=order.pk).update(
            status="Completed", remains=0, start_count=100, submission="sent"
        )
        Refill.objects.create(order=order)
        ledger_deposit(customer=customer, amount=1, created_by=None, reason="top-up")
        Payment.objects.create(
            customer=customer,
            gateway="test",
            amount=1,
            pay_amount=1,
            pay_currency="USD",
            state=PaymentState.CREATED,
            checkout_url="http://127.0.0.1:9/pay/tp_1",
        )


@pytest.fixture
def test_gateway_offered(settings):
    """The test gateway offered (no server: these pages do not call it), with a bonus tier."""
    settings.PAYMENTS_TEST_GATEWAY = True
    settings.PAYMENTS_TEST_GATEWAY_URL = "http://127.0.0.1:9"
    settings.PAYMENTS_TEST_GATEWAY_SECRET = "unused"
    GatewaySettings.objects.create(code="test")
    BonusTier.objects.create(from_amount=100, percent=5)


@pytest.mark.parametrize(
    "url",
    [
        "/dashboard/",
        "/orders/",
        "/orders/?status=Completed",
        "/orders/?q=instagram",
        "/orders/?q=instagram&status=In+progress",
        "/orders/refills/",
        "/transactions/",
        "/payments/add/",
        "/payments/",
        "/orders/new/",
    ],
)
def test_a_page_runs_the_same_queries_with_few_or_many_rows(
    logged_in, make_customer, refillable, place, url, django_assert_max_num_queries, test_gateway_offered
):
    few, many = make_customer("1000"), make_customer("1000")
    _with_history(few, refillable, place, 3)
    _with_history(many, refillable, place, ORDERS_PER_PAGE + 5)
    client = logged_in(few)
    few_count = _queries(client, url)
    client = logged_in(many)
    many_count = _queries(client, url)
    assert few_count == many_count, f"{url}: {few_count} queries with 3 rows, {many_count} with a full page"
    with django_assert_max_num_queries(MAX_QUERIES):
        client.get(url)


def test_the_services_page_runs_the_same_queries_for_one_service_as_for_all_with_their_times(
    logged_in, make_customer, catalog, finished_order
):
    services = list(Service.objects.filter(enabled=True, type=ServiceType.DEFAULT))
    for service in services:
        for minutes in (10, 20, 30):
            finished_order(service, timedelta(minutes=minutes), quantity=service.min_quantity)
    client = logged_in(make_customer("1000"))
    one = _queries(client, f"/services/?q={services[0].pk}")
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/services/")
    assert len(response.context["groups"]) > 1
    assert len(captured) == one <= MAX_QUERIES


def test_the_htmx_orders_table_runs_the_same_queries_as_the_page(logged_in, make_customer, refillable, place):
    customer = make_customer("1000")
    _with_history(customer, refillable, place, ORDERS_PER_PAGE + 5)
    client = logged_in(customer)
    with CaptureQueriesContext(connection) as partial:
        assert client.get("/orders/?page=2", HTTP_HX_REQUEST="true").status_code == 200
    assert len(partial) <= MAX_QUERIES


def test_the_orders_live_rows_run_the_same_queries_for_one_order_or_a_full_page(
    logged_in, make_customer, refillable, place
):
    customer = make_customer("1000")
    orders = [place(customer, refillable, send=True) for _ in range(ORDERS_PER_PAGE)]
    Order.objects.filter(customer=customer).update(status="In progress")
    client = logged_in(customer)
    counts = []
    for shown in (orders[:1], orders):
        url = "/orders/live/?ids=" + ",".join(str(order.pk) for order in shown)
        with CaptureQueriesContext(connection) as captured:
            answer = client.get(url, HTTP_HX_REQUEST="true")
        assert answer.status_code == 200 and answer.content.count(b"hx-swap-oob") == len(shown)
        counts.append(len(captured))
    assert counts[0] == counts[1] <= MAX_QUERIES, counts


def test_an_orders_page_reads_its_refills_once_however_long_its_history(
    logged_in, make_customer, refillable, place
):
    customer = make_customer("1000")
    order = place(customer, refillable, send=True)
    client = logged_in(customer)
    url = f"/orders/{order.pk}/"
    short = _queries(client, url)
    for _ in range(3):
        Refill.objects.create(order=order)
        ledger_deposit(customer=customer, amount=1, created_by=None, reason="top-up")

    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200

    assert len(captured) == short
    refill_reads = [query["sql"] for query in captured if query["sql"].startswith('SELECT "orders_refill".')]
    assert len(refill_reads) == 1, refill_reads
