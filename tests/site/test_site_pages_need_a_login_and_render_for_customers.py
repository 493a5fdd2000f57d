import pytest

from tests.site.pages import CUSTOMER_PAGES, LOGIN_PAGES

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url", LOGIN_PAGES)
def test_a_visitor_is_sent_to_the_login_page(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(f"/login/?next={url}")


@pytest.mark.parametrize("url", CUSTOMER_PAGES)
def test_a_customer_sees_every_page(logged_in, make_customer, catalog, url):
    response = logged_in(make_customer()).get(url)
    assert response.status_code == 200
    assert b'href="/orders/new/"' in response.content  # the navigation is there


def test_money_is_shown_with_its_currency(logged_in, make_customer, settings):
    settings.PANEL_CURRENCY = "EUR"
    page = logged_in(make_customer("12.5")).get("/dashboard/").content.decode()
    assert "12.50 EUR" in page


def test_the_account_page_links_password_two_factor_and_the_api(logged_in, make_customer):
    page = logged_in(make_customer()).get("/account/").content.decode()
    assert 'href="/account/password/change/"' in page
    assert 'href="/account/2fa/"' in page
    assert 'href="/account/api/"' in page


def test_add_funds_without_a_payment_method_says_plainly_that_staff_credit_by_hand(logged_in, make_customer):
    customer = make_customer("30")
    client = logged_in(customer)
    assert client.get("/funds/")["Location"] == "/payments/add/"  # the old address leads there
    page = client.get("/payments/add/").content.decode()
    assert "No payment method is available" in page and "credit your balance by hand" in page
    assert "30.00 USD" in page and '<form id="add-funds-form"' not in page


def test_the_dashboard_shows_balance_spend_and_recent_orders(logged_in, make_customer, refillable, place):
    customer = make_customer("50")
    order = place(customer, refillable, quantity=1000)
    page = logged_in(customer).get("/dashboard/").content.decode()
    assert f'id="order-{order.pk}"' in page
    spent = order.charge
    balance = 50 - spent
    from panel.templatetags.panel_site import money

    assert money(spent) in page and money(balance) in page
    assert "<progress" in page
