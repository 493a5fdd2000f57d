"""A service's `desc` is kept as text; one that is no text is left out, and none breaks the sync."""

from collections.abc import Callable

import pytest

from catalog.models import Service
from catalog.services import catalog_sync
from provider.client import MAX_DESCRIPTION, ProviderClient
from provider.models import Provider
from tests.provider.conftest import KEY


def _entry(service: int, desc) -> dict:
    return {"service": service, "name": f"S{service}", "type": "Default", "category": "C", "rate": "1",
            "min": "1", "max": "100", "desc": desc}  # fmt: skip


DESCS = [
    ("Fast.\nRefill 30 days.", "Fast.\nRefill 30 days."),
    (["a", "list"], ""),
    ({"en": "an object"}, ""),
    (True, ""),
    (None, ""),
    (12, "12"),
    ("Nul\x00 bytes\x00 out", "Nul bytes out"),
    ("x" * (MAX_DESCRIPTION + 50), "x" * MAX_DESCRIPTION),
]


def test_a_desc_that_is_no_text_is_left_out(scripted, make_client: Callable[..., ProviderClient]) -> None:
    scripted.reply([_entry(n, desc) for n, (desc, _) in enumerate(DESCS, start=1)])

    services = make_client(scripted.url).services()

    assert [s.description for s in services] == [expected for _, expected in DESCS]
    assert services.unreadable == []


@pytest.mark.django_db
def test_a_nul_in_a_desc_does_not_stop_the_sync(scripted) -> None:
    provider = Provider.objects.create(name="Scripted", api_url=scripted.url, api_key=KEY)
    scripted.reply([_entry(1, "Starts\x00 in an hour"), _entry(2, {"html": "<b>"})])

    result = catalog_sync(provider=provider)

    assert result.created == 2
    assert dict(Service.objects.values_list("provider_service_id", "description")) == {
        1: "Starts in an hour",
        2: "",
    }
