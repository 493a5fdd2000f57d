"""The panel's PostgreSQL advisory lock namespaces, side by side.

An advisory lock is a pair (namespace, key): the namespace says what the key means, so that a
(service, link) hash and a provider's id can never take each other's lock. A new kind of lock
takes a number not in this list.
"""

from __future__ import annotations

from enum import IntEnum, unique


@unique  # one number, one meaning
class LockNamespace(IntEnum):
    # (service, link) of an order being placed: one active order per link (Order.objects.lock_link).
    ORDER_LINK = 7401
    # A provider's polling round, so that two rounds never poll one provider at once
    # (orders.services.polling).
    PROVIDER_POLL = 7402
    # A customer's digest e-mail being claimed, so that two senders never split one customer's
    # notices into two e-mails (notifications.services.digest).
    CUSTOMER_DIGEST = 7403
