"""Add funds' POST makes the payment at the gateway (its URLs absolute, back to this panel) and sends
the browser to the gateway's pay page; a refused amount or gateway shows why and pays nothing."""

import pytest
from django.test import Client

from payments.models import Payment, PaymentState

pytestmark = pytest.mark.django_db


def test_the_payment_is_made_and_the_browser_sent_to_the_pay_page(logged_in, make_customer, test_gateway):
    customer = make_customer("0")
    response = logged_in(customer).post("/payments/add/", {"method": "test", "amount": "30"})
    payment = Payment.objects.get(customer=customer)
    assert response.status_code == 302
    assert (
        response["Location"] == payment.checkout_url == f"{test_gateway.url}/pay/{payment.gateway_payment_id}"
    )
    at_gateway = test_gateway.get(payment.gateway_payment_id)
    assert (at_gateway.amount, at_gateway.reference) == (payment.pay_amount, str(payment.pk))
    assert at_gateway.success_url == f"http://testserver/payments/{payment.pk}/back/"
    assert at_gateway.cancel_url == f"http://testserver/payments/{payment.pk}/canceled/"
    assert at_gateway.notify_url == "http://testserver/payments/test/webhook/"


def test_the_page_lets_the_form_go_to_the_gateway_under_the_csp(logged_in, make_customer, test_gateway):
    policy = logged_in(make_customer()).get("/payments/add/")["Content-Security-Policy"]
    assert f"form-action 'self' {test_gateway.url};" in policy
    assert "script-src 'self';" in policy


def test_an_amount_out_of_bounds_is_shown_on_the_form_and_nothing_is_made(
    logged_in, make_customer, test_gateway
):
    customer = make_customer("0")
    response = logged_in(customer).post("/payments/add/", {"method": "test", "amount": "20000"})
    assert response.status_code == 200
    assert "takes from 1 to 10000 USD in one payment" in response.content.decode()
    assert 'value="20000"' in response.content.decode()  # what was typed stays
    assert not Payment.objects.exists() and not test_gateway.payments


def test_a_gateway_that_cannot_be_reached_is_said_and_the_payment_failed(
    logged_in, make_customer, test_gateway
):
    customer = make_customer("0")
    test_gateway.stop()
    response = logged_in(customer).post("/payments/add/", {"method": "test", "amount": "30"})
    assert response.status_code == 200
    assert "could not be started at the gateway" in response.content.decode()
    assert Payment.objects.get(customer=customer).state == PaymentState.FAILED


def test_the_form_is_refused_without_its_csrf_token(make_customer, test_gateway):
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(make_customer("0"))
    page = strict.get("/payments/add/").content.decode()
    assert 'name="csrfmiddlewaretoken"' in page
    assert strict.post("/payments/add/", {"method": "test", "amount": "30"}).status_code == 403
    assert not Payment.objects.exists()
