"""The API v2 client: the only code in the panel that talks HTTP to a provider.

Every call is a form POST of `key`, `action` and the action's parameters (see docs/api-v2.md).
Answers are parsed into frozen dataclasses with `Decimal` money and `int` counts; failures are
`ProviderError`s that say whether they are permanent and whether the provider may have acted.

The API key travels only in the POST body: never in a URL, a log line, an exception or a repr.
"""

from provider.client.answers import (
    MAX_DESCRIPTION,
    Balance,
    OrderStatusResult,
    ProviderService,
    RefillStatusResult,
    ServiceList,
    UnreadableService,
)
from provider.client.api import MAX_IDS_PER_CALL, ProviderClient
from provider.client.errors import (
    ProviderBadAnswer,
    ProviderError,
    ProviderOutcomeUnknown,
    ProviderRefused,
    ProviderUnreachable,
)

__all__ = [
    "MAX_DESCRIPTION",
    "MAX_IDS_PER_CALL",
    "Balance",
    "OrderStatusResult",
    "ProviderBadAnswer",
    "ProviderClient",
    "ProviderError",
    "ProviderOutcomeUnknown",
    "ProviderRefused",
    "ProviderService",
    "ProviderUnreachable",
    "RefillStatusResult",
    "ServiceList",
    "UnreadableService",
]
