"""When a sync raises a service's cost above its fixed rate or a customer's custom rate, the panel
never sells below cost: per the provider's margin guard it sells at the markup instead (the custom
rate set aside) or disables the service; the admins get one mail after the commit, and a later
sync at the same cost sends none."""

from decimal import Decimal

import pytest

from catalog.models import CustomRate, Service
from catalog.pricing import customer_rate
from catalog.selectors import services_for
from catalog.services import catalog_sync
from provider.models import MarginGuard

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def imported(provider, settings):
    settings.ADMINS = [("Ops", "ops@example.com")]
    catalog_sync(provider=provider)


def _sync(provider, capture) -> None:
    with capture(execute=True):
        catalog_sync(provider=provider)


def _service(number: int = 1) -> Service:
    return Service.objects.select_related("provider").get(provider_service_id=number)


@pytest.fixture
def fixed():
    """Service 1 (cost 0.90) at a fixed rate of 1.00."""
    Service.objects.filter(provider_service_id=1).update(fixed_rate=Decimal("1.00"), rate=Decimal("1.00"))
    return _service(1)


def test_reprice_sells_at_the_markup_and_mails_the_admins_once(
    provider, simulator, fixed, mailoutbox, django_capture_on_commit_callbacks
):
    simulator.set_service(1, rate="1.10")

    _sync(provider, django_capture_on_commit_callbacks)

    service = _service(1)
    assert (service.enabled, service.rate) == (True, Decimal("1.43"))  # 1.10 x 1.3
    assert len(mailoutbox) == 1
    assert "cost more than their fixed or custom rate" in mailoutbox[0].subject
    assert f"service {service.pk} " in mailoutbox[0].body and "fixed rate 1" in mailoutbox[0].body

    _sync(provider, django_capture_on_commit_callbacks)
    assert len(mailoutbox) == 1


def test_disable_disables_the_service_and_mails_the_admins_once(
    provider, simulator, fixed, mailoutbox, django_capture_on_commit_callbacks
):
    provider.margin_guard = MarginGuard.DISABLE
    provider.save()
    simulator.set_service(1, rate="1.10")

    _sync(provider, django_capture_on_commit_callbacks)

    assert not _service(1).enabled
    assert len(mailoutbox) == 1 and "disabled" in mailoutbox[0].body
    _sync(provider, django_capture_on_commit_callbacks)
    assert len(mailoutbox) == 1


def test_a_custom_rate_below_the_new_cost_is_set_aside_and_mailed(
    provider, simulator, customer, mailoutbox, django_capture_on_commit_callbacks
):
    # Service 2 costs 0.45; the customer buys it at 0.50 until the cost rises to 0.60.
    CustomRate.objects.create(customer=customer, service=_service(2), fixed_rate=Decimal("0.50"))
    assert customer_rate(services_for(customer).get(provider_service_id=2), customer) == Decimal("0.50")
    simulator.set_service(2, rate="0.60")

    _sync(provider, django_capture_on_commit_callbacks)

    service = services_for(customer).get(provider_service_id=2)
    assert service.enabled and customer_rate(service, customer) == service.rate == Decimal("0.78")
    assert len(mailoutbox) == 1 and "custom rate (lowest 0.5)" in mailoutbox[0].body


def test_a_custom_rate_below_the_new_cost_disables_the_service_when_the_provider_says_so(
    provider, simulator, customer, mailoutbox, django_capture_on_commit_callbacks
):
    provider.margin_guard = MarginGuard.DISABLE
    provider.save()
    CustomRate.objects.create(customer=customer, service=_service(2), fixed_rate=Decimal("0.50"))
    simulator.set_service(2, rate="0.60")

    _sync(provider, django_capture_on_commit_callbacks)

    assert not _service(2).enabled
    assert len(mailoutbox) == 1


def test_a_rise_that_stays_below_the_fixed_rate_changes_nothing_and_mails_nobody(
    provider, simulator, fixed, mailoutbox, django_capture_on_commit_callbacks
):
    simulator.set_service(1, rate="0.95")

    _sync(provider, django_capture_on_commit_callbacks)

    assert (_service(1).enabled, _service(1).rate) == (True, Decimal("1.00"))
    assert mailoutbox == []
