"""A body over the API's limit (API_MAX_BODY_BYTES) or Django's (DATA_UPLOAD_MAX_MEMORY_SIZE,
DATA_UPLOAD_MAX_NUMBER_FIELDS) is answered {"error": "Incorrect request"} with HTTP 200 and
changes nothing: never a Django error page."""

import json

import pytest
import requests

from tests.reseller_apis import money_state


@pytest.mark.parametrize("via", ["form", "multipart", "json"])
def test_a_body_over_the_api_limit_is_an_incorrect_request(
    via, live_server, reseller, default_service, settings
):
    settings.API_MAX_BODY_BYTES = 64 * 1024
    url = live_server.url + "/api/v2"
    comments = "\n".join(["a long comment " * 10] * 1000)  # ~150 KB
    params = {
        "key": reseller.key,
        "action": "add",
        "service": default_service.pk,
        "link": "https://x.com/p",
        "comments": comments,
    }
    before = money_state()
    if via == "form":
        reply = requests.post(url, data=params, timeout=30)
    elif via == "multipart":
        reply = requests.post(url, files={k: (None, str(v)) for k, v in params.items()}, timeout=30)
    else:
        reply = requests.post(url, json=params, timeout=30)
    assert reply.status_code == 200
    assert reply.headers["Content-Type"] == "application/json"
    assert reply.json() == {"error": "Incorrect request"}
    assert money_state() == before


def test_a_body_over_djangos_own_limit_is_an_incorrect_request(client, reseller, settings):
    settings.API_MAX_BODY_BYTES = 10 * 1024 * 1024
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024
    big = {"key": reseller.key, "action": "balance", "padding": "x" * 20_000}
    for reply in (
        client.post("/api/v2", big),
        client.post("/api/v2", json.dumps(big), content_type="application/json"),
        client.post(
            "/api/v2",
            "&".join(f"{k}={v}" for k, v in big.items()),
            content_type="application/x-www-form-urlencoded",
        ),
    ):
        assert reply.status_code == 200
        assert reply.json() == {"error": "Incorrect request"}


def test_too_many_fields_is_an_incorrect_request(client, reseller, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 50
    fields = "&".join(f"f{i}=1" for i in range(100))
    reply = client.post(
        "/api/v2",
        f"key={reseller.key}&action=balance&{fields}",
        content_type="application/x-www-form-urlencoded",
    )
    assert reply.json() == {"error": "Incorrect request"}
    reply = client.get(f"/api/v2?key={reseller.key}&action=balance&{fields}")
    assert reply.json() == {"error": "Incorrect request"}


def test_an_uploaded_file_or_a_broken_multipart_body_is_an_incorrect_request(client, reseller):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("key.txt", reseller.key.encode())
    reply = client.post("/api/v2", {"key": reseller.key, "action": "balance", "file": upload})
    assert reply.json() == {"error": "Incorrect request"}
    reply = client.post("/api/v2", b"--nope\r\ngarbage", content_type="multipart/form-data; boundary=")
    assert reply.status_code == 200
    assert reply.json() == {"error": "Incorrect request"}


def test_a_body_within_the_limits_is_read(api, reseller, catalog, new_link, settings):
    settings.API_MAX_BODY_BYTES = 64 * 1024
    from catalog.models import ServiceType

    service = catalog[ServiceType.CUSTOM_COMMENTS]
    comments = "\n".join(f"comment number {i}" for i in range(1000))  # ~20 KB
    answer = api(
        {
            "key": reseller.key,
            "action": "add",
            "service": service.pk,
            "link": new_link(),
            "comments": comments,
        }
    ).json()
    assert "order" in answer
