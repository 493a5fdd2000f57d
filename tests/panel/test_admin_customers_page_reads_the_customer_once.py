"""The customer's admin page reads the customer's row once: its Deposit and Adjust links come from the
object the change view already has, not from a second get_object."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

pytestmark = pytest.mark.django_db


def test_the_customers_page_selects_the_customer_by_id_once(admin_client, make_customer):
    customer = make_customer()
    by_id = re.compile(rf'FROM "panel_user" WHERE "panel_user"\."id" = {customer.pk}\b')
    with CaptureQueriesContext(connection) as queries:
        page = admin_client.get(f"/admin/panel/user/{customer.pk}/change/")
    assert page.status_code == 200
    assert "Deposit" in page.content.decode()
    assert sum(1 for query in queries if by_id.search(query["sql"])) == 1
