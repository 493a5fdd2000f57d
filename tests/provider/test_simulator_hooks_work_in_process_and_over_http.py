"""The test hooks, called in process and through `/_sim/<hook>` for a simulator in another process."""

from decimal import Decimal

import pytest
import requests

from provider.client import ProviderClient, ProviderRefused
from provider.simulator import Faults, SimService, Simulator
from provider.statuses import OrderStatus


def control(simulator: Simulator, hook: str, **args: object) -> requests.Response:
    url = simulator.url.replace("/api/v2", f"/_sim/{hook}")
    return requests.post(url, json={"key": simulator.key, **args}, timeout=5)


def test_a_service_can_be_changed_added_and_removed(client: ProviderClient, simulator: Simulator) -> None:
    simulator.set_service(1, rate="2.50", min=10, max=20)
    simulator.add_service(SimService(99, "New", "Package", "Extra", Decimal("3"), 1, 1))
    simulator.remove_service(2)

    services = {s.service_id: s for s in client.services()}

    assert (services[1].rate, services[1].min, services[1].max) == (Decimal("2.50"), 10, 20)
    assert services[99].type == "Package" and 2 not in services
    with pytest.raises(ProviderRefused, match="Quantity more than maximum 20"):
        client.add(service=1, link="https://x.com/a", quantity=21)
    with pytest.raises(ProviderRefused, match="Incorrect service ID"):
        client.add(service=2, link="https://x.com/a", quantity=100)


def test_received_requests_are_recorded_without_the_key(client: ProviderClient, simulator: Simulator) -> None:
    client.balance()
    client.add(service=1, link="https://x.com/a", quantity=100)

    received = simulator.received

    assert [r.action for r in received] == ["balance", "add"]
    assert received[1].params == {"service": "1", "link": "https://x.com/a", "quantity": "100"}
    assert all("key" not in r.params for r in received)


def test_reset_returns_to_the_starting_state(client: ProviderClient, simulator: Simulator, place) -> None:
    place(2)
    simulator.set_service(1, rate="9")
    simulator.set_faults(Faults(html=1.0))

    simulator.reset()

    assert simulator.orders() == [] and simulator.received == []
    assert simulator.balance == Decimal(1000)
    assert client.services()[0].rate == Decimal("0.90")


def test_a_forced_final_status_cannot_be_forced_again(simulator: Simulator, place) -> None:
    (order_id,) = place(1)
    simulator.force_status(order_id, OrderStatus.IN_PROGRESS, remains=400)
    simulator.advance(3600)
    assert (simulator.order(order_id).status, simulator.order(order_id).remains) == (
        OrderStatus.IN_PROGRESS,
        400,
    )

    simulator.force_status(order_id, OrderStatus.CANCELED)

    with pytest.raises(ValueError, match="already"):
        simulator.force_status(order_id, OrderStatus.COMPLETED)


def test_hooks_over_http_need_the_key(simulator: Simulator) -> None:
    assert control(simulator, "reset").status_code == 200
    wrong = requests.post(simulator.url.replace("/api/v2", "/_sim/reset"), json={"key": "x"}, timeout=5)
    assert wrong.status_code == 403


def test_hooks_over_http(client: ProviderClient, simulator: Simulator, place) -> None:
    (order_id,) = place(1)

    assert control(simulator, "set_balance", balance="50").ok
    assert control(simulator, "set_service", service=3, rate="0.5", cancel=False).ok
    assert control(simulator, "add_service", service=50, name="X", type="SEO", rate="1", min=1, max=9).ok
    assert control(simulator, "remove_service", service=4).ok
    assert control(simulator, "force_status", order=order_id, status="Partial", remains=100).ok
    assert control(simulator, "advance", seconds=10).ok
    assert control(simulator, "set_faults", html=1.0, only={"html": ["balance"]}).ok

    orders = control(simulator, "orders").json()
    assert orders[0]["order_id"] == order_id and orders[0]["status"] == "Partial"
    assert orders[0]["refunded"] == "0.09000"
    assert control(simulator, "balance").json() == {"balance": "50.09000"}  # 50 + the Partial's refund
    assert [r["action"] for r in control(simulator, "received").json()] == ["add"]
    services = {s.service_id: s for s in client.services()}
    assert services[3].rate == Decimal("0.5") and not services[3].cancel
    assert services[50].type == "SEO" and 4 not in services
    assert control(simulator, "unknown").status_code == 404
    assert control(simulator, "set_faults", nonsense=1).status_code == 400
