"""The API page's examples can be run as shown: they call the panel's own address as the request
reached it, order the customer's first active service of each type, and carry a key just made, on
that response only (keys are kept hashed: a later visit has the placeholder again)."""

import pytest
from django.utils.html import escape

from catalog.models import Service, ServiceType
from tests.api.conftest import API_PAGE, shown_key


@pytest.fixture(autouse=True)
def _a_panel_of_its_own(settings):
    settings.ALLOWED_HOSTS = ["panel.example.com", "testserver"]


def examples(response) -> list[str]:
    return [
        example.code for doc in response.context["actions"] for form in doc.forms for example in form.examples
    ]


def add_form(response, service_type: str):
    (doc,) = [doc for doc in response.context["actions"] if doc.action.name == "add"]
    return next(form for form in doc.forms if form.form.service_type == service_type)


def test_a_new_key_fills_every_example_of_that_response_only(browser, catalog):
    created = browser.post_with_token({"do": "create"})
    key = shown_key(created)
    assert key
    codes = examples(created)
    assert codes and all(key in code and "YOUR_API_KEY" not in code for code in codes)

    again = browser.get(API_PAGE)
    assert key not in again.content.decode()
    assert all("YOUR_API_KEY" in code for code in examples(again))


def test_the_examples_call_the_address_the_request_came_to(browser, catalog):
    page = browser.get(API_PAGE, HTTP_HOST="panel.example.com", secure=True)
    assert all("https://panel.example.com/api/v2" in code for code in examples(page))


def test_an_add_example_orders_the_first_active_service_of_its_type_and_names_it(browser, catalog):
    first = catalog[ServiceType.DEFAULT]
    form = add_form(browser.get(API_PAGE), ServiceType.DEFAULT)
    assert form.service.pk == first.pk
    assert f"service={first.pk}" in form.examples[0].code

    Service.objects.filter(pk=first.pk).update(enabled=False)
    page = browser.get(API_PAGE)
    form = add_form(page, ServiceType.DEFAULT)
    following = Service.objects.get(pk=form.service.pk)
    assert following.pk != first.pk and following.enabled and following.type == ServiceType.DEFAULT
    assert f"service={following.pk}" in form.examples[0].code
    assert escape(f"This example orders service {following.pk}, {following.name}.") in page.content.decode()
