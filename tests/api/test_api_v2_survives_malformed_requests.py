"""Property: whatever malformed request comes (missing and repeated parameters, bad quantities,
101 ids, unknown and foreign ids, huge bodies, wrong JSON types, unknown actions), in whichever
way, the answer is JSON with HTTP 200, never a server error, and no balance, ledger entry, order
or refill changes.

The requests are malformed by construction: `add` only ever gets a quantity that service 1 (a
Default service) refuses, or a service that does not exist; `cancel` only ids that are not the
caller's. The Django test client runs the many examples (it raises any exception a view lets
out); a few go over real HTTP too.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import pytest
import requests
from hypothesis import HealthCheck, event, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from panel.api.definitions import ACTIONS
from panel.api.parsing import id_of
from tests.api.conftest import API_PATH
from tests.reseller_apis import money_state


@dataclass
class World:
    key: str
    other_key: str  # a customer with no money
    service: int  # a Default service (min 50, max 10000)
    own_orders: list[int]
    foreign_orders: list[int]
    foreign_refills: list[int]
    before: dict


@pytest.fixture
def world(make_reseller, place_order, default_service, settings) -> World:
    settings.API_RATE_LIMIT_PER_MINUTE = 10**9
    settings.API_INVALID_KEY_LIMIT_PER_MINUTE = 10**9
    settings.API_MAX_BODY_BYTES = 4096  # so that "huge" costs little
    from orders.models import Refill

    me, stranger, broke = make_reseller("1000"), make_reseller("1000"), make_reseller("0")
    own = [place_order(customer=me.customer).pk for _ in range(2)]
    foreign = [place_order(customer=stranger.customer).pk for _ in range(2)]
    refills = [Refill.objects.create(order_id=pk).pk for pk in foreign]
    return World(me.key, broke.key, default_service.pk, own, foreign, refills, money_state())


# -- strategies ---------------------------------------------------------------------------------

_ACCEPTED_QUANTITY = re.compile(r"-?\d{1,12}")


def refused_quantity(text: str) -> bool:
    """True when orders.services.params would refuse `text` as service 1's quantity (50..10000)."""
    text = text.strip()
    return not (_ACCEPTED_QUANTITY.fullmatch(text) and 50 <= int(text) <= 10000)


junk_text = st.text(max_size=30)
bad_quantities = st.one_of(
    st.sampled_from(
        ["", "0", "-1", "-100", "49", "10001", "1.5", "1e3", "0x10", "9" * 30, "\u0665\u0660", " ", "NaN"]
    ),
    st.integers(max_value=49).map(str),
    st.integers(min_value=10001).map(str),
    junk_text,
).filter(refused_quantity)
links = st.sampled_from(
    ["https://instagram.com/p/ok"] * 4 + ["", "not a link", "javascript:alert(1)", "https://", "x" * 3000]
)


@st.composite
def id_values(draw, world: World, *, own: bool) -> str:
    pool = [*world.foreign_orders, *world.foreign_refills, 0, -1, 99999999, 2**63, 2**64]
    if own:
        pool += world.own_orders
    else:
        # A refill's id can be one of the caller's order ids too (the tables count apart).
        pool = [pk for pk in pool if pk not in world.own_orders]
    # Junk may happen to spell an id: never one of the caller's own where that would act on it.
    mine = set() if own else {str(pk) for pk in world.own_orders}
    junk = junk_text.filter(lambda t: "," not in t and (id_of(t) is None or str(id_of(t)) not in mine))
    one = st.one_of(st.sampled_from(pool).map(str), junk)
    shape = draw(st.sampled_from(["one", "some", "101", "empty", "commas"]))
    if shape == "one":
        return draw(one)
    if shape == "some":
        return ",".join(draw(st.lists(one, min_size=1, max_size=8)))
    if shape == "101":
        return ",".join(str(i) for i in range(1, 102))
    return "" if shape == "empty" else ",,, ,"


def names_own_order(world: World, value: Any) -> bool:
    """True when a JSON value, read as an id or a list of ids, names one of the caller's orders."""
    items = value if isinstance(value, list) else [value]
    return any(type(item) is int and item in world.own_orders for item in items)


@st.composite
def malformed(draw, world: World) -> tuple[str, list[tuple[str, Any]]]:
    """(transport, parameter pairs): a request something is wrong with."""
    key = draw(
        st.sampled_from(
            [[world.key]] * 6
            + [[world.other_key], [], [""], ["wrong"], [world.key, world.key], [world.key[:-1]]]
        )
    )
    if draw(st.integers(0, 9)) < 7:
        action: Any = draw(st.sampled_from(list(ACTIONS)))
    else:
        action = draw(
            st.one_of(
                st.sampled_from([[], [""], ["withdraw"], ["STATUS"], ["status", "status"]]),
                junk_text.map(lambda t: [t]),
            )
        )
    pairs: list[tuple[str, Any]] = [("key", k) for k in key]
    pairs += [("action", a) for a in (action if isinstance(action, list) else [action])]
    name = action if isinstance(action, str) else None
    if name == "add":
        service = draw(st.sampled_from([str(world.service)] * 5 + ["abc", "0", "-3", "999999", ""]))
        pairs += [("service", service), ("link", draw(links))]
        if service == str(world.service) or draw(st.booleans()):
            pairs.append(("quantity", draw(bad_quantities)))
        for extra in draw(
            st.lists(st.sampled_from(["runs", "interval", "comments", "usernames"]), max_size=2)
        ):
            pairs.append((extra, draw(st.one_of(junk_text, st.integers().map(str)))))
    elif name in ("status", "refill"):
        form = draw(st.sampled_from(["order", "orders", "both", "neither"]))
        if form in ("order", "both"):
            pairs.append(("order", draw(id_values(world, own=True))))
        if form in ("orders", "both"):
            pairs.append(("orders", draw(id_values(world, own=True))))
    elif name == "refill_status":
        pairs.append((draw(st.sampled_from(["refill", "refills"])), draw(id_values(world, own=True))))
    elif name == "cancel":
        pairs.append((draw(st.sampled_from(["orders", "order"])), draw(id_values(world, own=False))))
    if pairs and draw(st.integers(0, 5)) == 0:
        pairs.append(draw(st.sampled_from(pairs)))  # a parameter given twice
    if draw(st.integers(0, 9)) == 0:
        pairs.append(("padding", "x" * draw(st.integers(4000, 6000))))  # past API_MAX_BODY_BYTES
    transport = draw(st.sampled_from(["get", "form", "multipart", "json"] * 2 + ["json-typed", "raw"]))
    if transport == "json-typed":  # wrong JSON types in place of some values
        wrong = st.one_of(
            st.booleans(),
            st.lists(st.integers(), max_size=3),
            st.dictionaries(junk_text, st.integers(), max_size=2),
            st.floats(allow_nan=False, allow_infinity=False),
            st.none(),
            st.integers(),
        )
        # A number or an array of numbers is a valid id list: never one naming the caller's own
        # orders where `cancel` would act on it.
        harmless = wrong.filter(lambda value: not names_own_order(world, value))
        pairs = [
            (n, draw(harmless if name == "cancel" else wrong) if draw(st.booleans()) else v) for n, v in pairs
        ]
    if transport == "raw":
        pairs = [
            (
                "",
                draw(
                    st.one_of(
                        st.binary(max_size=200), st.sampled_from([b"[]", b"{", b'{"key": 1}', b"[" * 5000])
                    )
                ),
            )
        ]
    return transport, pairs


# -- sending ------------------------------------------------------------------------------------


def _json_text(pairs: list[tuple[str, Any]]) -> str:
    # Written by hand so that a name may come twice.
    return "{" + ",".join(f"{json.dumps(n)}:{json.dumps(v)}" for n, v in pairs) + "}"


def send_with_client(client, transport: str, pairs: list[tuple[str, Any]]):
    if transport == "get":
        return client.get(f"{API_PATH}?{urlencode(pairs)}")
    if transport == "form":
        return client.post(API_PATH, urlencode(pairs), content_type="application/x-www-form-urlencoded")
    if transport == "multipart":
        fields: dict[str, list[str]] = {}
        for name, value in pairs:
            fields.setdefault(name, []).append(str(value))
        return client.post(API_PATH, fields)  # multipart/form-data, each name's values in turn
    if transport == "raw":
        return client.post(API_PATH, pairs[0][1], content_type="application/json")
    return client.post(API_PATH, _json_text(pairs), content_type="application/json")


def send_over_http(url: str, transport: str, pairs: list[tuple[str, Any]]) -> requests.Response:
    if transport == "get":
        return requests.get(f"{url}?{urlencode(pairs)}", timeout=30)
    if transport == "form":
        return requests.post(url, data=pairs, timeout=30)
    if transport == "multipart":
        return requests.post(url, files=[(n, (None, str(v))) for n, v in pairs], timeout=30)
    body = pairs[0][1] if transport == "raw" else _json_text(pairs).encode()
    return requests.post(url, data=body, headers={"Content-Type": "application/json"}, timeout=30)


def check(status: int, body: bytes, before: dict) -> None:
    assert status == 200, body[:300]
    answer = json.loads(body)
    if isinstance(answer, dict) and "error" in answer:
        assert isinstance(answer["error"], str) and answer["error"]
        event(f"error: {answer['error'].split(':')[0]}")
    else:
        event(f"answer: {type(answer).__name__}")
    assert money_state() == before


_SETTINGS = {
    "deadline": None,
    "suppress_health_check": [
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
}


def _one_malformed_request_through_the_client(data, client, world):
    transport, pairs = data.draw(malformed(world))
    before = money_state()
    response = send_with_client(client, transport, pairs)
    check(response.status_code, response.content, before)
    assert before == world.before


@hypothesis_settings(max_examples=300, **_SETTINGS)
@given(data=st.data())
def test_malformed_requests_get_json_and_change_nothing(data, client, world):
    _one_malformed_request_through_the_client(data, client, world)


@pytest.mark.slow
@hypothesis_settings(max_examples=4000, **_SETTINGS)
@given(data=st.data())
def test_thousands_of_malformed_requests_get_json_and_change_nothing(data, client, world):
    _one_malformed_request_through_the_client(data, client, world)


@hypothesis_settings(max_examples=25, **_SETTINGS)
@given(data=st.data())
def test_malformed_requests_over_real_http_get_json_and_change_nothing(data, live_server, world):
    transport, pairs = data.draw(malformed(world))
    before = money_state()
    response = send_over_http(live_server.url + API_PATH, transport, pairs)
    check(response.status_code, response.content, before)
    assert before == world.before
