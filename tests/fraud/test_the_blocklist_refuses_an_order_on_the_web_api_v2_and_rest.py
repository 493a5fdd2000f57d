"""order_place, the one way in for an order, refuses one from a blocked e-mail, a blocked address or
for a blocked link: the order form says so, API v2 answers {"error": ...}, the REST API a 403
`blocked`; nothing is charged or saved."""

from decimal import Decimal

import pytest

from billing.selectors import balance_amount
from fraud.models import BlockKind
from orders.models import Order
from tests.reseller_apis import valid_add_params

pytestmark = pytest.mark.django_db

LINK = "https://instagram.com/p/stolen-post"


def _nothing_happened(customer, funds="100"):
    assert not Order.objects.exists()
    assert balance_amount(customer_id=customer.pk) == Decimal(funds)


def test_the_order_form_refuses_a_blocked_link(client, block, make_customer, default_service):
    block(BlockKind.LINK, f"  {LINK} ")
    customer = make_customer("100")
    client.force_login(customer)
    page = client.post("/orders/new/", {"service": default_service.pk, "link": LINK, "quantity": "100"})
    assert page.status_code == 200
    assert "This link is blocked on this panel." in page.content.decode()
    _nothing_happened(customer)


def test_the_order_form_refuses_a_blocked_address(client, block, make_customer, default_service):
    block(BlockKind.IP, "127.0.0.1")
    customer = make_customer("100")
    client.force_login(customer)
    page = client.post("/orders/new/", {"service": default_service.pk, "link": LINK, "quantity": "100"})
    assert "Requests from your network are blocked on this panel." in page.content.decode()
    _nothing_happened(customer)


def test_a_mass_order_refuses_a_blocked_link_line(client, block, make_customer, default_service):
    block(BlockKind.LINK, LINK)
    customer = make_customer("100")
    client.force_login(customer)
    page = client.post("/orders/mass/", {"orders": f"{default_service.pk} | {LINK} | 100"})
    assert "This link is blocked on this panel." in page.content.decode()
    _nothing_happened(customer)


def test_api_v2_add_answers_an_error_for_a_blocked_link(api_v2, block, reseller, default_service):
    block(BlockKind.LINK, LINK)
    params = {"key": reseller.key, "action": "add", "service": default_service.pk}
    answer = api_v2({**params, **valid_add_params(default_service, LINK)})
    assert answer == {"error": "This link is blocked on this panel."}
    _nothing_happened(reseller.customer)


def test_api_v2_add_answers_an_error_for_a_blocked_domain(api_v2, block, reseller, default_service):
    block(BlockKind.EMAIL_DOMAIN, reseller.customer.email.split("@")[1])
    params = {"key": reseller.key, "action": "add", "service": default_service.pk}
    answer = api_v2({**params, **valid_add_params(default_service, LINK)})
    assert answer == {"error": "E-mail addresses of this domain are blocked on this panel."}
    _nothing_happened(reseller.customer)


def test_rest_answers_403_blocked_for_a_blocked_network(rest_call, block, reseller, default_service):
    block(BlockKind.IP, "198.51.100.0/24")
    body = {"service": default_service.pk, "link": LINK, "quantity": default_service.min_quantity}
    status, answer = rest_call(reseller.key, "orders/", body, ip="198.51.100.9")
    assert status == 403
    assert answer["error"]["code"] == "blocked"
    assert answer["error"]["message"] == "Requests from your network are blocked on this panel."
    _nothing_happened(reseller.customer)


def test_an_order_nothing_blocks_is_placed(api_v2, block, reseller, default_service):
    block(BlockKind.LINK, LINK)
    block(BlockKind.IP, "198.51.100.0/24")
    params = {"key": reseller.key, "action": "add", "service": default_service.pk}
    answer = api_v2({**params, **valid_add_params(default_service, LINK + "-other")})
    assert "order" in answer
