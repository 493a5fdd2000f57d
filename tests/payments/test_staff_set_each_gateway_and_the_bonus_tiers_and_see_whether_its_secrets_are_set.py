"""The gateways' admin: staff enable a gateway, set its limits and fee, and see whether its secrets
are in the environment (never the secrets); a gateway is added once, by its code. The bonus tiers
are edited there too."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from payments.models import BonusTier, GatewaySettings
from payments.services import bonus_for

pytestmark = pytest.mark.django_db


def test_the_list_says_which_gateways_have_their_secrets_and_shows_none(client, admin_user, stripe_standin):
    GatewaySettings.objects.create(code="stripe")
    GatewaySettings.objects.create(code="paypal")
    client.force_login(admin_user)
    response = client.get(reverse("admin:payments_gatewaysettings_changelist"))
    page = response.content.decode()
    rows = {row.code: row for row in response.context["cl"].result_list}
    admin = response.context["cl"].model_admin
    assert admin.secrets_set(rows["stripe"]) is True  # the stand-in's secrets are set
    assert admin.secrets_set(rows["paypal"]) is False
    assert "Card (Stripe)" in page
    assert stripe_standin.api_key not in page and stripe_standin.webhook_secret not in page


def test_a_gateway_is_added_once_by_its_code_and_its_limits_are_checked(client, admin_user):
    client.force_login(admin_user)
    add = reverse("admin:payments_gatewaysettings_add")
    data = {"code": "stripe", "enabled": "on", "min_amount": "5", "max_amount": "500", "fee_percent": "2.5"}
    assert client.post(add, data).status_code == 302
    row = GatewaySettings.objects.get(code="stripe")
    assert (row.min_amount, row.max_amount, row.fee_percent) == (5, 500, Decimal("2.5"))

    again = client.post(add, data)
    assert again.status_code == 200 and "code" in again.context["adminform"].form.errors
    unknown = client.post(add, {**data, "code": "cryptomus"})
    assert "code" in unknown.context["adminform"].form.errors
    change = reverse("admin:payments_gatewaysettings_change", args=[row.pk])
    reversed_limits = client.post(change, {**data, "min_amount": "600"})
    assert reversed_limits.status_code == 200
    row.refresh_from_db()
    assert row.min_amount == 5
    assert client.post(reverse("admin:payments_gatewaysettings_delete", args=[row.pk])).status_code == 403


def test_a_bonus_tier_added_in_the_admin_applies_to_new_payments(client, admin_user):
    client.force_login(admin_user)
    response = client.post(reverse("admin:payments_bonustier_add"), {"from_amount": "50", "percent": "10"})
    assert response.status_code == 302
    assert BonusTier.objects.get().percent == 10
    assert bonus_for(amount=Decimal("60")) == Decimal("6")
    assert bonus_for(amount=Decimal("40")) == 0
