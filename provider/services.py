"""Providers as the rest of the panel uses them: a client per provider, balances, the default one."""

from __future__ import annotations

import logging
import threading
from decimal import Decimal

from django.conf import settings
from django.core.mail import mail_admins
from django.db import transaction
from django.utils import timezone

from provider.client import ProviderClient, ProviderError
from provider.models import Provider

log = logging.getLogger(__name__)

_clients: dict[tuple[int, str, str, int], ProviderClient] = {}
_clients_lock = threading.Lock()


def provider_client(provider: Provider) -> ProviderClient:
    """A pooled client for `provider`, shared within the process; a changed URL or key gets a new one."""
    key = (provider.pk, provider.api_url, provider.api_key, provider.max_in_flight)
    with _clients_lock:
        client = _clients.get(key)
        if client is None:
            client = ProviderClient(
                provider.api_url,
                provider.api_key,
                connect_timeout=float(settings.PROVIDER_CONNECT_TIMEOUT),
                read_timeout=float(settings.PROVIDER_READ_TIMEOUT),
                max_connections=max(16, provider.max_in_flight),  # one kept alive per call in flight
            )
            _clients[key] = client
        return client


def provider_ensure_default(*, api_url: str, api_key: str, name: str = "Default provider") -> Provider:
    """The provider `make run` sets up: created once, its URL and key kept in step with the environment."""
    provider, created = Provider.objects.get_or_create(
        name=name, defaults={"api_url": api_url, "api_key": api_key}
    )
    if not created and (provider.api_url, provider.api_key) != (api_url, api_key):
        provider.api_url, provider.api_key = api_url, api_key
        provider.save(update_fields=["api_url", "api_key"])
    return provider


def provider_check_balance(*, provider_id: int) -> Decimal | None:
    """Read the provider's balance and alert the admins when it falls below the threshold.

    Returns the balance, or None when the provider could not be read. The e-mail goes out once
    per crossing: `low_balance_alerted` remembers it until the balance is back above.
    """
    provider = Provider.objects.get(pk=provider_id)
    try:
        balance = provider_client(provider).balance()
    except ProviderError as error:
        log.warning("provider %s: balance not read: %s", provider.name, error)
        return None
    with transaction.atomic():
        provider = Provider.objects.select_for_update().get(pk=provider_id)
        provider.balance = balance.amount
        provider.balance_checked_at = timezone.now()
        crossed = provider.balance_is_low and not provider.low_balance_alerted
        provider.low_balance_alerted = provider.balance_is_low
        provider.save(update_fields=["balance", "balance_checked_at", "low_balance_alerted"])
    if crossed:
        log.warning(
            "provider %s: balance %s below %s", provider.name, balance.amount, provider.low_balance_threshold
        )
        mail_admins(
            f"Provider {provider.name}: balance low ({balance.amount} {balance.currency})",
            f"The balance of {provider.name} is {balance.amount} {balance.currency}, below the threshold of "
            f"{provider.low_balance_threshold}. Orders will be refused by the provider once it runs out: "
            "add funds with the provider.",
        )
    return balance.amount


def providers_low_on_balance() -> list[Provider]:
    return list(Provider.objects.filter(is_active=True, low_balance_alerted=True))
