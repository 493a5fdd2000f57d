"""Add funds' live preview (htmx) tells the fee, the bonus and the total of the amount typed, or why
the amount cannot be paid, with the method's limits."""

import pytest

from payments.models import BonusTier, GatewaySettings

pytestmark = pytest.mark.django_db


@pytest.fixture
def offered(settings):
    settings.PAYMENTS_TEST_GATEWAY = True
    settings.PAYMENTS_TEST_GATEWAY_URL = "http://127.0.0.1:9"
    settings.PAYMENTS_TEST_GATEWAY_SECRET = "unused"
    GatewaySettings.objects.create(code="test", fee_percent="2.5", min_amount=5, max_amount=500)
    BonusTier.objects.create(from_amount=100, percent=10)


def test_the_preview_shows_fee_bonus_and_total(logged_in, make_customer, offered):
    client = logged_in(make_customer())
    page = client.get("/payments/add/quote/?method=test&amount=200", HTTP_HX_REQUEST="true")
    html = page.content.decode()
    assert '<dd id="quote-amount">200.00 USD</dd>' in html
    assert '<dd id="quote-bonus" class="plus">+20.00 USD</dd>' in html
    assert "5.00 USD" in html and "(2.5%)" in html
    assert '<strong id="quote-total">205.00 USD</strong>' in html
    assert "from 5.00 USD to 500.00 USD" in html
    assert "<html" not in html  # a partial


def test_the_preview_says_why_an_amount_cannot_be_paid(logged_in, make_customer, offered):
    client = logged_in(make_customer())
    below = client.get("/payments/add/quote/?method=test&amount=2").content.decode()
    assert "takes from 5 to 500 USD in one payment" in below and "quote-total" not in below
    fine = client.get("/payments/add/quote/?method=test&amount=1.005").content.decode()
    assert "whole cents" in fine
    nothing = client.get("/payments/add/quote/?method=test&amount=").content.decode()
    assert "Enter the amount to add." in nothing
    unknown = client.get("/payments/add/quote/?method=stripe&amount=20").content.decode()
    assert "Choose a payment method." in unknown


def test_the_page_offers_the_method_and_wires_the_preview(logged_in, make_customer, offered):
    page = logged_in(make_customer()).get("/payments/add/").content.decode()
    assert 'value="test"' in page and "Test gateway (no real money)" in page
    assert 'hx-get="/payments/add/quote/"' in page and 'name="csrfmiddlewaretoken"' in page
    assert "+10%" in page and "100.00 USD" in page  # the bonus tier
