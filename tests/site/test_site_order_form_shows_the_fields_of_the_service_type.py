"""The order form shows exactly the fields of the service's type, drip-feed only where it has it."""

import re

import pytest

from catalog.models import Service, ServiceType
from orders.services.params import FIELDS

pytestmark = pytest.mark.django_db

FIELD_NAME = re.compile(r'<(?:input|textarea|select)[^>]*\bname="([a-z_]+)"')
DRIP = ("runs", "interval")
PICKER = {"csrfmiddlewaretoken", "q", "category", "service", "picked"}


def _fields(client, service: Service) -> list[str]:
    page = client.get("/orders/new/", {"service": service.pk}).content.decode()
    return [name for name in FIELD_NAME.findall(page) if name not in PICKER]


def test_each_type_shows_its_fields_in_order(logged_in, make_customer, catalog):
    client = logged_in(make_customer())
    assert len(catalog) == len(ServiceType)
    for type_name, service in catalog.items():
        fields = FIELDS[ServiceType(type_name)]
        # The type's fields in their order; drip-feed ones (if the service has it) grouped at the end.
        expected = [name for name in fields if name not in DRIP] + [
            name for name in fields if name in DRIP and service.dripfeed
        ]
        assert _fields(client, service) == expected, type_name


def test_drip_feed_fields_appear_only_for_a_drip_feed_service(logged_in, make_customer, catalog):
    client = logged_in(make_customer())
    with_drip = Service.objects.get(name="Instagram Followers [Refill 30 days]")
    without = Service.objects.get(name="Instagram Followers [No refill]")
    assert with_drip.dripfeed and not without.dripfeed
    assert {"runs", "interval"} <= set(_fields(client, with_drip))
    assert not {"runs", "interval"} & set(_fields(client, without))


def test_the_service_card_shows_rate_bounds_refill_and_cancel(logged_in, make_customer, refillable):
    from catalog.pricing import customer_rate
    from panel.templatetags.panel_site import money

    customer = make_customer()
    page = logged_in(customer).get("/orders/new/", {"service": refillable.pk}).content.decode()
    assert money(customer_rate(refillable, customer)) in page
    assert f"<strong>{refillable.min_quantity}</strong>" in page
    assert f"<strong>{refillable.max_quantity}</strong>" in page
    assert refillable.description in page


def test_searching_lists_matching_services_and_picks_the_first(logged_in, make_customer, catalog):
    client = logged_in(make_customer())
    page = client.get(
        "/orders/new/", {"q": "YouTube", "picked": "q"}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert page.startswith('<form id="order-form"')  # htmx gets the form, not the page
    options = re.findall(r'<option value="(\d+)"[^>]*>\d+ · ([^<]+)</option>', page)
    assert options and all("YouTube" in name for _, name in options)
    assert "selected>" in page


def test_choosing_a_category_lists_its_services(logged_in, make_customer, catalog):
    from catalog.models import Category

    twitter = Category.objects.get(name="Twitter")
    client = logged_in(make_customer())
    page = client.get(
        "/orders/new/", {"category": twitter.pk, "picked": "category", "q": "YouTube"}
    ).content.decode()
    assert "Twitter Poll Votes" in page and "YouTube Views" not in page


def test_the_form_marks_optional_the_parameters_api_v2_documents_as_optional():
    # The form reads orders.services.params.OPTIONAL_FIELDS; API v2's page and OpenAPI mark
    # parameters optional in panel.api.definitions.ADD_PARAMS: both must say the same.
    from orders.services.params import OPTIONAL_FIELDS
    from panel.api.definitions import ADD_PARAMS

    assert {name for name, param in ADD_PARAMS.items() if not param.required} == OPTIONAL_FIELDS
