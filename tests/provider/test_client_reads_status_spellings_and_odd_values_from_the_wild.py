"""Statuses and values as real providers send them, read without choking and without guessing."""

from collections.abc import Callable
from decimal import Decimal

import pytest

from provider.client import OrderStatusResult, ProviderBadAnswer, ProviderClient, ProviderRefused
from provider.simulator import Faults, Simulator
from provider.statuses import OrderStatus, RefillStatus


def test_every_variant_the_simulator_sends_reads_as_the_true_status(
    client: ProviderClient, simulator: Simulator, place
) -> None:
    simulator.cancel_share = simulator.partial_share = 0.3
    ids = place(40, service=3, quantity=100)
    simulator.set_faults(Faults(status_variants=1.0, seed=5))
    raw_seen, start_counts = set(), set()

    for step in range(8):
        results = client.statuses(ids)
        for order_id, result in results.items():
            assert isinstance(result, OrderStatusResult)
            assert result.status == simulator.order(order_id).status
            assert result.remains is not None and result.remains >= 0
            raw_seen.add(result.raw_status)
            start_counts.add(result.start_count)
        simulator.advance(15 * (step + 1))

    assert {"Cancelled", "Refunded", "completed", "In_progress", "2", "4"} <= raw_seen
    assert None in start_counts


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ({"status": "Cancelled", "remains": "100", "charge": "0.5"}, (OrderStatus.CANCELED, 100, None)),
        ({"status": "Refunded"}, (OrderStatus.CANCELED, None, None)),
        ({"status": "completed", "remains": "-12", "start_count": "3572"}, (OrderStatus.COMPLETED, 0, 3572)),
        ({"status": 2, "remains": -3, "start_count": 10}, (OrderStatus.COMPLETED, 0, 10)),
        ({"status": "4", "remains": 0, "start_count": None}, (OrderStatus.CANCELED, 0, None)),
        (
            {"status": "In_progress", "remains": "157", "start_count": ""},
            (OrderStatus.IN_PROGRESS, 157, None),
        ),
        ({"status": "Active", "remains": "1.0", "start_count": "null"}, (OrderStatus.IN_PROGRESS, 1, None)),
        ({"status": "Unknown", "remains": "5"}, (None, 5, None)),
        ({"status": "", "remains": "n/a"}, (None, None, None)),
        ({"remains": "5"}, (None, 5, None)),
    ],
)
def test_one_status_answer(
    scripted, make_client: Callable[..., ProviderClient], answer: dict, expected: tuple
) -> None:
    scripted.reply(answer)

    result = make_client(scripted.url).status(1)

    assert (result.status, result.remains, result.start_count) == expected


def test_money_keeps_every_digit_whether_sent_as_string_or_number(
    scripted, make_client: Callable[..., ProviderClient]
) -> None:
    scripted.reply(b'{"charge": 0.27819, "status": "Partial", "remains": "157", "currency": "USD"}')
    scripted.reply({"charge": "0.1", "status": "Partial"})

    client = make_client(scripted.url)

    assert client.status(1).charge == Decimal("0.27819")
    assert client.status(1).charge == Decimal("0.1")


def test_a_contradicting_answer_after_a_final_status_is_passed_on_not_hidden(
    client: ProviderClient, simulator: Simulator, place
) -> None:
    (order_id,) = place(1)
    simulator.force_status(order_id, OrderStatus.COMPLETED)
    simulator.set_faults(Faults(contradictions=1.0, seed=1))

    results = [client.status(order_id) for _ in range(12)]

    # The client reports what was said; keeping final statuses final is the orders app's rule.
    read = {(r.raw_status, r.status) for r in results}
    assert read <= {
        ("In progress", OrderStatus.IN_PROGRESS),
        ("Pending", OrderStatus.PENDING),
        ("Unknown", None),
        ("", None),
    }
    assert len(read) >= 3


def test_many_status_accepts_int_keys_and_the_list_form(
    scripted, make_client: Callable[..., ProviderClient]
) -> None:
    scripted.reply(
        {1: {"status": "Completed", "remains": "0"}, "2": {"error": "Incorrect order ID"}, "77": {}}
    )
    scripted.reply([{"order": 1, "status": "Partial", "remains": "5"}, {"order": "2", "status": "Pending"}])
    client = make_client(scripted.url)

    keyed = client.statuses([1, 2])
    listed = client.statuses([1, 2])

    assert keyed[1].status == OrderStatus.COMPLETED  # type: ignore[union-attr]
    assert isinstance(keyed[2], ProviderRefused)
    assert 77 not in keyed  # not asked for
    assert (listed[1].status, listed[2].status) == (OrderStatus.PARTIAL, OrderStatus.PENDING)  # type: ignore[union-attr]
    assert scripted.requests[0]["orders"] == "1,2"


def test_an_id_left_out_or_answered_with_garbage_is_absent(
    scripted, make_client: Callable[..., ProviderClient]
) -> None:
    scripted.reply({"1": "garbage", "2": {"status": "Pending"}})

    results = make_client(scripted.url).statuses([1, 2, 3])

    assert set(results) == {2}


def test_services_accept_numbers_or_strings_and_every_boolean_spelling(
    scripted, make_client: Callable[..., ProviderClient]
) -> None:
    numbers = {
        "service": "7",
        "name": "A",
        "type": "Default",
        "category": "C",
        "rate": 0.9,
        "min": 50,
        "max": "100",
        "refill": "1",
        "cancel": 0,
        "dripfeed": "true",
        "description": "long text",
    }
    strings = {
        "service": 8,
        "name": "B",
        "rate": "1.20",
        "min": "1",
        "max": "1",
        "refill": 1,
        "cancel": "false",
        "desc": "short",
    }
    broken = {"service": "x", "name": "broken", "rate": "1", "min": "1", "max": "1"}
    scripted.reply([numbers, strings, broken, "not an object"])  # fmt: skip

    services = make_client(scripted.url).services()

    assert [(s.service_id, s.rate, s.min, s.max) for s in services] == [
        (7, Decimal("0.9"), 50, 100), (8, Decimal("1.20"), 1, 1),
    ]  # fmt: skip
    assert [(s.refill, s.cancel, s.dripfeed) for s in services] == [(True, False, True), (True, False, False)]
    assert [(s.type, s.category, s.description) for s in services] == [
        ("Default", "C", "long text"), ("Default", "", "short"),
    ]  # fmt: skip
    # The broken entries are told, not lost: the catalog sync reports them.
    assert [(entry.service_id, entry.reason) for entry in services.unreadable] == [
        (None, "service is not a number: 'x'"), (None, "a service is not an object"),
    ]  # fmt: skip


def test_refill_and_cancel_many_forms_read_ids_and_flags_either_way(
    scripted, make_client: Callable[..., ProviderClient]
) -> None:
    scripted.reply(
        [{"order": 1, "refill": 1}, {"order": "2", "refill": "8"}, {"order": 3, "refill": {"error": "x"}}]
    )
    scripted.reply(
        [{"refill": "8", "status": "completed"}, {"refill": 9, "status": {"error": "Refill not found"}}]
    )
    scripted.reply([{"order": 1, "cancel": 1}, {"order": 2, "cancel": "0"}, {"order": 3, "cancel": True}])
    client = make_client(scripted.url)

    assert client.refills([1, 2, 3])[2] == "8"
    refill_statuses = client.refill_statuses([8, 9])
    assert refill_statuses["8"].status == RefillStatus.COMPLETED  # type: ignore[union-attr]
    assert isinstance(refill_statuses["9"], ProviderRefused)
    assert client.cancel([1, 2, 3]) == {1: True, 2: False, 3: True}


def test_an_answer_with_a_byte_order_mark_is_read(
    scripted, make_client: Callable[..., ProviderClient]
) -> None:
    scripted.reply(b'\xef\xbb\xbf{"balance": "100.84292", "currency": "USD"}')

    assert make_client(scripted.url).balance().amount == Decimal("100.84292")


@pytest.mark.parametrize("body", [b"[1, 2]", b'{"order": "abc"}', b'{"order": 0}', b"{}", b'"just text"'])
def test_an_add_answer_without_an_order_id_is_a_bad_answer(
    scripted, make_client: Callable[..., ProviderClient], body: bytes
) -> None:
    scripted.reply(body)

    with pytest.raises(ProviderBadAnswer) as caught:
        make_client(scripted.url).add(service=1, link="https://x.com/a", quantity=10)
    assert caught.value.outcome_unknown


def test_an_error_with_http_4xx_is_still_a_refusal(
    scripted, make_client: Callable[..., ProviderClient]
) -> None:
    scripted.reply({"error": "Invalid API key"}, status=401)

    with pytest.raises(ProviderRefused, match="Invalid API key"):
        make_client(scripted.url).balance()
