"""What the admin tests of payments share: payments started at a gateway's stand-in the way the
Add funds page starts them, and staff members with chosen permissions."""

from __future__ import annotations

from decimal import Decimal

from django.contrib.auth.models import Permission

from payments.models import Payment
from payments.services import payment_create
from tests.conftest import with_totp


def start_payment(customer, *, amount: str = "25.00", gateway: str = "stripe") -> Payment:
    """A payment created at the gateway (its stand-in must be running), not yet paid."""
    return payment_create(
        customer=customer,
        gateway_code=gateway,
        amount=Decimal(amount),
        success_url="https://panel.test/payments/{payment}/back/",
        cancel_url="https://panel.test/payments/{payment}/canceled/",
        notify_url=f"https://panel.test/payments/{gateway}/webhook/",
    )


def staff_member(django_user_model, *permissions: str, email: str = "staff@example.com"):
    """A staff member who may view payments, and has `permissions` ("app_label.codename") besides."""
    user = django_user_model.objects.create_user(email=email, password="correct-horse-42", is_staff=True)
    for name in ("payments.view_payment", *permissions):
        app_label, codename = name.split(".")
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )
    return with_totp(user)
