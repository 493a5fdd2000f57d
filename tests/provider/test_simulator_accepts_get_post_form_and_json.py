"""The simulator reads requests the three ways clients send them, and answers in docs/api-v2.md's shapes."""

import requests

from provider.simulator import Simulator


def _add_params(sim: Simulator, link: str) -> dict[str, str]:
    return {"key": sim.key, "action": "add", "service": "1", "link": link, "quantity": "100"}


def test_get_with_query_parameters(simulator: Simulator) -> None:
    answer = requests.get(simulator.url, params=_add_params(simulator, "https://x.com/get"), timeout=5)

    assert answer.status_code == 200
    assert answer.headers["Content-Type"] == "application/json"
    assert isinstance(answer.json()["order"], int)


def test_post_with_a_form_body(simulator: Simulator) -> None:
    answer = requests.post(simulator.url, data=_add_params(simulator, "https://x.com/form"), timeout=5)

    assert isinstance(answer.json()["order"], int)


def test_post_with_a_json_body_and_lists_as_arrays(simulator: Simulator) -> None:
    body = {"key": simulator.key, "action": "add", "service": 5, "link": "https://x.com/json",
            "comments": [f"comment {n}" for n in range(12)]}  # fmt: skip

    answer = requests.post(simulator.url, json=body, timeout=5).json()

    assert simulator.order(answer["order"]).quantity == 12


def test_a_wrong_or_missing_key_is_refused_with_http_200(simulator: Simulator) -> None:
    wrong = requests.post(simulator.url, data={"key": "nope", "action": "balance"}, timeout=5)
    missing = requests.post(simulator.url, data={"action": "balance"}, timeout=5)

    assert (wrong.status_code, wrong.json()) == (200, {"error": "Invalid API key"})
    assert missing.json() == {"error": "Invalid API key"}


def test_a_missing_or_unknown_action_is_an_incorrect_request(simulator: Simulator) -> None:
    missing = requests.post(simulator.url, data={"key": simulator.key}, timeout=5)
    unknown = requests.post(simulator.url, data={"key": simulator.key, "action": "steal"}, timeout=5)
    broken_json = requests.post(
        simulator.url, data=b"{not json", headers={"Content-Type": "application/json"}, timeout=5
    )

    assert missing.json() == unknown.json() == broken_json.json() == {"error": "Incorrect request"}


def test_answers_carry_money_and_counts_as_strings_and_ids_as_numbers(simulator: Simulator) -> None:
    def call(**params: str) -> object:
        return requests.post(simulator.url, data={"key": simulator.key, **params}, timeout=5).json()

    order_id = call(action="add", service="1", link="https://x.com/shape", quantity="100")["order"]
    simulator.force_status(order_id, "Completed")

    service = call(action="services")[0]
    assert isinstance(service["service"], int)
    assert all(isinstance(service[f], str) for f in ("rate", "min", "max"))
    assert all(isinstance(service[f], bool) for f in ("refill", "cancel"))
    status = call(action="status", order=str(order_id))
    assert set(status) == {"charge", "start_count", "status", "remains", "currency"}
    assert all(isinstance(status[f], str) for f in ("charge", "start_count", "remains"))
    assert set(call(action="status", orders=f"{order_id},5")) == {str(order_id), "5"}
    refill = call(action="refill", order=str(order_id))
    assert isinstance(refill["refill"], str)
    many = call(action="refill", orders=f"{order_id},5")
    assert many[1] == {"order": 5, "refill": {"error": "Incorrect order ID"}}
    assert call(action="refill_status", refill=refill["refill"]) == {"status": "Pending"}
    assert call(action="refill_status", refills=f"{refill['refill']},7") == [
        {"refill": int(refill["refill"]), "status": "Pending"},
        {"refill": 7, "status": {"error": "Refill not found"}},
    ]
    assert call(action="cancel", orders="5") == [{"order": 5, "cancel": {"error": "Incorrect order ID"}}]
    assert call(action="balance") == {"balance": f"{simulator.balance:.5f}", "currency": "USD"}


def test_more_than_100_ids_is_an_incorrect_request(simulator: Simulator) -> None:
    ids = ",".join(str(n) for n in range(101))

    answer = requests.post(
        simulator.url, data={"key": simulator.key, "action": "status", "orders": ids}, timeout=5
    )

    assert answer.json() == {"error": "Incorrect request"}


def test_other_paths_are_not_the_api(simulator: Simulator) -> None:
    answer = requests.post(
        simulator.url.replace("/api/v2", "/api/v1"), data={"key": simulator.key}, timeout=5
    )

    assert answer.status_code == 404
