"""Providers as the rest of the panel uses them: a client per provider, balances, the default one."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from billing.money import money_number
from notifications.services import staff_alert_send
from provider.client import (
    Balance,
    ProviderBadAnswer,
    ProviderClient,
    ProviderError,
    ProviderOutcomeUnknown,
    ProviderRefused,
    ProviderUnreachable,
)
from provider.models import Provider
from provider.statuses import RefusalKind

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


def provider_unreachable_since(*, provider_id: int) -> datetime:
    """Notes a failed connection to the provider; returns since when it has been unreachable."""
    Provider.objects.filter(pk=provider_id, unreachable_since__isnull=True).update(
        unreachable_since=timezone.now()
    )
    return Provider.objects.values_list("unreachable_since", flat=True).get(pk=provider_id)


def provider_reached(*, provider_id: int) -> None:
    """Notes that the provider answered: it is no longer unreachable (failover stops for new orders)."""
    Provider.objects.filter(pk=provider_id, unreachable_since__isnull=False).update(unreachable_since=None)


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
    """Read the provider's balance and alert the admins when it falls below the threshold (beat's
    check). Returns the balance, or None when the provider could not be read."""
    provider = Provider.objects.get(pk=provider_id)
    try:
        return _balance_store(provider, provider_client(provider).balance()).amount
    except ProviderError as error:
        log.warning("provider %s: balance not read: %s", provider.name, error)
        return None


@dataclass(frozen=True)
class ProviderCheck:
    """What a staff member's check of a provider found: whether it worked, and a sentence for them."""

    ok: bool
    message: str


def provider_test_connection(*, provider_id: int) -> ProviderCheck:
    """Asks the provider for its balance, the lightest call that needs the URL and the key to be
    right; stores nothing."""
    provider = Provider.objects.get(pk=provider_id)
    try:
        balance = provider_client(provider).balance()
    except ProviderError as error:
        return ProviderCheck(False, f"{provider.name}: {_failure(error)}")
    return ProviderCheck(
        True, f"{provider.name}: connected, the API key is accepted (balance {_shown(balance)})."
    )


def provider_refresh_balance(*, provider_id: int) -> ProviderCheck:
    """The "Check balance now" button: beat's balance check, told to the staff member who asked."""
    provider = Provider.objects.get(pk=provider_id)
    try:
        balance = _balance_store(provider, provider_client(provider).balance())
    except ProviderError as error:
        return ProviderCheck(False, f"{provider.name}: balance not read: {_failure(error)}")
    return ProviderCheck(True, f"{provider.name}: balance {_shown(balance)}.")


def _shown(balance: Balance) -> str:
    # The provider's currency, not the panel's: money_display would name the wrong one.
    return f"{money_number(balance.amount)} {balance.currency}".strip()


def _failure(error: ProviderError) -> str:
    """A staff member's reading of a failed call; the client's texts never carry the key."""
    if isinstance(error, ProviderUnreachable):
        return f"the provider cannot be reached ({error}). Check its API URL, or try again later."
    if isinstance(error, ProviderRefused):
        if error.kind == RefusalKind.BAD_KEY:
            return f"the provider refuses the API key ({error.message!r}). Enter the key it gave you."
        return f"the provider refused the call: {error.message!r}."
    if isinstance(error, ProviderBadAnswer):
        return f"the provider's answer is not a valid API v2 answer ({error}). Is the API URL right?"
    if isinstance(error, ProviderOutcomeUnknown):
        return f"the provider did not answer in time ({error}). Try again later."
    return f"the call failed ({error})."


def _balance_store(provider: Provider, balance: Balance) -> Balance:
    """Keeps `balance` on the provider and e-mails the admins once per crossing below the
    threshold: `low_balance_alerted` remembers it until the balance is back above."""
    with transaction.atomic():
        provider = Provider.objects.select_for_update().get(pk=provider.pk)
        provider.balance = balance.amount
        provider.balance_checked_at = timezone.now()
        crossed = provider.balance_is_low and not provider.low_balance_alerted
        provider.low_balance_alerted = provider.balance_is_low
        provider.save(update_fields=["balance", "balance_checked_at", "low_balance_alerted"])
    if crossed:
        log.warning(
            "provider %s: balance %s below %s", provider.name, balance.amount, provider.low_balance_threshold
        )
        staff_alert_send(
            subject=f"Provider {provider.name}: balance low ({balance.amount} {balance.currency})",
            text=f"The balance of {provider.name} is {balance.amount} {balance.currency}, below the "
            f"threshold of {provider.low_balance_threshold}. Orders will be refused by the provider once "
            "it runs out: add funds with the provider.",
        )
    return balance


def providers_low_on_balance() -> list[Provider]:
    return list(Provider.objects.filter(is_active=True, low_balance_alerted=True))
