"""POST /orders/ reads the service once: order_place's lookup decides what can be bought and which
parameters the type takes; the REST layer does not look it up again."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.rest.test_rest_orders_create_every_service_type import rest_body


def test_creating_an_order_reads_the_service_in_one_query(rest, default_service, new_link):
    with CaptureQueriesContext(connection) as queries:
        response = rest.post("orders/", rest_body(default_service, new_link()))
    assert response.status_code == 201, response.content
    reads = [
        q["sql"]
        for q in queries
        if q["sql"].lstrip().upper().startswith("SELECT") and '"catalog_service"' in q["sql"]
    ]
    assert len(reads) == 1, reads
