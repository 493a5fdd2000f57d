"""When a provider call made by the panel fails, the key is in no log line and in nothing stored."""

import logging

import pytest

from provider.models import Provider
from provider.services import provider_check_balance
from provider.simulator import Faults


def everything_logged(caplog) -> str:
    return "\n".join(
        [record.getMessage() for record in caplog.records] + [str(record.args) for record in caplog.records]
    )


@pytest.mark.parametrize("fault", ["http_500", "html", "truncated_json", "latency"])
def test_a_failed_balance_check_logs_no_key(provider_row, simulator, caplog, fault):
    caplog.set_level(logging.DEBUG)
    faults = Faults(latency=1.5) if fault == "latency" else Faults(**{fault: 1.0})
    simulator.set_faults(faults)

    assert provider_check_balance(provider_id=provider_row.pk) is None

    assert any(r.name == "provider.services" and "balance not read" in r.getMessage() for r in caplog.records)
    assert provider_row.api_key not in everything_logged(caplog)


def test_a_refused_connection_logs_no_key(provider_row, closed_port, caplog):
    caplog.set_level(logging.DEBUG)
    Provider.objects.filter(pk=provider_row.pk).update(api_url=f"http://127.0.0.1:{closed_port}/api/v2")

    assert provider_check_balance(provider_id=provider_row.pk) is None

    assert "balance not read" in everything_logged(caplog)
    assert provider_row.api_key not in everything_logged(caplog)


def test_a_provider_that_echoes_the_key_in_its_error_is_scrubbed(db, scripted, caplog, settings):
    caplog.set_level(logging.DEBUG)
    key = "echoed-panel-secret-2718"
    scripted.reply({"error": f"Invalid API key {key}"})
    provider = Provider.objects.create(name="Echo", api_url=scripted.url, api_key=key)

    assert provider_check_balance(provider_id=provider.pk) is None

    assert scripted.requests[0]["key"] == key  # it was sent...
    logged = everything_logged(caplog)
    assert "Invalid API key [key]" in logged  # ...and scrubbed from what was logged
    assert key not in logged
