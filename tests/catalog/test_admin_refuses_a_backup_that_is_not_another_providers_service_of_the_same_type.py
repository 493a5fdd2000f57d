"""A service's backup (failover, docs/provider.md) must be another provider's service of the same
type: the admin's service form says why it refuses one, and saves nothing."""

import pytest

from catalog.forms import ServiceForm
from catalog.models import Service, ServiceType
from catalog.services import catalog_sync
from provider.models import Provider
from provider.simulator import Simulator


@pytest.fixture
def other_catalog(db):
    with Simulator("other-key", seed=5, time_scale=0) as sim:
        other = Provider.objects.create(name="Other", api_url=sim.url, api_key=sim.key)
        catalog_sync(provider=other)
        yield {service.type: service for service in Service.objects.filter(provider=other).order_by("-pk")}


def _with_backup(service: Service, backup: Service) -> ServiceForm:
    data = {
        "name": service.name,
        "description": service.description,
        "category": service.category_id,
        "enabled": "on",
        "position": service.position,
        "markup_percent": "",
        "fixed_rate": "",
        "backup_service": backup.pk,
    }
    return ServiceForm(data=data, instance=service)


def test_a_backup_of_another_provider_and_the_same_type_is_saved(catalog, other_catalog):
    service = catalog[ServiceType.DEFAULT]
    form = _with_backup(service, other_catalog[ServiceType.DEFAULT])

    assert form.is_valid(), form.errors
    form.save()
    service.refresh_from_db()
    assert service.backup_service == other_catalog[ServiceType.DEFAULT]


@pytest.mark.parametrize(
    ("backup_of", "message"),
    [
        ("same_provider", "another provider's service"),
        ("other_type", "must be of the same type (Default); it is Package"),
        ("itself", "another provider's service"),
    ],
)
def test_a_backup_at_the_same_provider_or_of_another_type_is_refused(
    catalog, other_catalog, backup_of, message
):
    service = catalog[ServiceType.DEFAULT]
    backup = {
        "same_provider": catalog[ServiceType.PACKAGE],
        "other_type": other_catalog[ServiceType.PACKAGE],
        "itself": service,
    }[backup_of]
    if backup_of == "same_provider":
        Service.objects.filter(pk=backup.pk).update(type=ServiceType.DEFAULT)
        backup.refresh_from_db()

    form = _with_backup(service, backup)

    assert not form.is_valid()
    assert message in " ".join(form.errors["backup_service"])
    assert Service.objects.get(pk=service.pk).backup_service_id is None
