"""Each of the 17 service types of docs/api-v2.md, placed through the panel (services synced from
the simulator), reaches the provider over HTTP with exactly that type's `add` parameters, and
settles once polled."""

from decimal import ROUND_DOWN, Decimal

from billing.models import EntryKind, LedgerEntry
from catalog.models import ServiceType
from orders.models import Order, Submission
from orders.services.forwarding import order_submit
from orders.services.placing import order_place
from orders.services.polling import orders_poll
from provider.statuses import OrderStatus

LINK = "https://instagram.com/p/every-type-{n}"
USERS = "alice\nbob\ncarol"


def _counted(service, name: str) -> str:
    return "\n".join(f"{name} {i}" for i in range(service.min_quantity))


# type -> (what the customer sends, besides the link; the `add` parameters the provider must
# receive, besides `service`, `link` and `idempotency_key`). The minimum quantity stands in as "q".
ORDERS = {
    ServiceType.DEFAULT: ({"quantity": "q", "runs": "3", "interval": "15"}, {"quantity", "runs", "interval"}),
    ServiceType.PACKAGE: ({}, set()),
    ServiceType.CUSTOM_COMMENTS: ({"comments": "counted"}, {"comments"}),
    ServiceType.CUSTOM_COMMENTS_PACKAGE: ({"comments": "nice\ngreat"}, {"comments"}),
    ServiceType.MENTIONS: ({"quantity": "q", "usernames": USERS}, {"quantity", "usernames"}),
    ServiceType.MENTIONS_WITH_HASHTAGS: (
        {"quantity": "q", "usernames": USERS, "hashtags": "#sun\n#sea"},
        {"quantity", "usernames", "hashtags"},
    ),
    ServiceType.MENTIONS_CUSTOM_LIST: ({"usernames": "counted"}, {"usernames"}),
    ServiceType.MENTIONS_HASHTAG: ({"quantity": "q", "hashtag": "#sun"}, {"quantity", "hashtag"}),
    ServiceType.MENTIONS_USER_FOLLOWERS: ({"quantity": "q", "username": "alice"}, {"quantity", "username"}),
    ServiceType.MENTIONS_MEDIA_LIKERS: (
        {"quantity": "q", "media": "https://instagram.com/p/media1"},
        {"quantity", "media"},
    ),
    ServiceType.COMMENT_LIKES: ({"quantity": "q", "username": "bob"}, {"quantity", "username"}),
    ServiceType.COMMENT_REPLIES: ({"username": "bob", "comments": "counted"}, {"username", "comments"}),
    ServiceType.POLL: ({"quantity": "q", "answer_number": "2"}, {"quantity", "answer_number"}),
    ServiceType.INVITES_FROM_GROUPS: ({"quantity": "q", "groups": "https://t.me/a"}, {"quantity", "groups"}),
    ServiceType.WEB_TRAFFIC: (
        {
            "quantity": "q",
            "runs": "2",
            "interval": "30",
            "country": "US",
            "device": "5",
            "type_of_traffic": "3",
        },
        {"quantity", "runs", "interval", "country", "device", "type_of_traffic"},
    ),
    ServiceType.SEO: ({"quantity": "q", "keywords": "cheap smm\nbest smm"}, {"quantity", "keywords"}),
    ServiceType.SUBSCRIPTIONS: (
        {"username": "alice", "min": "q", "max": "q", "posts": "4", "delay": "30", "expiry": "31/12/2030"},
        {"username", "min", "max", "posts", "delay", "expiry"},
    ),
}


def test_the_table_covers_all_17_types():
    assert set(ORDERS) == set(ServiceType) and len(ServiceType) == 17


def test_an_order_of_every_type_is_forwarded_with_its_parameters_and_settles(
    catalog, simulator, provider, make_customer, django_capture_on_commit_callbacks
):
    customer = make_customer("100000")
    orders = {}
    for n, (service_type, (given, _)) in enumerate(ORDERS.items()):
        service = catalog[service_type]
        params = {
            name: str(service.min_quantity)
            if value == "q"
            else _counted(service, name)
            if value == "counted"
            else value
            for name, value in given.items()
        }
        if service_type != ServiceType.SUBSCRIPTIONS:
            params["link"] = LINK.format(n=n)
        with django_capture_on_commit_callbacks(execute=False):
            order = order_place(customer=customer, service_id=service.pk, params=params)
        assert order_submit(order_id=order.pk) == Submission.SENT, service_type
        orders[service_type] = (Order.objects.get(pk=order.pk), params)

    for service_type, (order, params) in orders.items():
        received = simulator.order(order.provider_order_id).params
        expected = ORDERS[service_type][1] | {"service", "idempotency_key"}
        expected |= set() if service_type == ServiceType.SUBSCRIPTIONS else {"link"}
        assert set(received) == expected, service_type
        assert received["service"] == str(order.service.provider_service_id)
        for name in expected - {"service", "idempotency_key"}:
            assert received[name] == params[name].replace("\r\n", "\n"), (service_type, name)

    # Every type settles: Completed refunds nothing, a package ending Partial what was not billed.
    package, _ = orders[ServiceType.PACKAGE]
    for order, _ in orders.values():
        if order.pk != package.pk:
            simulator.force_status(order.provider_order_id, OrderStatus.COMPLETED)
    simulator.force_status(package.provider_order_id, OrderStatus.PARTIAL, remains=250)  # of 1000
    orders_poll(provider=provider)

    billed = simulator.order(package.provider_order_id)
    assert billed.refunded > 0
    unbilled_share = (package.charge * billed.refunded / billed.charge).quantize(
        Decimal("0.00001"), ROUND_DOWN
    )
    for service_type, (order, _) in orders.items():
        order.refresh_from_db()
        if order.pk == package.pk:
            assert (order.status, order.refunded) == (OrderStatus.PARTIAL, unbilled_share)
        else:
            assert (order.status, order.refunded) == (OrderStatus.COMPLETED, 0), service_type
    assert LedgerEntry.objects.filter(kind=EntryKind.REFUND).count() == 1
