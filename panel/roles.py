"""Staff roles: four groups with least privilege (docs/security.md, "Staff roles").

A migration creates them (panel/0008) and every `migrate` adds the permissions a role is declared to
have that its group lacks (post_migrate, panel/apps.py), so the permissions of an app added later
reach its roles with no migration of theirs. The sync only adds: a permission an owner gives a group
stays; one declared here comes back at the next migrate. Owner is every permission there is.
"""

from __future__ import annotations

from typing import Any

SUPPORT = "Support"
FINANCE = "Finance"
OPERATOR = "Operator"
OWNER = "Owner"

_READ_CUSTOMERS = ["panel.view_user"]
_READ_ORDERS = ["orders.view_order", "orders.view_orderevent", "orders.view_refill"]
_READ_MONEY = ["billing.view_balance", "billing.view_ledgerentry"]
_READ_PAYMENTS = ["payments.view_payment", "payments.view_paymentevent"]
_READ_CATALOG = ["catalog.view_service", "catalog.view_category", "catalog.view_pricehistory"]


def _all(app_label: str, *models: str) -> list[str]:
    actions = ("add", "change", "delete", "view")
    return [f"{app_label}.{action}_{model}" for model in models for action in actions]


# The permissions of each role but Owner, as "app_label.codename".
ROLES: dict[str, list[str]] = {
    # Answers customers: reads their orders, money and payments, answers tickets, and asks a
    # provider for a refill or cancel as the customer could; moves no money and prices nothing.
    SUPPORT: [
        *_READ_CUSTOMERS,
        *_READ_ORDERS,
        *_READ_MONEY,
        *_READ_PAYMENTS,
        *_READ_CATALOG,
        "orders.request_refill_cancel",
        "support.view_ticket",
        "support.reply_ticket",
        *_all("support", "cannedreply"),
        "fraud.view_blockrule",
    ],
    # Balances, deposits, adjustments, write-offs, payments and their gateways and bonus tiers.
    FINANCE: [
        *_READ_CUSTOMERS,
        *_READ_ORDERS,
        *_READ_MONEY,
        *_READ_PAYMENTS,
        "billing.adjust_balance",
        "billing.deposit_funds",
        "billing.write_off_debt",
        "payments.check_payment",
        "payments.clear_flag",
        "payments.add_gatewaysettings",
        "payments.view_gatewaysettings",
        "payments.change_gatewaysettings",
        *_all("payments", "bonustier"),
        "audit.view_auditentry",  # the trail of who moved money, and of everything else staff did
        # Fraud controls: freeze and unfreeze an account, keep the blocklist.
        "panel.freeze_account",
        "fraud.add_blockrule",
        "fraud.delete_blockrule",
        "fraud.view_blockrule",
    ],
    # The catalog, providers, markups and customers' prices (discount, custom rates), and the orders
    # that need an operator: attach a provider's id, send again, cancel and refund one order.
    OPERATOR: [
        *_READ_CUSTOMERS,
        "panel.change_user",
        *_READ_ORDERS,
        "orders.change_order",
        "orders.resolve_order",
        "orders.request_refill_cancel",
        "orders.handle_manual_order",
        *_all("catalog", "service", "category", "categorymapping", "pricingsettings", "customrate"),
        "catalog.view_pricehistory",
        "provider.add_provider",
        "provider.change_provider",
        "provider.view_provider",
        "panel.view_heartbeat",
    ],
}


def staff_roles_sync(*, group_model: Any, permission_model: Any) -> None:
    """Create the four groups and add what each is declared to have (Owner: every permission).

    Takes the models so that a migration passes its historical ones."""
    every = permission_model.objects.select_related("content_type")
    by_name = {f"{p.content_type.app_label}.{p.codename}": p for p in every}
    for role, names in [*ROLES.items(), (OWNER, list(by_name))]:
        group, _ = group_model.objects.get_or_create(name=role)
        group.permissions.add(*(by_name[name] for name in names if name in by_name))
