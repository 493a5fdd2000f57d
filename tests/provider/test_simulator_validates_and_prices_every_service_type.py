"""`add` checks each service type's parameters and charges as docs/api-v2.md's table says."""

from decimal import Decimal

import pytest

from provider.client import ProviderClient, ProviderRefused
from provider.simulator import Simulator
from provider.simulator.catalog import TYPES

LINK = "https://example.com/p/1"
USERS = ["alice", "bob", "carol"]

# type -> (valid parameters, units delivered, units charged: None for one package, which delivers
# the package's size)
VALID: dict[str, tuple[dict[str, object], int, int | None]] = {
    "Default": ({"link": LINK, "quantity": 200}, 200, 200),
    "Package": ({"link": LINK}, 1000, None),
    "Custom Comments": ({"link": LINK, "comments": [f"c{n}" for n in range(15)]}, 15, 15),
    "Custom Comments Package": ({"link": LINK, "comments": ["a", "b"]}, 10, None),
    "Mentions": ({"link": LINK, "quantity": 150, "usernames": USERS}, 150, 150),
    "Mentions with Hashtags": (
        {"link": LINK, "quantity": 150, "usernames": USERS, "hashtags": ["#a"]},
        150,
        150,
    ),
    "Mentions Custom List": ({"link": LINK, "usernames": [f"u{n}" for n in range(11)]}, 11, 11),
    "Mentions Hashtag": ({"link": LINK, "quantity": 100, "hashtag": "#sun"}, 100, 100),
    "Mentions User Followers": ({"link": LINK, "quantity": 100, "username": "alice"}, 100, 100),
    "Mentions Media Likers": ({"link": LINK, "quantity": 100, "media": "https://example.com/m/1"}, 100, 100),
    "Comment Likes": ({"link": LINK, "quantity": 50, "username": "alice"}, 50, 50),
    "Comment Replies": ({"link": LINK, "username": "alice", "comments": ["x"] * 6}, 6, 6),
    "Poll": ({"link": LINK, "quantity": 100, "answer_number": 2}, 100, 100),
    "Invites from Groups": ({"link": LINK, "quantity": 100, "groups": ["https://t.me/a"]}, 100, 100),
    "Web Traffic": ({"link": LINK, "quantity": 1000, "runs": 3, "interval": 10, "country": "US"}, 3000, 3000),
    "SEO": ({"link": LINK, "quantity": 500, "keywords": ["cheap smm"]}, 500, 500),
    "Subscriptions": ({"username": "alice", "min": 100, "max": 200, "posts": 5}, 1000, 1000),
}


def _service_of(client: ProviderClient, type_: str):
    return next(s for s in client.services() if s.type == type_)


def test_the_table_covers_every_type() -> None:
    assert set(VALID) == set(TYPES)


@pytest.mark.parametrize("type_", sorted(VALID))
def test_a_valid_order_of_each_type_is_placed_and_charged_by_the_table(
    client: ProviderClient, simulator: Simulator, type_: str
) -> None:
    service = _service_of(client, type_)
    params, units, charged = VALID[type_]

    order = simulator.order(client.add(service=service.service_id, **params))

    expected = (
        service.rate if charged is None else (service.rate * charged / 1000).quantize(Decimal("0.00001"))
    )
    assert (order.quantity, order.charge) == (units, expected)
    assert simulator.balance == Decimal(1000) - expected


@pytest.mark.parametrize("type_", sorted(VALID))
def test_each_required_parameter_is_required(
    client: ProviderClient, simulator: Simulator, type_: str
) -> None:
    service = _service_of(client, type_)
    params, _, _ = VALID[type_]
    required, _ = TYPES[type_]

    for name in required:
        incomplete = {k: v for k, v in params.items() if k != name}
        with pytest.raises(ProviderRefused) as caught:
            client.add(service=service.service_id, **incomplete)
        assert caught.value.message == ("Bad link" if name == "link" else "Incorrect request"), name

    assert simulator.orders() == []


def test_drip_feed_charges_quantity_times_runs(client: ProviderClient, simulator: Simulator) -> None:
    order = simulator.order(client.add(service=1, link=LINK, quantity=100, runs=5, interval=30))

    assert (order.quantity, order.charge) == (500, Decimal("0.45000"))


def test_drip_feed_is_refused_where_the_service_has_none(client: ProviderClient) -> None:
    with pytest.raises(ProviderRefused, match="Incorrect request"):
        client.add(service=2, link=LINK, quantity=100, runs=5, interval=30)


def test_lists_of_blank_lines_are_empty(client: ProviderClient) -> None:
    with pytest.raises(ProviderRefused, match="Incorrect request"):
        client.add(service=5, link=LINK, comments="\r\n \n")


def test_list_lengths_are_held_to_min_and_max(client: ProviderClient) -> None:
    with pytest.raises(ProviderRefused, match="Quantity less than minimal 10"):
        client.add(service=5, link=LINK, comments=["one", "two"])


def test_subscription_bounds_are_checked(client: ProviderClient) -> None:
    with pytest.raises(ProviderRefused, match="Quantity more than maximum 5000"):
        client.add(service=20, username="alice", min=100, max=6000, posts=3)
    with pytest.raises(ProviderRefused, match="Incorrect request"):
        client.add(service=20, username="alice", min=300, max=200, posts=3)


def test_charges_round_half_up_to_five_places(client: ProviderClient, simulator: Simulator) -> None:
    simulator.set_service(1, rate="0.123456")

    order = simulator.order(client.add(service=1, link=LINK, quantity=125))

    assert order.charge == Decimal("0.01543")  # 0.01543200
