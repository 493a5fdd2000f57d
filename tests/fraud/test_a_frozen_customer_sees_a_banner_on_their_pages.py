"""A frozen customer is told on every page of the site that the account is frozen; the staff's
reason is not shown. Others see no banner."""

import pytest

from fraud.services import account_freeze

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/dashboard/", "/orders/", "/payments/add/", "/account/api/"])
def test_every_page_shows_the_banner_to_a_frozen_customer(client, make_customer, path):
    customer = make_customer()
    account_freeze(customer=customer, reason="<b>internal</b> note", by=None)
    client.force_login(customer)
    page = client.get(path).content.decode()
    assert 'id="frozen-banner"' in page
    assert "Your account is frozen." in page
    assert "internal" not in page


def test_a_customer_who_is_not_frozen_sees_no_banner(client, make_customer):
    client.force_login(make_customer())
    assert 'id="frozen-banner"' not in client.get("/dashboard/").content.decode()
