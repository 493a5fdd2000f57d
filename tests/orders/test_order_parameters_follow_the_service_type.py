"""Each service type takes its own parameters of `add` and charges its own units (docs/api-v2.md)."""

from decimal import Decimal

import pytest

from catalog.models import Service, ServiceType
from orders.errors import OrderRefused
from orders.services.params import FIELDS, order_params_parse


def service(type_: ServiceType, *, low=10, high=1000, dripfeed=False) -> Service:
    return Service(
        type=type_, min_quantity=low, max_quantity=high, dripfeed=dripfeed, provider_rate=Decimal(1)
    )


LINK = "https://instagram.com/p/abc"


@pytest.mark.parametrize(
    "type_, raw, units, params",
    [
        (ServiceType.DEFAULT, {"link": LINK, "quantity": "100"}, 100, {"link": LINK, "quantity": 100}),
        (ServiceType.PACKAGE, {"link": LINK}, 1, {"link": LINK}),
        (
            ServiceType.CUSTOM_COMMENTS,
            {"link": LINK, "comments": "a\r\nb\n\nc"},
            3,
            {"link": LINK, "comments": "a\nb\nc"},
        ),
        (
            ServiceType.CUSTOM_COMMENTS_PACKAGE,
            {"link": LINK, "comments": "x\ny"},
            1,
            {"link": LINK, "comments": "x\ny"},
        ),
        (
            ServiceType.MENTIONS,
            {"link": LINK, "quantity": "50", "usernames": "u1\nu2"},
            50,
            {"link": LINK, "quantity": 50, "usernames": "u1\nu2"},
        ),
        (
            ServiceType.MENTIONS_WITH_HASHTAGS,
            {"link": LINK, "quantity": "50", "usernames": "u1", "hashtags": "#a\n#b"},
            50,
            {"link": LINK, "quantity": 50, "usernames": "u1", "hashtags": "#a\n#b"},
        ),
        (
            ServiceType.MENTIONS_CUSTOM_LIST,
            {"link": LINK, "usernames": "\n".join(f"u{i}" for i in range(12))},
            12,
            {"link": LINK, "usernames": "\n".join(f"u{i}" for i in range(12))},
        ),
        (
            ServiceType.MENTIONS_HASHTAG,
            {"link": LINK, "quantity": "20", "hashtag": "#sun"},
            20,
            {"link": LINK, "quantity": 20, "hashtag": "#sun"},
        ),
        (
            ServiceType.MENTIONS_USER_FOLLOWERS,
            {"link": LINK, "quantity": "20", "username": "bob"},
            20,
            {"link": LINK, "quantity": 20, "username": "bob"},
        ),
        (
            ServiceType.MENTIONS_MEDIA_LIKERS,
            {"link": LINK, "quantity": "20", "media": LINK},
            20,
            {"link": LINK, "quantity": 20, "media": LINK},
        ),
        (
            ServiceType.COMMENT_LIKES,
            {"link": LINK, "quantity": "20", "username": "owner"},
            20,
            {"link": LINK, "quantity": 20, "username": "owner"},
        ),
        (
            ServiceType.COMMENT_REPLIES,
            {"link": LINK, "username": "owner", "comments": "\n".join("r" * 10)},
            10,
            {"link": LINK, "username": "owner", "comments": "\n".join("r" * 10)},
        ),
        (
            ServiceType.POLL,
            {"link": LINK, "quantity": "30", "answer_number": "2"},
            30,
            {"link": LINK, "quantity": 30, "answer_number": 2},
        ),
        (
            ServiceType.INVITES_FROM_GROUPS,
            {"link": LINK, "quantity": "30", "groups": "g1\ng2"},
            30,
            {"link": LINK, "quantity": 30, "groups": "g1\ng2"},
        ),
        (
            ServiceType.SEO,
            {"link": LINK, "quantity": "30", "keywords": "k1\nk2"},
            30,
            {"link": LINK, "quantity": 30, "keywords": "k1\nk2"},
        ),
        (
            ServiceType.WEB_TRAFFIC,
            {
                "link": LINK,
                "quantity": "100",
                "country": "US",
                "device": "5",
                "type_of_traffic": "1",
                "google_keyword": "smm",
            },
            100,
            {
                "link": LINK,
                "quantity": 100,
                "country": "US",
                "device": 5,
                "type_of_traffic": 1,
                "google_keyword": "smm",
            },
        ),
        (
            ServiceType.SUBSCRIPTIONS,
            {
                "username": "star",
                "min": "10",
                "max": "100",
                "posts": "5",
                "delay": "30",
                "expiry": "31/12/2027",
            },
            500,
            {"username": "star", "min": 10, "max": 100, "posts": 5, "delay": 30, "expiry": "31/12/2027"},
        ),
    ],
)
def test_each_type_parses_its_parameters_and_units(type_, raw, units, params):
    parsed = order_params_parse(service=service(type_, low=1), raw=raw)
    assert parsed.units == units
    assert parsed.params == params


def test_every_type_has_a_parser_and_a_form_layout():
    assert set(FIELDS) == set(ServiceType)
    for type_ in ServiceType:
        with pytest.raises(OrderRefused):
            order_params_parse(service=service(type_), raw={})


def test_drip_feed_charges_quantity_times_runs():
    parsed = order_params_parse(
        service=service(ServiceType.DEFAULT, dripfeed=True),
        raw={"link": LINK, "quantity": "100", "runs": "5", "interval": "30"},
    )
    assert parsed.units == 500
    assert parsed.params == {"link": LINK, "quantity": 100, "runs": 5, "interval": 30}


def test_drip_feed_is_refused_where_the_service_has_none():
    with pytest.raises(OrderRefused, match="drip-feed"):
        order_params_parse(
            service=service(ServiceType.DEFAULT),
            raw={"link": LINK, "quantity": "100", "runs": "2", "interval": "5"},
        )


def test_drip_feed_needs_both_runs_and_interval():
    with pytest.raises(OrderRefused, match="interval is required"):
        order_params_parse(
            service=service(ServiceType.DEFAULT, dripfeed=True),
            raw={"link": LINK, "quantity": "100", "runs": "2"},
        )


@pytest.mark.parametrize(
    "quantity, message",
    [
        ("9", "Quantity less than minimal 10"),
        ("1001", "Quantity more than maximum 1000"),
        ("-5", "Quantity less than minimal 10"),
        ("ten", "Incorrect request: quantity must be a whole number"),
        ("1.5", "Incorrect request: quantity must be a whole number"),
        ("", "Incorrect request: quantity is required"),
    ],
)
def test_quantity_outside_the_bounds_or_not_a_number_is_refused_with_the_standard_text(quantity, message):
    with pytest.raises(OrderRefused) as refused:
        order_params_parse(service=service(ServiceType.DEFAULT), raw={"link": LINK, "quantity": quantity})
    assert refused.value.message == message
    assert refused.value.field == "quantity"


def test_comment_count_is_held_to_the_bounds():
    with pytest.raises(OrderRefused, match="Quantity less than minimal 10"):
        order_params_parse(
            service=service(ServiceType.CUSTOM_COMMENTS), raw={"link": LINK, "comments": "one\ntwo"}
        )


@pytest.mark.parametrize(
    "link", ["", "instagram", "ftp://x.example/a", "javascript:alert(1)", "https://" + "a" * 2000]
)
def test_a_missing_or_malformed_link_is_a_bad_link(link):
    with pytest.raises(OrderRefused) as refused:
        order_params_parse(service=service(ServiceType.DEFAULT), raw={"link": link, "quantity": "100"})
    assert refused.value.message == "Bad link"


def test_a_repeated_parameter_is_refused():
    with pytest.raises(OrderRefused, match="more than once"):
        order_params_parse(
            service=service(ServiceType.DEFAULT), raw={"link": LINK, "quantity": ["100", "200"]}
        )


def test_subscription_min_may_not_exceed_max_and_expiry_is_a_date():
    base = {"username": "star", "min": "100", "max": "10", "posts": "5"}
    with pytest.raises(OrderRefused, match="min may not be more than max"):
        order_params_parse(service=service(ServiceType.SUBSCRIPTIONS), raw=base)
    with pytest.raises(OrderRefused, match="dd/mm/yyyy"):
        order_params_parse(
            service=service(ServiceType.SUBSCRIPTIONS),
            raw={**base, "min": "10", "max": "100", "expiry": "2027-12-31"},
        )


def test_web_traffic_with_a_custom_referrer_needs_a_url():
    with pytest.raises(OrderRefused, match="referring_url"):
        order_params_parse(
            service=service(ServiceType.WEB_TRAFFIC),
            raw={"link": LINK, "quantity": "100", "type_of_traffic": "2", "referring_url": "nope"},
        )
