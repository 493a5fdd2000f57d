"""Fraud controls' services: the blocklist (is this blocked, and why) and freezing an account."""

from fraud.services.blocklist import (
    BLOCKED,
    Blocked,
    block_rule_create,
    block_value_normalize,
    blocked_text,
    blocklist_match,
)
from fraud.services.freezing import ACCOUNT_FROZEN, account_freeze, account_unfreeze

__all__ = [
    "ACCOUNT_FROZEN",
    "BLOCKED",
    "Blocked",
    "account_freeze",
    "account_unfreeze",
    "block_rule_create",
    "block_value_normalize",
    "blocked_text",
    "blocklist_match",
]
