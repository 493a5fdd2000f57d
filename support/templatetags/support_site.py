"""The menu's support badge."""

from __future__ import annotations

from django import template

from support.selectors import tickets_unread_count

register = template.Library()


@register.simple_tag
def support_unread_of(user) -> int:
    """How many of the signed-in customer's tickets have an unread staff reply (one query)."""
    return tickets_unread_count(customer_id=user.pk)
