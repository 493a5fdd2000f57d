"""The gateways the panel knows, by code. Each is offered while its secrets are set (`configured`)
and staff leave it enabled (payments.models.GatewaySettings)."""

from __future__ import annotations

from functools import cache

from payments.gateways.base import Gateway


@cache
def gateways() -> dict[str, Gateway]:
    """Every gateway module's one instance, in the order customers see them."""
    from payments.gateways.nowpayments import NowPaymentsGateway
    from payments.gateways.paypal import PayPalGateway
    from payments.gateways.stripe import StripeGateway
    from payments.gateways.testgateway import TestGateway

    # The test gateway last: where a real one is offered beside it, the real one comes first.
    known: list[Gateway] = [StripeGateway(), PayPalGateway(), NowPaymentsGateway(), TestGateway()]
    return {gateway.code: gateway for gateway in known}


def gateway_for(code: str) -> Gateway | None:
    return gateways().get(code)
