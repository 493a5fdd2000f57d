"""The Services and Categories lists show the markup that applies, and where it comes from ("25%
(category)"), not a blank where a service or category inherits it; a fixed rate in force is named
as such. The levels are catalog.pricing's, read with the page: no query per row."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog.models import Category, PricingSettings
from provider.models import Provider

pytestmark = pytest.mark.django_db

SERVICES = "/admin/catalog/service/"
CATEGORIES = "/admin/catalog/category/"


def _cell(page: str, name: str) -> str:
    """The markup-in-effect cell of the row that names `name`."""
    row = page[page.index(f">{name}<") :]
    start = row.index('class="field-markup_shown">') + len('class="field-markup_shown">')
    return row[start : row.index("</td>", start)]


@pytest.fixture
def levels(make_service):
    """One service per level its markup comes from."""
    plain = Category.objects.create(name="Plain")
    marked = Category.objects.create(name="Marked", default_markup_percent=Decimal("25"))
    provider = Provider.objects.create(
        name="Own markup",
        api_url="http://127.0.0.1:9/api/v2",
        api_key="k",
        default_markup_percent=Decimal("15"),
    )
    make_service(name="Own", category=marked, markup_percent=Decimal("40"))
    make_service(name="From category", category=marked)
    make_service(name="From provider", category=plain, provider=provider)
    make_service(name="From default", category=plain)
    make_service(name="Fixed", category=plain, fixed_rate=Decimal("5"))


def test_each_service_shows_its_markup_and_the_level_it_comes_from(admin_client, levels):
    PricingSettings.objects.create(default_markup_percent=Decimal("12.5"))

    page = admin_client.get(SERVICES).content.decode()

    assert _cell(page, "Own") == "40% (service)"
    assert _cell(page, "From category") == "25% (category)"
    assert _cell(page, "From provider") == "15% (provider)"
    assert _cell(page, "From default") == "12.5% (default)"
    assert _cell(page, "Fixed") == "fixed rate"


def test_without_the_pricing_settings_row_the_environments_default_is_shown(admin_client, levels):
    page = admin_client.get(SERVICES).content.decode()

    assert _cell(page, "From default") == "30% (default)"


def test_each_category_shows_its_own_markup_or_the_default(admin_client, levels):
    PricingSettings.objects.create(default_markup_percent=Decimal("12.5"))

    page = admin_client.get(CATEGORIES).content.decode()

    assert _cell(page, "Marked") == "25% (category)"
    assert _cell(page, "Plain") == "12.5% (default)"


@pytest.mark.parametrize("url", [SERVICES, CATEGORIES])
def test_the_markup_column_costs_no_query_per_row(admin_client, make_service, levels, url):
    with CaptureQueriesContext(connection) as few:
        admin_client.get(url)
    for number in range(15):
        make_service(name=f"More {number}", category=Category.objects.create(name=f"Cat {number}"))
    with CaptureQueriesContext(connection) as many:
        admin_client.get(url)

    assert len(few) == len(many)
