"""Support tickets: a customer's question, its thread of messages both ways, and staff's canned replies."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class Subject(models.TextChoices):
    ORDER = "order", "Order"
    PAYMENT = "payment", "Payment"
    SERVICE = "service", "Service"
    OTHER = "other", "Other"


class Request(models.TextChoices):
    """What a ticket about orders asks for; empty for every other subject."""

    NONE = "", "—"
    REFILL = "refill", "Refill"
    CANCEL = "cancel", "Cancel"
    SPEED_UP = "speed_up", "Speed up"
    OTHER = "other", "Other"


class TicketState(models.TextChoices):
    OPEN = "open", "Open"  # waiting for staff
    ANSWERED = "answered", "Answered"  # staff replied last
    CLOSED = "closed", "Closed"  # a reply of either side opens it again


class Ticket(models.Model):
    customer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="tickets")
    subject = models.CharField(max_length=20, choices=Subject.choices)
    request = models.CharField(max_length=20, choices=Request.choices, blank=True, default=Request.NONE)
    # The customer's own orders the ticket is about (support.services checks whose they are).
    orders = models.ManyToManyField("orders.Order", blank=True, related_name="tickets")
    state = models.CharField(max_length=20, choices=TicketState.choices, default=TicketState.OPEN)
    # A staff reply the customer has not opened yet; a customer message staff have not opened yet.
    unread_by_customer = models.BooleanField(default=False)
    unread_by_staff = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_message_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-last_message_at", "-id"]
        permissions = [("reply_ticket", "Can reply to and close a support ticket")]
        constraints = [
            # A request belongs to an order ticket, and an order ticket says what it asks.
            models.CheckConstraint(
                condition=(Q(subject=Subject.ORDER) & ~Q(request=""))
                | (~Q(subject=Subject.ORDER) & Q(request="")),
                name="ticket_request_only_about_orders",
            ),
        ]
        indexes = [
            # The menu's unread badge, on every page: the customer's few unread tickets only.
            models.Index(
                fields=["customer"], condition=Q(unread_by_customer=True), name="ticket_unread_by_customer"
            ),
            models.Index(fields=["customer", "-last_message_at"], name="ticket_customer_recent"),
        ]

    def __str__(self) -> str:
        return f"Ticket {self.pk}: {self.title}"

    @property
    def title(self) -> str:
        """ "Order: refill", "Payment"... what the ticket is about, in words."""
        subject = self.get_subject_display()
        return f"{subject}: {self.get_request_display().lower()}" if self.request else subject


class Message(models.Model):
    """One message of a ticket's thread. Plain text: pages show it escaped, its line breaks kept."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    from_staff = models.BooleanField(default=False)
    body = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["ticket", "id"], name="message_ticket_thread")]

    def __str__(self) -> str:
        return f"Message {self.pk} of ticket {self.ticket_id}"


class CannedReply(models.Model):
    """A reply staff pick from a list on a ticket's page instead of typing it again."""

    title = models.CharField(max_length=100, unique=True)
    body = models.TextField()

    class Meta:
        ordering = ["title"]
        verbose_name_plural = "canned replies"

    def __str__(self) -> str:
        return self.title
