"""Freezing an account: no orders, no new deposits, its API keys refused, until it is unfrozen.

What the gateway already took before the freeze is still credited when it confirms (payments'
events never ask whether the account is frozen): money received is never lost.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

if TYPE_CHECKING:
    from panel.models import User

log = logging.getLogger(__name__)

# API v2's {"error": ...} text, the REST API's message (code `account_frozen`) and the pages' refusal.
ACCOUNT_FROZEN = "Account frozen: orders, deposits and API keys are refused. Contact support."
ACCOUNT_FROZEN_CODE = "account_frozen"


@transaction.atomic
def account_freeze(*, customer: User, reason: str, by: User | None) -> bool:
    """Freeze `customer` with `reason` (required); False when it already was (its reason is kept)."""
    from panel.models import User

    reason = reason.strip()
    if not reason:
        raise ValueError("A freeze needs a reason.")
    locked = User.objects.select_for_update().get(pk=customer.pk)
    if locked.frozen_at is not None:
        return False
    locked.frozen_at, locked.frozen_reason = timezone.now(), reason[:500]
    # save(), not update(): its post_save makes the API keys' cache forget the owner (panel.apps), so
    # a cached key is refused from the commit on.
    locked.save(update_fields=["frozen_at", "frozen_reason"])
    customer.frozen_at, customer.frozen_reason = locked.frozen_at, locked.frozen_reason
    log.info("customer %s frozen by %s: %s", customer.pk, by, reason)
    return True


@transaction.atomic
def account_unfreeze(*, customer: User, by: User | None) -> bool:
    """Unfreeze `customer`; False when it was not frozen."""
    from panel.models import User

    locked = User.objects.select_for_update().get(pk=customer.pk)
    if locked.frozen_at is None:
        return False
    locked.frozen_at, locked.frozen_reason = None, ""
    locked.save(update_fields=["frozen_at", "frozen_reason"])
    customer.frozen_at, customer.frozen_reason = None, ""
    log.info("customer %s unfrozen by %s", customer.pk, by)
    return True
