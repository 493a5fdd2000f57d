import pytest
from django_celery_beat.models import PeriodicTask

from catalog import tasks
from catalog.models import Service
from panel.celery import app
from provider.models import Provider
from provider.simulator import Faults

pytestmark = pytest.mark.django_db


def test_the_migration_seeds_an_hourly_sync_of_all_providers():
    task = PeriodicTask.objects.get(name="catalog: sync services")

    assert task.enabled
    assert task.task == "catalog.tasks.sync_all_providers"
    assert (task.interval.every, task.interval.period) == (3600, "seconds")
    app.loader.import_default_modules()
    assert task.task in app.tasks


def test_the_hourly_task_queues_one_sync_per_active_provider(provider, monkeypatch):
    Provider.objects.create(
        name="Sleeping", api_url="http://127.0.0.1:9/api/v2", api_key="k", is_active=False
    )
    queued = []
    monkeypatch.setattr(tasks.sync_provider_services, "delay", queued.append)

    tasks.sync_all_providers()

    assert queued == [provider.pk]


def test_the_provider_task_syncs_its_provider(provider, simulator):
    tasks.sync_provider_services(provider.pk)

    assert Service.objects.count() == len(simulator.services)


def test_the_provider_task_logs_a_failed_sync_and_changes_nothing(provider, simulator, caplog):
    simulator.set_faults(Faults(html=1.0))

    tasks.sync_provider_services(provider.pk)

    assert not Service.objects.exists()
    assert "catalog sync failed: HonestSim: the service list could not be read" in caplog.text


def test_the_provider_task_skips_a_provider_deactivated_since_it_was_queued(provider, simulator):
    Provider.objects.filter(pk=provider.pk).update(is_active=False)

    tasks.sync_provider_services(provider.pk)

    assert simulator.received == []
