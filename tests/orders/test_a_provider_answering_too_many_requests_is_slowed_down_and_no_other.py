"""Issue #17: a provider that answers "Too many requests" (HTTP 429) gets its calls at half the pace
it was getting them, for every worker (kept on its row), and growing back from there; the orders it
refused are sent again, once each; another provider's pace is untouched."""

from __future__ import annotations

from datetime import timedelta

from catalog.models import Service, ServiceType
from catalog.services import catalog_sync
from orders.models import Order, OrderEvent, Submission
from orders.services.forwarding import orders_forward
from provider.calls import RATE_RECOVERY, effective_rate
from provider.models import Provider
from provider.simulator import Faults, Simulator


def adds(simulator) -> list[str]:
    return [r.params["link"] for r in simulator.received if r.action == "add"]


def test_too_many_requests_slows_that_provider_down_and_not_another(
    provider, simulator, place_order, catalog
):
    provider.max_in_flight = 4
    provider.save(update_fields=["max_in_flight"])
    with Simulator("other-sim-key", seed=3, time_scale=0) as other_sim:
        other = Provider.objects.create(
            name="Other", api_url=other_sim.url, api_key=other_sim.key, max_in_flight=4
        )
        catalog_sync(provider=other)
        other_service = Service.objects.filter(provider=other, type=ServiceType.DEFAULT, enabled=True)[0]
        limited = [place_order() for _ in range(8)]
        calm = [place_order(service=other_service) for _ in range(8)]
        # The first three `add`s it gets are refused with a 429 (before acting: nothing placed).
        simulator.set_faults(Faults(latency=0.02, rate_limit=1.0, at_most={"rate_limit": 3}))
        other_sim.set_faults(Faults(latency=0.02))
        assert effective_rate(provider) is None

        limited_run = orders_forward(provider_id=provider.pk)
        calm_run = orders_forward(provider_id=other.pk)
        other_adds = adds(other_sim)

    provider.refresh_from_db()
    other.refresh_from_db()
    # At most 4 calls had started in the second before the 429: the pace is now at most half that.
    assert provider.throttled_rate is not None and provider.throttled_rate <= 2
    assert provider.throttled_at is not None
    assert other.throttled_rate is None and effective_rate(other) is None
    # It grows back by RATE_RECOVERY a second, and is over once far above any real limit.
    later = provider.throttled_at + timedelta(seconds=10)
    assert effective_rate(provider, later) == provider.throttled_rate + 10 * RATE_RECOVERY
    assert effective_rate(provider, provider.throttled_at + timedelta(days=1)) is None

    # Every order was sent once: the refused ones again, at the slower pace, within the same run.
    assert limited_run.sent == 8 and calm_run.sent == 8
    assert (
        Order.objects.filter(pk__in=[o.pk for o in limited + calm], submission=Submission.SENT).count() == 16
    )
    assert len(adds(simulator)) == 8 + 3 and sorted(set(adds(simulator))) == sorted(o.link for o in limited)
    assert len(simulator.orders()) == 8
    assert sorted(other_adds) == sorted(o.link for o in calm)
    slowed = OrderEvent.objects.filter(order__in=limited, message__startswith="Provider asked to slow down")
    assert slowed.count() == 3
    assert not Order.objects.filter(pk__in=[o.pk for o in limited], flagged=True).exists()
