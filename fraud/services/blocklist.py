"""The blocklist: one question, "is this e-mail, address or link blocked, and by which rule"."""

from __future__ import annotations

import ipaddress
import logging
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models import Q

from fraud.models import BlockKind, BlockRule
from orders.errors import OrderRefused
from orders.services.params import link_clean

if TYPE_CHECKING:
    from panel.models import User

log = logging.getLogger(__name__)

# The refusal's stable name (OrderRefused.code; the REST API answers it 403).
BLOCKED = "blocked"

# What a customer is told, by the kind of rule that matched; the rule's reason is for staff only.
_TEXTS = {
    BlockKind.EMAIL: "This e-mail address is blocked on this panel.",
    BlockKind.EMAIL_DOMAIN: "E-mail addresses of this domain are blocked on this panel.",
    BlockKind.IP: "Requests from your network are blocked on this panel.",
    BlockKind.LINK: "This link is blocked on this panel.",
}


class Blocked(Exception):
    """Refused by a block rule; `message` is fit to show the customer."""

    def __init__(self, rule: BlockRule) -> None:
        self.rule = rule
        self.message = blocked_text(rule)
        super().__init__(self.message)


def blocked_text(rule: BlockRule) -> str:
    return _TEXTS[BlockKind(rule.kind)]


def _network(value: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network:
    try:
        return ipaddress.ip_network(value, strict=False)
    except ValueError:
        raise ValidationError("Enter an IP address (203.0.113.7) or a network (203.0.113.0/24).") from None


def block_value_normalize(*, kind: str, value: str) -> str:
    """`value` as a rule of `kind` keeps it, the way the checks compare it; ValidationError when it
    is not one (an empty value, a bad address, a network that is not one, a link orders refuse)."""
    value = (value or "").strip()
    if not value:
        raise ValidationError("Enter a value.")
    if kind == BlockKind.EMAIL:
        value = value.lower()
        validate_email(value)
        return value
    if kind == BlockKind.EMAIL_DOMAIN:
        domain = value.lower().lstrip("@").rstrip(".")
        try:
            validate_email(f"someone@{domain}")
        except ValidationError:
            raise ValidationError("Enter a domain, like example.com.") from None
        return domain
    if kind == BlockKind.IP:
        network = _network(value)
        # One address reads as itself; a network with its prefix.
        single = network.prefixlen == network.max_prefixlen
        return str(network.network_address) if single else str(network)
    if kind == BlockKind.LINK:
        try:
            return link_clean(value)
        except OrderRefused:
            raise ValidationError("Enter the full link, starting with https://.") from None
    raise ValidationError("Choose what kind of value to block.")


def block_rule_create(*, kind: str, value: str, reason: str, created_by: User | None) -> BlockRule:
    """A new rule, its value normalized; ValidationError for a bad value or one already blocked."""
    normalized = block_value_normalize(kind=kind, value=value)
    if BlockRule.objects.filter(kind=kind, value=normalized).exists():
        raise ValidationError("This value is already blocked.")
    rule = BlockRule(kind=kind, value=normalized, reason=reason.strip(), created_by=created_by)
    rule.network = normalized if kind == BlockKind.IP else None
    rule.save()
    log.info("block rule %s: %s %s by %s", rule.pk, kind, normalized, created_by)
    return rule


def _domains(email: str) -> list[str]:
    """The domain of `email` and every one above it: a rule for mail.example blocks x@eu.mail.example."""
    domain = email.rpartition("@")[2].rstrip(".")
    parts = domain.split(".")
    return [".".join(parts[i:]) for i in range(len(parts)) if parts[i]]


def _address(ip: str | None) -> str | None:
    """`ip` if it is an address (panel.clientip says "unknown" when it cannot read one)."""
    try:
        return str(ipaddress.ip_address((ip or "").strip()))
    except ValueError:
        return None


def blocklist_match(
    *, email: str | None = None, ip: str | None = None, link: str | None = None
) -> BlockRule | None:
    """The rule that blocks `email` (itself or its domain), `ip` (an address inside a rule's
    network) or `link` (as orders keep it), or None. One query: the equalities read the
    (kind, value) unique index, the address the network's GiST index; none when nothing is asked."""
    condition = Q()
    if email and "@" in email:
        email = email.strip().lower()
        condition |= Q(kind=BlockKind.EMAIL, value=email)
        condition |= Q(kind=BlockKind.EMAIL_DOMAIN, value__in=_domains(email))
    if link:
        condition |= Q(kind=BlockKind.LINK, value=link.strip())
    address = _address(ip)
    if address is not None:
        condition |= Q(network__holds=address)
    if not condition:
        return None
    return BlockRule.objects.filter(condition).order_by("pk").first()
