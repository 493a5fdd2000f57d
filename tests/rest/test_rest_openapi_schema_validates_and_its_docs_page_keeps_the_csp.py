"""`manage.py spectacular --validate --fail-on-warn` passes; `/api/rest/schema/` serves it without a
key and documents each operation's errors (a detail endpoint's 404 by the code it answers);
`/api/rest/docs/` is Swagger UI from our own static files (no CDN: it works offline) with no inline
script or style, so the site's strict CSP applies to it unchanged."""

import re

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.management import call_command
from drf_spectacular.drainage import reset_generator_stats
from drf_spectacular.validation import validate_schema

from tests.rest.conftest import error_of


def test_the_schema_generates_without_a_warning_and_validates(tmp_path):
    reset_generator_stats()
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))
    assert "/api/rest/orders/{id}/cancel/" in (tmp_path / "schema.yaml").read_text()


def test_the_schema_is_served_to_anyone_and_documents_every_error(client, db):
    response = client.get("/api/rest/schema/", {"format": "json"}, headers={"Authorization": "Bearer wrong"})
    assert response.status_code == 200
    schema = response.json()
    validate_schema(schema)
    assert set(schema["components"]["securitySchemes"]) == {"bearerAuth", "apiKeyAuth"}
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            assert operation["security"] == [{"bearerAuth": []}, {"apiKeyAuth": []}], (method, path)
            assert {"401", "429"} <= set(operation["responses"]), (method, path)
    create = schema["paths"]["/api/rest/orders/"]["post"]
    assert [p["name"] for p in create["parameters"]] == ["Idempotency-Key"]
    assert {"400", "402", "409", "422"} <= set(create["responses"])
    assert "Idempotent-Replayed" in create["responses"]["201"]["headers"]


def test_the_docs_page_has_no_inline_script_or_style_and_loads_only_our_files(client, db):
    response = client.get("/api/rest/docs/")
    assert response.status_code == 200
    assert response["Content-Security-Policy"] == settings.CONTENT_SECURITY_POLICY
    html = response.content.decode()
    assert "<style" not in html and " style=" not in html
    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html) == []
    urls = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert urls and all(url.startswith("/") and not url.startswith("//") for url in urls), urls
    for url in urls:
        if url.startswith(settings.STATIC_URL) or url.startswith("/" + settings.STATIC_URL):
            assert finders.find(url.split(settings.STATIC_URL, 1)[1]), url

    (script,) = [url for url in urls if "script" in url]
    start = client.get(script.replace("&amp;", "&"))
    assert start.status_code == 200 and start["Content-Type"].startswith("application/javascript")
    assert "/api/rest/schema/" in start.content.decode()


def test_each_detail_endpoint_documents_the_code_of_its_404(client, rest):
    schema = client.get("/api/rest/schema/", {"format": "json"}).json()
    for resource in ("orders", "refills", "services"):
        code = error_of(rest.get(f"{resource}/99999999/"))["code"]
        documented = schema["paths"][f"/api/rest/{resource}/{{id}}/"]["get"]["responses"]["404"]
        assert f"`{code}`" in documented["description"], resource
