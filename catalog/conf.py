"""The catalog's settings, read when used (so `override_settings` and a changed .env both apply).

Until the lead adds them to panel.settings, each has its default here.
"""

from __future__ import annotations

from django.conf import settings


def price_decimals() -> int:
    """How many decimals a selling price per 1000 keeps; prices are rounded up to it."""
    return int(getattr(settings, "PRICE_DECIMALS", 4))


def import_disabled() -> bool:
    """True: services new in a provider's list arrive disabled, for an admin to review first."""
    return bool(getattr(settings, "CATALOG_IMPORT_DISABLED", False))


def price_list_public() -> bool:
    """True: visitors who are not signed in may see the price list and the Updates page (at
    undiscounted rates)."""
    return bool(getattr(settings, "PRICE_LIST_PUBLIC", False))
