"""Every action, in its one and many forms, against the simulator over HTTP."""

from decimal import Decimal

from provider.client import (
    Balance,
    OrderStatusResult,
    ProviderClient,
    ProviderRefused,
    ProviderService,
    RefillStatusResult,
)
from provider.simulator import Simulator
from provider.statuses import OrderStatus, RefillStatus, RefusalKind


def test_services_come_back_typed_with_every_api_v2_type(client: ProviderClient) -> None:
    services = client.services()

    assert len(services) == 20
    first = services[0]
    assert first == ProviderService(
        service_id=1,
        name="Instagram Followers [Refill 30 days]",
        type="Default",
        category="Instagram",
        rate=Decimal("0.90"),
        min=50,
        max=10000,
        refill=True,
        cancel=True,
        dripfeed=True,
        description=first.description,
    )
    assert first.description
    assert {s.type for s in services} == {
        "Default", "Package", "Custom Comments", "Custom Comments Package", "Mentions",
        "Mentions with Hashtags", "Mentions Custom List", "Mentions Hashtag", "Mentions User Followers",
        "Mentions Media Likers", "Comment Likes", "Comment Replies", "Poll", "Invites from Groups",
        "Web Traffic", "SEO", "Subscriptions",
    }  # fmt: skip
    assert {(s.refill, s.cancel) for s in services} == {
        (True, True),
        (True, False),
        (False, True),
        (False, False),
    }
    assert any(s.dripfeed for s in services if s.type == "Default")
    assert any(not s.dripfeed for s in services if s.type == "Default")


def test_add_returns_the_provider_order_id(client: ProviderClient, simulator: Simulator) -> None:
    order_id = client.add(service=1, link="https://instagram.com/p/abc", quantity=100)

    assert isinstance(order_id, int)
    assert simulator.order(order_id).quantity == 100


def test_add_sends_lists_one_item_per_line(client: ProviderClient, simulator: Simulator) -> None:
    order_id = client.add(
        service=5, link="https://instagram.com/p/abc", comments=[f"nice {n}" for n in range(10)]
    )

    assert simulator.order(order_id).params["comments"] == "\n".join(f"nice {n}" for n in range(10))
    assert simulator.order(order_id).quantity == 10


def test_status_of_one_order(client: ProviderClient, simulator: Simulator) -> None:
    order_id = client.add(service=1, link="https://instagram.com/p/abc", quantity=1000)

    pending = client.status(order_id)
    simulator.advance(3600)
    final = client.status(order_id)

    assert pending == OrderStatusResult(
        status=OrderStatus.PENDING,
        raw_status="Pending",
        charge=Decimal("0.90000"),
        start_count=None,
        remains=1000,
        currency="USD",
    )
    assert final.status in {OrderStatus.COMPLETED, OrderStatus.PARTIAL, OrderStatus.CANCELED}
    assert isinstance(final.start_count, int)
    assert isinstance(final.remains, int)


def test_statuses_of_many_orders_are_keyed_by_int_id(client: ProviderClient, place) -> None:
    ids = place(3)

    results = client.statuses([*ids, 999])

    assert set(results) == {*ids, 999}
    assert all(isinstance(results[i], OrderStatusResult) for i in ids)
    assert isinstance(results[999], ProviderRefused)
    assert results[999].kind == RefusalKind.NOT_FOUND


def test_refill_of_one_and_many_orders(client: ProviderClient, simulator: Simulator, place) -> None:
    completed = place(3)
    for order_id in completed:
        simulator.force_status(order_id, OrderStatus.COMPLETED)

    one = client.refill(completed[0])
    many = client.refills([*completed, 999])

    assert isinstance(one, str) and one.isdigit()
    assert all(isinstance(many[i], str) for i in completed)
    assert isinstance(many[999], ProviderRefused)
    assert len({one, *[many[i] for i in completed]}) == len(completed) + 1


def test_refill_status_of_one_and_many_refills(client: ProviderClient, simulator: Simulator, place) -> None:
    (order_id,) = place(1)
    simulator.force_status(order_id, OrderStatus.COMPLETED)
    refill_id = client.refill(order_id)

    one = client.refill_status(refill_id)
    many = client.refill_statuses([refill_id, "999"])

    assert one == RefillStatusResult(status=RefillStatus.PENDING, raw_status="Pending")
    assert many[refill_id] == one
    assert isinstance(many["999"], ProviderRefused)
    assert many["999"].message == "Refill not found"


def test_cancel_answers_per_order(client: ProviderClient, place) -> None:
    ids = place(2)

    results = client.cancel([*ids, 999])

    assert results[ids[0]] is True and results[ids[1]] is True
    assert isinstance(results[999], ProviderRefused)


def test_balance_is_a_decimal_with_its_currency(client: ProviderClient) -> None:
    assert client.balance() == Balance(amount=Decimal("1000.00000"), currency="USD")
