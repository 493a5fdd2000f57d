import pytest
from django.db import connection

from catalog.models import Category, PriceHistory, Service
from catalog.services import catalog_sync
from provider.client import ProviderClient

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_provider_is_called_outside_any_transaction(provider, monkeypatch):
    seen = []
    real_services = ProviderClient.services

    def services(client):
        seen.append(connection.in_atomic_block)
        return real_services(client)

    monkeypatch.setattr(ProviderClient, "services", services)

    catalog_sync(provider=provider)

    assert seen == [False]
    assert Service.objects.exists()


def test_the_writes_happen_in_one_transaction_so_a_failure_leaves_no_half_sync(provider, monkeypatch):
    def failing_bulk_create(*args, **kwargs):
        raise RuntimeError("the database went away halfway")

    monkeypatch.setattr(PriceHistory.objects, "bulk_create", failing_bulk_create)

    with pytest.raises(RuntimeError):
        catalog_sync(provider=provider)

    assert not Service.objects.exists()
    assert not Category.objects.exists()
