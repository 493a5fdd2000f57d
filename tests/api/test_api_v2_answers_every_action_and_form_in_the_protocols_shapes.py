"""Over real HTTP, in each way a call may come (GET, POST form, POST multipart, POST JSON), every
action and form of docs/api-v2.md answers in the protocol's exact shapes: ids as numbers, money with 5
decimals and counts as strings, many-forms keyed or listed per id with errors in place."""

from decimal import Decimal

import pytest

from catalog.models import Service
from catalog.pricing import customer_rate
from catalog.selectors import services_for
from orders.models import Order, Refill
from orders.services.polling import orders_poll
from provider.statuses import OrderStatus
from tests.api.conftest import VIAS
from tests.reseller_apis import valid_add_params

pytestmark = pytest.mark.usefixtures("eager_tasks")  # an order placed is sent when it commits


def ids(via: str, *values) -> str | list:
    """An id list as a form sends it; a JSON body sends an array (it may send a string too)."""
    return list(values) if via == "json" else ",".join(map(str, values))


@pytest.mark.parametrize("via", VIAS)
def test_every_action_and_form_answers_in_the_protocols_shapes(
    via, live_api, make_reseller, default_service, catalog, simulator, provider, new_link
):
    reseller = make_reseller("100")
    reseller.customer.discount_percent = Decimal("10")
    reseller.customer.save()
    other = make_reseller("100")
    key = reseller.key

    def call(action: str, **params):
        reply = live_api({"key": key, "action": action, **params}, via)
        assert reply.status_code == 200
        assert reply.headers["Content-Type"] == "application/json"
        return reply.json()

    # services: the caller's enabled services at the caller's (discounted) price.
    listed = call("services")
    expected = [
        {
            "service": s.pk,
            "name": s.name,
            "type": s.type,
            "category": s.category.name,
            "rate": str(customer_rate(s, reseller.customer)),
            "min": str(s.min_quantity),
            "max": str(s.max_quantity),
            "refill": s.refill,
            "cancel": s.cancel,
            "dripfeed": s.dripfeed,
            "desc": s.description,
        }
        for s in services_for(reseller.customer)
    ]
    assert listed == expected and len(listed) == 20
    followers = next(entry for entry in listed if entry["service"] == default_service.pk)
    assert Decimal(followers["rate"]) < default_service.rate  # the discount is applied

    # balance
    assert call("balance") == {"balance": "100.00000", "currency": "USD"}

    # add, then status while it is pending
    placed = call("add", service=default_service.pk, link=new_link(), quantity=1000)
    assert set(placed) == {"order"} and isinstance(placed["order"], int)
    first = Order.objects.get(pk=placed["order"], customer=reseller.customer)
    assert first.provider_order_id is not None  # sent on commit
    assert call("balance") == {"balance": f"{Decimal('100') - first.charge:.5f}", "currency": "USD"}
    assert call("status", order=first.pk) == {
        "charge": f"{first.charge:.5f}",
        "start_count": "0",
        "status": "Pending",
        "remains": "1000",
        "currency": "USD",
    }

    # status once it is completed
    simulator.force_status(first.provider_order_id, OrderStatus.COMPLETED)
    orders_poll(provider=provider)
    first.refresh_from_db()
    one = call("status", order=str(first.pk))
    assert one == {
        "charge": f"{first.charge:.5f}",
        "start_count": str(first.start_count),
        "status": "Completed",
        "remains": "0",
        "currency": "USD",
    }

    # status of many: keyed by the ids as strings; unknown, foreign and garbage ids in place
    no_refill = Service.objects.get(provider=provider, provider_service_id=2)
    second = Order.objects.get(
        pk=call("add", service=default_service.pk, link=new_link(), quantity=500)["order"]
    )
    plain = Order.objects.get(
        pk=call("add", service=no_refill.pk, **valid_add_params(no_refill, new_link()))["order"]
    )
    foreign = Order.objects.get(
        pk=live_api(
            {
                "key": other.key,
                "action": "add",
                "service": default_service.pk,
                "link": new_link(),
                "quantity": 100,
            }
        ).json()["order"]
    )
    many = call("status", orders=ids(via, first.pk, second.pk, 99999999, foreign.pk, "abc"))
    assert list(many) == [str(first.pk), str(second.pk), "99999999", str(foreign.pk), "abc"]
    assert many[str(first.pk)] == one
    assert many[str(second.pk)]["status"] == "Pending" and many[str(second.pk)]["remains"] == "500"
    for bad in ("99999999", str(foreign.pk), "abc"):
        assert many[bad] == {"error": "Incorrect order ID"}

    # refill: one, then many
    refill = call("refill", order=first.pk)
    assert set(refill) == {"refill"} and isinstance(refill["refill"], int)
    assert Refill.objects.get(pk=refill["refill"]).order_id == first.pk
    assert call("refill_status", refill=refill["refill"]) == {"status": "Pending"}

    for order in (second, plain):
        simulator.force_status(order.provider_order_id, OrderStatus.COMPLETED)
    orders_poll(provider=provider)
    refills = call("refill", orders=ids(via, second.pk, plain.pk, foreign.pk, 0))
    assert [entry["order"] for entry in refills] == [second.pk, plain.pk, foreign.pk, 0]
    assert isinstance(refills[0]["refill"], int)
    assert refills[1:] == [
        {"order": plain.pk, "refill": {"error": "Refill is disabled for this service"}},
        {"order": foreign.pk, "refill": {"error": "Incorrect order ID"}},
        {"order": 0, "refill": {"error": "Incorrect order ID"}},
    ]

    # refill_status of many
    foreign_refill = Refill.objects.create(order=foreign)
    statuses = call(
        "refill_status", refills=ids(via, refill["refill"], refills[0]["refill"], foreign_refill.pk, 777777)
    )
    assert statuses == [
        {"refill": refill["refill"], "status": "Pending"},
        {"refill": refills[0]["refill"], "status": "Pending"},
        {"refill": foreign_refill.pk, "status": {"error": "Refill not found"}},
        {"refill": 777777, "status": {"error": "Refill not found"}},
    ]

    # cancel: a running order is accepted; a completed, a foreign and an unknown one refused
    running = Order.objects.get(
        pk=call("add", service=default_service.pk, link=new_link(), quantity=200)["order"]
    )
    canceled = call("cancel", orders=ids(via, running.pk, first.pk, foreign.pk, 123456789))
    assert canceled == [
        {"order": running.pk, "cancel": 1},
        {"order": first.pk, "cancel": {"error": "This order can no longer be canceled"}},
        {"order": foreign.pk, "cancel": {"error": "Incorrect order ID"}},
        {"order": 123456789, "cancel": {"error": "Incorrect order ID"}},
    ]
    assert Order.objects.get(pk=running.pk).cancel_state == "requested"


def test_the_url_answers_with_and_without_a_trailing_slash(live_server, reseller):
    import requests

    for path in ("/api/v2", "/api/v2/"):
        reply = requests.post(
            live_server.url + path, data={"key": reseller.key, "action": "balance"}, timeout=10
        )
        assert reply.status_code == 200
        assert reply.json() == {"balance": "100.00000", "currency": "USD"}
