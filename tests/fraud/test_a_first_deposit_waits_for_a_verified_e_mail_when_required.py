"""With DEPOSIT_REQUIRES_VERIFIED_EMAIL (the default when DEBUG is off), a customer whose e-mail
address is not confirmed starts no first payment: the page says so and links to where the
confirmation is sent again. A confirmed address, or a deposit already made, lets it through; with
the setting off, nothing is asked."""

from decimal import Decimal

import pytest
from allauth.account.models import EmailAddress

from billing.services import ledger_deposit
from payments.models import Payment
from payments.services import PaymentRefused
from payments.services.checkout import EMAIL_NOT_VERIFIED

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def unverified(django_user_model):
    customer = django_user_model.objects.create_user(email="new@example.com", password="pw-12345-abc")
    EmailAddress.objects.create(user=customer, email=customer.email, verified=False, primary=True)
    return customer


@pytest.fixture
def required(settings):
    settings.DEPOSIT_REQUIRES_VERIFIED_EMAIL = True


def test_an_unverified_first_deposit_is_refused_with_a_link_to_verify(
    client, start_payment, unverified, required
):
    with pytest.raises(PaymentRefused) as refused:
        start_payment(unverified)
    assert refused.value.message == EMAIL_NOT_VERIFIED
    client.force_login(unverified)
    page = client.post("/payments/add/", {"method": "test", "amount": "25"}).content.decode()
    assert EMAIL_NOT_VERIFIED in page
    assert 'id="refusal-link" href="/account/email/"' in page
    assert not Payment.objects.exists()


def test_a_verified_address_deposits(start_payment, unverified, required):
    EmailAddress.objects.filter(user=unverified).update(verified=True)
    assert start_payment(unverified).checkout_url


def test_a_customer_who_already_deposited_is_not_asked(start_payment, unverified, required):
    ledger_deposit(customer=unverified, amount=Decimal("5"), created_by=None, reason="paid staff by hand")
    assert start_payment(unverified).checkout_url


def test_with_the_setting_off_nothing_is_asked(start_payment, unverified, settings):
    settings.DEPOSIT_REQUIRES_VERIFIED_EMAIL = False
    assert start_payment(unverified).checkout_url
