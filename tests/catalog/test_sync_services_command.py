import pytest
from django.core.management import CommandError, call_command

from catalog.models import Service
from provider.models import Provider
from provider.simulator import Faults

pytestmark = pytest.mark.django_db


def run(*args: str, capsys) -> tuple[str, str]:
    call_command("sync_services", *args)
    captured = capsys.readouterr()
    return captured.out, captured.err


def test_the_command_syncs_every_active_provider_and_prints_what_it_did(provider, simulator, capsys):
    Provider.objects.create(
        name="Sleeping", api_url="http://127.0.0.1:9/api/v2", api_key="k", is_active=False
    )

    out, err = run(capsys=capsys)

    assert out == (
        f"HonestSim: {len(simulator.services)} services listed; 20 new, 0 updated (0 repriced), "
        "0 dropped, 0 back, 7 new categories.\n"
    )
    assert err == ""
    assert Service.objects.count() == len(simulator.services)


def test_the_command_syncs_one_provider_by_id(provider, simulator, capsys):
    simulator.set_service(1, rate="2.00")

    out, _ = run("--provider", str(provider.pk), capsys=capsys)

    assert out.startswith("HonestSim: 20 services listed; 20 new")


def test_the_command_refuses_an_unknown_provider_id(db):
    with pytest.raises(CommandError, match="There is no provider with id 999"):
        call_command("sync_services", "--provider", "999")


def test_a_failed_sync_is_printed_and_the_command_fails(provider, simulator, capsys):
    simulator.set_faults(Faults(truncated_json=1.0))

    with pytest.raises(CommandError, match="1 of 1 providers could not be synced"):
        call_command("sync_services")

    err = capsys.readouterr().err
    assert "HonestSim: the service list could not be read, nothing changed" in err
    assert not Service.objects.exists()


def test_without_active_providers_the_command_says_so(db, capsys):
    out, _ = run(capsys=capsys)

    assert out == "No active provider to sync.\n"
