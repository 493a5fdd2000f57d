"""`add` takes every service type of docs/api-v2.md with that type's parameters, charges what the type
charges, and keeps the parameters to forward; a JSON body may give the lists as arrays."""

import json

import pytest

from billing.money import charge_for
from billing.selectors import balance_amount
from catalog.models import ServiceType
from catalog.pricing import customer_rate
from orders.models import Order
from tests.reseller_apis import valid_add_params


@pytest.mark.parametrize("service_type", list(ServiceType), ids=lambda t: t.value)
@pytest.mark.parametrize("via", ["get", "form", "json"])
def test_add_places_an_order_of_each_type(service_type, via, api, catalog, reseller, new_link):
    service = catalog[service_type]
    params = valid_add_params(service, new_link())
    before = balance_amount(customer_id=reseller.customer.pk)

    reply = api({"key": reseller.key, "action": "add", "service": service.pk, **params}, via)

    assert reply.status_code == 200
    answer = reply.json()
    assert list(answer) == ["order"] and isinstance(answer["order"], int)
    order = Order.objects.get(pk=answer["order"], customer=reseller.customer, service=service)
    rate = customer_rate(service, reseller.customer)
    assert order.charge == charge_for(rate, order.quantity, per_package=service.service_type.is_package)
    assert balance_amount(customer_id=reseller.customer.pk) == before - order.charge
    sent_names = set(order.params) | ({"link"} if order.link else set())
    assert set(params) <= sent_names


def test_a_json_body_may_give_lists_as_arrays_and_numbers_as_numbers(api, catalog, reseller, new_link):
    comments = catalog[ServiceType.CUSTOM_COMMENTS]
    lines = [f"comment {i}" for i in range(comments.min_quantity)]
    reply = api(
        {"key": reseller.key, "action": "add", "service": comments.pk, "link": new_link(), "comments": lines},
        "json",
    )
    order = Order.objects.get(pk=reply.json()["order"])
    assert order.quantity == len(lines)
    assert order.params["comments"] == "\n".join(lines)


def test_drip_feed_charges_quantity_times_runs(api, default_service, reseller, new_link):
    assert default_service.dripfeed
    reply = api(
        {
            "key": reseller.key,
            "action": "add",
            "service": default_service.pk,
            "link": new_link(),
            "quantity": 100,
            "runs": 3,
            "interval": 15,
        },
        "json",
    )
    order = Order.objects.get(pk=reply.json()["order"])
    assert order.quantity == 300
    assert order.params == {"link": order.link, "quantity": 100, "runs": 3, "interval": 15}


def test_an_api_order_is_queued_for_the_provider_when_it_commits(
    api, default_service, reseller, new_link, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        reply = api(
            {
                "key": reseller.key,
                "action": "add",
                "service": default_service.pk,
                "link": new_link(),
                "quantity": 100,
            }
        )
    assert json.loads(reply.body)["order"]
    assert len(callbacks) == 1  # orders.tasks.submit_order, on commit
