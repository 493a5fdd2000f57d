"""The API page documents every action and form of panel.api.definitions (the module the front
door dispatches with) with its parameters, example requests in curl, Python and PHP addressed to
the panel's own URL, and example answers; /api/v2/openapi.json is a valid OpenAPI 3 description
generated from the same definitions. The examples are not just text: they run."""

import json
import shlex
import subprocess

import pytest
from drf_spectacular.validation import validate_schema

from catalog.models import ServiceType
from panel.api.actions import HANDLERS
from panel.api.definitions import ACTIONS, ADD_PARAMS
from panel.api.docs import curl, php, python
from panel.api.openapi import schema_of

PAGE = "/account/api/"


@pytest.fixture(autouse=True)
def _a_panel_of_its_own(settings):
    settings.ALLOWED_HOSTS = ["panel.example.com"]


@pytest.fixture
def page(client, customer, catalog):
    client.force_login(customer)
    response = client.get(PAGE, HTTP_HOST="panel.example.com")
    assert response.status_code == 200
    return response


def test_the_dispatcher_and_the_docs_share_one_list_of_actions():
    assert (
        list(HANDLERS)
        == list(ACTIONS)
        == ["services", "add", "status", "refill", "refill_status", "cancel", "balance"]
    )
    assert [form.service_type for form in ACTIONS["add"].forms] == list(ServiceType)


def test_the_page_documents_every_action_form_and_parameter(page):
    html = page.content.decode()
    assert "http://panel.example.com/api/v2" in html
    assert "http://panel.example.com/api/v2/openapi.json" in html
    for action in ACTIONS.values():
        assert f'id="action-{action.name}"' in html
        for form in action.forms:
            section = html.split(f'id="{action.name}-{form.slug}"')[1].split("</article>")[0]
            for param in form.params:
                assert f"<code>{param.name}</code>" in section
            for language in ("curl", "Python", "PHP"):
                assert f"<summary>{language}</summary>" in section
            assert "curl -X POST" in section and "import requests" in section and "curl_init(" in section
    for text in ("Invalid API key", "Incorrect request", "Too many requests", "Refill not found"):
        assert text in html


def test_the_add_examples_name_one_of_the_customers_services_of_that_type(page, catalog):
    doc = next(doc for doc in page.context["actions"] if doc.action.name == "add")
    for form_doc in doc.forms:
        service = catalog[form_doc.form.service_type]
        curl_example = form_doc.examples[0].code
        assert f"service={service.pk}" in curl_example


def test_the_page_escapes_what_it_shows(client, customer, catalog, settings):
    settings.PANEL_NAME = "<script>alert(1)</script>"
    client.force_login(customer)
    html = client.get(PAGE, HTTP_HOST="panel.example.com").content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html
    # The PHP example's `<?php` and `=>` are shown, escaped, not interpreted.
    assert "&lt;?php" in html and "=&gt;" in html


def test_the_openapi_description_is_valid_and_covers_every_form(client):
    response = client.get("/api/v2/openapi.json", HTTP_HOST="panel.example.com")
    assert response.status_code == 200
    document = response.json()
    validate_schema(document)
    assert document["servers"] == [{"url": "http://panel.example.com"}]
    (path,) = document["paths"]
    assert path == "/api/v2" and set(document["paths"][path]) == {"get", "post"}
    schemas = document["components"]["schemas"]
    forms = sum(len(action.forms) for action in ACTIONS.values())
    assert len([name for name in schemas if name.endswith("Request")]) == forms
    actions = {
        schema["properties"]["action"]["enum"][0]
        for name, schema in schemas.items()
        if name.endswith("Request")
    }
    assert actions == set(ACTIONS)
    default = schemas["AddDefaultRequest"]
    assert default["required"] == ["action", "key", "service", "link", "quantity"]
    assert set(default["properties"]) == {
        *("key", "action", "service", "link", "quantity", "runs", "interval", "idempotency_key")
    }
    status_many = schemas["StatusManyOrdersAnswer"]
    assert status_many["type"] == "object" and "oneOf" in status_many["additionalProperties"]


def test_every_example_answer_matches_its_own_schema():
    jsonschema = pytest.importorskip("jsonschema")
    error = {"type": "object", "required": ["error"], "properties": {"error": {"type": "string"}}}
    for action in ACTIONS.values():
        for form in action.forms:
            schema = json.loads(
                json.dumps(schema_of(form.answer)).replace(
                    '{"$ref": "#/components/schemas/Error"}', json.dumps(error)
                )
            )
            jsonschema.validate(form.answer, schema)


def test_the_example_code_is_valid_in_each_language(tmp_path):
    url = "https://panel.example.com/api/v2"
    fields = [("key", "YOUR_API_KEY"), ("action", "add"), ("comments", 'It\'s "great"\nsecond $line \\ end')]
    # Python: it compiles and passes exactly these values.
    code = python(url, fields)
    compile(code, "example.py", "exec")
    assert "'comments': 'It\\'s \"great\"\\nsecond $line \\\\ end'" in code
    # curl: the shell reads back exactly these values.
    words = shlex.split(curl(url, fields).replace("\\\n", " "))
    assert words[:3] == ["curl", "-X", "POST"] and words[3] == url
    assert [words[i + 1] for i, word in enumerate(words) if word == "--data-urlencode"] == [
        f"{n}={v}" for n, v in fields
    ]
    # PHP: when PHP is installed, it parses.
    source = tmp_path / "example.php"
    source.write_text(php(url, fields))
    try:
        checked = subprocess.run(["php", "-l", str(source)], capture_output=True, text=True, timeout=30)
    except FileNotFoundError:
        pytest.skip("php is not installed: Python and curl were checked")
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_add_parameters_cover_every_field_of_every_type():
    """A field added to a type in orders.services.params must be documented here too."""
    from orders.services.params import FIELDS

    assert {name for names in FIELDS.values() for name in names} == set(ADD_PARAMS)
