"""Numbers, ids and texts a provider sends that no column of ours can hold are refused by the client
(or cut, for an error text), so one hostile answer never fails a write of the panel's."""

from collections.abc import Callable

import pytest

from provider.client import ProviderBadAnswer, ProviderClient, ProviderRefused


@pytest.mark.parametrize("balance", [1e20, "1e30", "-99999999999999", "NaN", [1], {"a": 1}])
def test_a_balance_out_of_bounds_is_a_bad_answer(
    scripted, make_client: Callable[..., ProviderClient], balance
) -> None:
    scripted.reply({"balance": balance, "currency": "USD"})

    with pytest.raises(ProviderBadAnswer, match="balance"):
        make_client(scripted.url).balance()


def test_a_negative_balance_within_bounds_is_read(
    scripted, make_client: Callable[..., ProviderClient]
) -> None:
    scripted.reply({"balance": "-12.5", "currency": "USD"})

    assert str(make_client(scripted.url).balance().amount) == "-12.5"


@pytest.mark.parametrize("order_id", [99999999999999999999, 2**63, 0, -1])
def test_an_order_id_no_bigint_holds_is_a_bad_answer(
    scripted, make_client: Callable[..., ProviderClient], order_id
) -> None:
    scripted.reply({"order": order_id})

    with pytest.raises(ProviderBadAnswer, match="order id"):
        make_client(scripted.url).add(service=1, link="https://x.com/a", quantity=100)


def test_a_refill_id_longer_than_its_column_is_left_out(
    scripted, make_client: Callable[..., ProviderClient]
) -> None:
    scripted.reply([{"order": 1, "refill": "x" * 65}, {"order": 2, "refill": "y" * 64}])

    assert make_client(scripted.url).refills([1, 2]) == {2: "y" * 64}


def test_a_page_long_error_text_is_cut(scripted, make_client: Callable[..., ProviderClient]) -> None:
    scripted.reply({"1": {"error": "Incorrect order ID " + "z" * 10_000}})

    (refusal,) = make_client(scripted.url).cancel([1]).values()

    assert isinstance(refusal, ProviderRefused)
    assert len(refusal.message) == 300 and refusal.message.startswith("Incorrect order ID")
