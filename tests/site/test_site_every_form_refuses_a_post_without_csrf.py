"""Every POST form of the site carries a CSRF token, and its target refuses a post without one."""

from html.parser import HTMLParser

import pytest
from django.test import Client

from orders.models import Order

pytestmark = pytest.mark.django_db


class _Forms(HTMLParser):
    """(action, has a CSRF token) of each POST form of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[list] = []
        self._open = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "form" and (attributes.get("method") or "").lower() == "post":
            self.forms.append([attributes.get("action"), False])
            self._open = True
        elif tag == "input" and self._open and attributes.get("name") == "csrfmiddlewaretoken":
            self.forms[-1][1] = True

    def handle_endtag(self, tag):
        if tag == "form":
            self._open = False


def _post_forms(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    parser = _Forms()
    parser.feed(response.content.decode())
    return [(action or url, has_token) for action, has_token in parser.forms]


CUSTOMER_PAGES = [
    "/dashboard/",
    "/orders/",
    "/orders/new/",
    "/orders/mass/",
    "/account/",
    "/account/password/change/",
    "/account/email/",
    "/account/2fa/",
    "/account/reauthenticate/",
]
VISITOR_PAGES = ["/login/", "/signup/", "/account/password/reset/"]


@pytest.fixture
def customer_with_orders(make_customer, refillable, place):
    customer = make_customer("100")
    sent = place(customer, refillable, send=True)
    Order.objects.filter(pk=sent.pk).update(status="Completed", remains=0)
    place(customer, refillable)  # queued: it has a Cancel button
    return customer


def test_every_post_form_of_a_customers_pages_has_a_token_and_is_refused_without(customer_with_orders):
    browser = Client()
    browser.force_login(customer_with_orders)
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(customer_with_orders)
    targets = set()
    for page in CUSTOMER_PAGES:
        forms = _post_forms(browser, page)
        assert forms or page == "/dashboard/", page
        for action, has_token in forms:
            assert has_token, f"a form on {page} posting to {action} has no CSRF token"
            targets.add(action)
    # The order list's Cancel and Refill buttons, the logout, sign-out-everywhere and order forms too.
    assert any(action.endswith("/cancel/") for action in targets)
    assert any(action.endswith("/refill/") for action in targets)
    assert {"/logout/", "/orders/new/", "/orders/mass/", "/account/sign-out-everywhere/"} <= targets
    for action in sorted(targets):
        assert strict.post(action, {}).status_code == 403, action


def test_every_post_form_a_visitor_sees_has_a_token_and_is_refused_without(db):
    browser, strict = Client(), Client(enforce_csrf_checks=True)
    targets = set()
    for page in VISITOR_PAGES:
        for action, has_token in _post_forms(browser, page):
            assert has_token, f"a form on {page} posting to {action} has no CSRF token"
            targets.add(action)
    assert {"/account/login/", "/account/signup/", "/account/password/reset/"} <= targets
    for action in sorted(targets | {"/login/", "/signup/"}):
        response = strict.post(action, {"login": "someone@example.com", "password": "x"})
        assert response.status_code == 403, action


def test_htmx_posts_carry_the_token_in_a_header(customer_with_orders):
    browser = Client()
    browser.force_login(customer_with_orders)
    page = browser.get("/orders/").content.decode()
    assert 'hx-headers=\'{"X-CSRFToken": "' in page
