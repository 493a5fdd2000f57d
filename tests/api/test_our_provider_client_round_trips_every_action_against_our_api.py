"""Panel on panel: our own ProviderClient, unchanged, uses our API v2 over real HTTP as it uses a
provider's. Every action round-trips into the client's typed values."""

from decimal import Decimal

import pytest

from catalog.models import ServiceType
from catalog.pricing import customer_rate
from orders.models import Order
from orders.services.polling import orders_poll
from provider.client import ProviderClient, ProviderRefused
from provider.statuses import OrderStatus, RefillStatus, RefusalKind
from tests.reseller_apis import valid_add_params

pytestmark = pytest.mark.usefixtures("eager_tasks")


@pytest.fixture
def our_api(live_server, reseller):
    client = ProviderClient(live_server.url + "/api/v2", reseller.key, read_timeout=30, retries=0)
    yield client
    client.close()


def test_the_provider_client_round_trips_every_action(
    our_api, reseller, catalog, simulator, provider, new_link
):
    # services, at the reseller's prices
    services = {service.service_id: service for service in our_api.services()}
    assert len(services) == 20
    followers = catalog[ServiceType.DEFAULT]
    listed = services[followers.pk]
    assert listed.type == "Default" and listed.name == followers.name
    assert listed.rate == customer_rate(followers, reseller.customer)
    assert (listed.min, listed.max) == (followers.min_quantity, followers.max_quantity)
    assert (listed.refill, listed.cancel, listed.dripfeed) == (True, True, True)

    assert our_api.balance().amount == Decimal("100") and our_api.balance().currency == "USD"

    # add, of several types: the client sends lists one item per line
    placed = {}
    for service_type in (
        ServiceType.DEFAULT,
        ServiceType.PACKAGE,
        ServiceType.CUSTOM_COMMENTS,
        ServiceType.MENTIONS_WITH_HASHTAGS,
        ServiceType.POLL,
        ServiceType.SUBSCRIPTIONS,
    ):
        service = catalog[service_type]
        params = valid_add_params(service, new_link())
        placed[service_type] = our_api.add(service=service.pk, **params)
    orders = {t: Order.objects.get(pk=pk, customer=reseller.customer) for t, pk in placed.items()}
    comments = orders[ServiceType.CUSTOM_COMMENTS]
    assert comments.quantity == catalog[ServiceType.CUSTOM_COMMENTS].min_quantity
    spent = sum(order.charge for order in orders.values())
    assert our_api.balance().amount == Decimal("100") - spent

    # a refusal reaches the client as one, classified by meaning
    with pytest.raises(ProviderRefused) as refused:
        our_api.add(service=followers.pk, link=new_link(), quantity=1)
    assert refused.value.kind == RefusalKind.OUT_OF_BOUNDS

    # status, one and many
    default = orders[ServiceType.DEFAULT]
    one = our_api.status(default.pk)
    assert one.status == OrderStatus.PENDING and one.remains == default.quantity
    assert one.charge == default.charge and one.currency == "USD"
    simulator.force_status(default.provider_order_id, OrderStatus.COMPLETED)
    orders_poll(provider=provider)
    many = our_api.statuses([order.pk for order in orders.values()] + [99999999])
    assert many[default.pk].status == OrderStatus.COMPLETED and many[default.pk].remains == 0
    assert all(
        many[order.pk].status == OrderStatus.PENDING
        for t, order in orders.items()
        if t != ServiceType.DEFAULT
    )
    assert isinstance(many[99999999], ProviderRefused) and many[99999999].kind == RefusalKind.NOT_FOUND

    # refill, one and many (the package has refill too)
    package = orders[ServiceType.PACKAGE]
    simulator.force_status(package.provider_order_id, OrderStatus.COMPLETED)
    orders_poll(provider=provider)
    refill_id = our_api.refill(default.pk)
    assert refill_id.isdigit()
    refills = our_api.refills([package.pk, comments.pk])
    assert refills[package.pk].isdigit()
    assert isinstance(refills[comments.pk], ProviderRefused)
    assert refills[comments.pk].kind == RefusalKind.DISABLED

    # refill_status, one and many
    assert our_api.refill_status(refill_id).status == RefillStatus.PENDING
    statuses = our_api.refill_statuses([refill_id, refills[package.pk], "424242"])
    assert statuses[refill_id].status == RefillStatus.PENDING
    assert statuses[refills[package.pk]].status == RefillStatus.PENDING
    assert isinstance(statuses["424242"], ProviderRefused)

    # cancel: accepted for a running order whose service cancels; refused otherwise
    poll = orders[ServiceType.POLL]
    canceled = our_api.cancel([poll.pk, default.pk, 99999999])
    assert canceled[poll.pk] is True
    assert isinstance(canceled[default.pk], ProviderRefused)
    assert isinstance(canceled[99999999], ProviderRefused)
    assert Order.objects.get(pk=poll.pk).cancel_state == "requested"


def test_a_wrong_key_reaches_the_client_as_a_bad_key(live_server):
    client = ProviderClient(live_server.url + "/api/v2", "not-a-key", retries=0)
    with pytest.raises(ProviderRefused) as refused:
        client.balance()
    assert refused.value.kind == RefusalKind.BAD_KEY
    client.close()
