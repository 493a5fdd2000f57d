"""The blocklist: e-mail addresses, e-mail domains, IP addresses or networks, and links that the panel
refuses at sign-up, at the start of a deposit and when an order is placed (fraud.services)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.indexes import GistIndex
from django.db import models


class BlockKind(models.TextChoices):
    EMAIL = "email", "E-mail address"
    EMAIL_DOMAIN = "email_domain", "E-mail domain"
    IP = "ip", "IP address or network"
    LINK = "link", "Link"


class NetworkField(models.Field):
    """PostgreSQL's `inet`: an address with its prefix (10.0.0.0/8, 203.0.113.7/32), so that one
    indexed `>>=` finds the rule whose network holds an address. Django's GenericIPAddressField
    takes no prefix."""

    description = "An IP network (inet)"

    def db_type(self, connection) -> str:
        return "inet"

    def get_prep_value(self, value):
        return None if value is None else str(value)


@NetworkField.register_lookup
class NetworkContainsOrEquals(models.Lookup):
    """`network__holds=address`: the rule's network contains the address (or is it)."""

    lookup_name = "holds"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} >>= ({rhs})::inet", [*lhs_params, *rhs_params]


class BlockRule(models.Model):
    kind = models.CharField(max_length=20, choices=BlockKind.choices)
    # Normalized (fraud.services.block_value_normalize): an e-mail address or domain lower-cased; an
    # IP network as 203.0.113.7 or 10.0.0.0/8; a link as orders keep it (orders.services.params).
    # Matches compare these strings exactly, through the (kind, value) unique index.
    value = models.CharField(max_length=2000)
    # For an IP rule only, `value` as inet: what the address lookup's GiST index reads.
    network = NetworkField(null=True, blank=True, editable=False)
    reason = models.CharField(
        max_length=500, help_text="Why it is blocked; for staff, never shown to customers."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind", "value"]
        verbose_name = "block rule"
        constraints = [
            models.UniqueConstraint(fields=["kind", "value"], name="blockrule_kind_value_unique"),
            models.CheckConstraint(
                condition=models.Q(kind=BlockKind.IP, network__isnull=False)
                | (~models.Q(kind=BlockKind.IP) & models.Q(network__isnull=True)),
                name="blockrule_network_for_ip_only",
            ),
        ]
        indexes = [
            GistIndex(
                fields=["network"],
                opclasses=["inet_ops"],
                condition=models.Q(network__isnull=False),
                name="blockrule_network_gist",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.value}"
