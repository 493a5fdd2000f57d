"""Each error text of docs/api-v2.md, provoked from the simulator and read by the client."""

from collections.abc import Callable
from decimal import Decimal

import pytest

from provider.client import ProviderClient, ProviderRefused
from provider.simulator import Simulator
from provider.statuses import OrderStatus, RefusalKind

LINK = "https://instagram.com/p/abc"


def refusal(call: Callable[[], object]) -> ProviderRefused:
    with pytest.raises(ProviderRefused) as caught:
        call()
    return caught.value


def test_invalid_api_key(simulator: Simulator, make_client: Callable[..., ProviderClient]) -> None:
    refused = refusal(make_client(simulator.url, "wrong-key").balance)

    assert (refused.message, refused.kind, refused.permanent) == (
        "Invalid API key",
        RefusalKind.BAD_KEY,
        False,
    )


def test_incorrect_request_for_missing_parameters(client: ProviderClient) -> None:
    refused = refusal(lambda: client.add(service=5, link=LINK))  # Custom Comments without comments

    assert (refused.message, refused.kind, refused.permanent) == (
        "Incorrect request",
        RefusalKind.BAD_REQUEST,
        True,
    )


def test_incorrect_service_id(client: ProviderClient) -> None:
    refused = refusal(lambda: client.add(service=999, link=LINK, quantity=100))

    assert (refused.message, refused.kind, refused.permanent) == (
        "Incorrect service ID", RefusalKind.BAD_SERVICE, True,
    )  # fmt: skip


def test_not_enough_funds(client: ProviderClient, simulator: Simulator) -> None:
    simulator.set_balance(Decimal("0.01"))

    refused = refusal(lambda: client.add(service=1, link=LINK, quantity=1000))

    assert (refused.message, refused.kind, refused.permanent) == (
        "Not enough funds on balance", RefusalKind.FUNDS, False,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("quantity", "text"), [(49, "Quantity less than minimal 50"), (10001, "Quantity more than maximum 10000")]
)
def test_quantity_out_of_bounds(client: ProviderClient, quantity: int, text: str) -> None:
    refused = refusal(lambda: client.add(service=1, link=LINK, quantity=quantity))

    assert (refused.message, refused.kind, refused.permanent) == (text, RefusalKind.OUT_OF_BOUNDS, True)


@pytest.mark.parametrize("link", ["", "instagram", "ftp://x.com/a", "https://", "https://x .com/a"])
def test_bad_link(client: ProviderClient, link: str) -> None:
    refused = refusal(lambda: client.add(service=1, link=link, quantity=100))

    assert (refused.message, refused.kind, refused.permanent) == ("Bad link", RefusalKind.BAD_LINK, True)


def test_active_order_with_this_link(client: ProviderClient, simulator: Simulator) -> None:
    client.add(service=1, link=LINK, quantity=100)

    refused = refusal(lambda: client.add(service=1, link=LINK, quantity=100))
    other_service = client.add(service=3, link=LINK, quantity=100)

    assert refused.message.startswith("You have active order with this link")
    assert (refused.kind, refused.permanent) == (RefusalKind.DUPLICATE_LINK, False)
    assert other_service


def test_the_same_link_may_be_ordered_again_once_the_first_order_is_final(
    client: ProviderClient, simulator: Simulator
) -> None:
    first = client.add(service=1, link=LINK, quantity=100)
    simulator.force_status(first, OrderStatus.COMPLETED)

    assert client.add(service=1, link=LINK, quantity=100) != first


def test_incorrect_order_id(client: ProviderClient) -> None:
    refused = refusal(lambda: client.status(424242))

    assert (refused.message, refused.kind, refused.permanent) == (
        "Incorrect order ID",
        RefusalKind.NOT_FOUND,
        True,
    )


def test_refill_not_found(client: ProviderClient) -> None:
    refused = refusal(lambda: client.refill_status(424242))

    assert (refused.message, refused.kind, refused.permanent) == (
        "Refill not found",
        RefusalKind.NOT_FOUND,
        True,
    )


def test_refill_is_disabled_for_this_service(client: ProviderClient, simulator: Simulator) -> None:
    order_id = client.add(service=3, link=LINK, quantity=100)  # Instagram Likes: no refill
    simulator.force_status(order_id, OrderStatus.COMPLETED)

    refused = refusal(lambda: client.refill(order_id))

    assert (refused.message, refused.kind, refused.permanent) == (
        "Refill is disabled for this service", RefusalKind.DISABLED, True,
    )  # fmt: skip


def test_cancel_is_disabled_for_this_service(client: ProviderClient) -> None:
    order_id = client.add(service=2, link=LINK, quantity=100)  # no cancel

    refused = client.cancel([order_id])[order_id]

    assert isinstance(refused, ProviderRefused)
    assert (refused.message, refused.kind, refused.permanent) == (
        "Cancel is disabled for this service", RefusalKind.DISABLED, True,
    )  # fmt: skip
