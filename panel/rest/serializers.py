"""The shapes of the REST API: ids as integers, money as strings with 5 decimals, times in ISO 8601.

Input serializers check types only; the rules (a type's parameters, bounds, links, funds) are the
order services', which the views call.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from billing.models import EntryKind, LedgerEntry
from billing.money import AMOUNT_DIGITS, AMOUNT_PLACES
from catalog.models import Category, Service, ServiceType
from catalog.pricing import customer_rate
from orders.models import CancelState, Order, Refill
from orders.selectors import order_progress
from orders.services.params import FIELDS
from panel.api.definitions import ADD_PARAMS, Kind, Param
from panel.api.parsing import MAX_ID
from payments.models import Payment, PaymentState
from provider.statuses import OrderStatus, RefillStatus


def Money(**kwargs: Any) -> serializers.DecimalField:
    """An amount in the panel's currency, as a string with 5 decimals."""
    return serializers.DecimalField(
        max_digits=AMOUNT_DIGITS, decimal_places=AMOUNT_PLACES, coerce_to_string=True, **kwargs
    )


def Id(**kwargs: Any) -> serializers.IntegerField:
    return serializers.IntegerField(min_value=1, max_value=MAX_ID, **kwargs)


class CurrencyMixin(serializers.Serializer):
    currency = serializers.SerializerMethodField(help_text="The currency of every amount (ISO 4217).")

    def get_currency(self, obj: Any) -> str:
        return settings.PANEL_CURRENCY


# -- services -----------------------------------------------------------------------------------


class CategorySerializer(serializers.ModelSerializer):
    class Meta:
        model = Category
        fields = ["id", "name"]
        read_only_fields = fields


class ServiceParameterSerializer(serializers.Serializer):
    name = serializers.CharField()
    required = serializers.BooleanField()


class ServiceSerializer(serializers.ModelSerializer):
    category = CategorySerializer()
    type = serializers.ChoiceField(choices=ServiceType.choices)
    rate = serializers.SerializerMethodField(
        help_text="Your price per 1000, or of one package for the package types."
    )
    min = serializers.IntegerField(source="min_quantity", help_text="The least quantity (or lines).")
    max = serializers.IntegerField(source="max_quantity", help_text="The most quantity (or lines).")
    dripfeed = serializers.BooleanField(
        source="offers_dripfeed", help_text="Whether orders may take `runs` and `interval`."
    )
    parameters = serializers.SerializerMethodField(
        help_text="What an order of this service takes besides `service`, in order."
    )

    class Meta:
        model = Service
        fields = ["id", "name", "type", "category", "rate", "min", "max", "refill", "cancel", "dripfeed"]
        fields += ["description", "parameters"]
        read_only_fields = fields

    @extend_schema_field({"type": "string", "format": "decimal", "example": "0.9000"})
    def get_rate(self, service: Service) -> str:
        return str(customer_rate(service, self.context["request"].user))

    @extend_schema_field(ServiceParameterSerializer(many=True))
    def get_parameters(self, service: Service) -> list[dict[str, Any]]:
        return [
            {"name": name, "required": ADD_PARAMS[name].required}
            for name in FIELDS[service.service_type]
            if service.offers_dripfeed or name not in ("runs", "interval")
        ]


class ServiceFilters(serializers.Serializer):
    category = serializers.CharField(
        required=False, max_length=200, help_text="A category's id, or its name (any case)."
    )
    type = serializers.ChoiceField(choices=ServiceType.choices, required=False)


# -- orders -------------------------------------------------------------------------------------


class OrderSerializer(CurrencyMixin, serializers.ModelSerializer):
    # order_progress(order), set by to_representation: what API v2's `status` says of it too.
    status = serializers.ChoiceField(choices=OrderStatus.choices, source="progress.status")
    charge = Money(source="progress.charged", help_text="What you paid in the end: less any refund.")
    refunded = Money(help_text="What came back to your balance (Partial, Canceled).")
    start_count = serializers.IntegerField(
        source="progress.start_count", allow_null=True, help_text="Null until the provider tells."
    )
    remains = serializers.IntegerField(source="progress.remains", help_text="Units not yet delivered.")
    quantity = serializers.IntegerField(
        help_text="The units charged: quantity, quantity x runs, lines, or 1 for a package."
    )
    params = serializers.DictField(help_text="The order's parameters besides `service`, as placed.")
    cancel = serializers.SerializerMethodField(help_text="Null, or where your cancel request is.")

    class Meta:
        model = Order
        fields = ["id", "service", "link", "quantity", "params", "status", "charge", "refunded", "currency"]
        fields += ["start_count", "remains", "cancel", "created_at"]
        read_only_fields = fields

    def to_representation(self, instance: Order) -> dict[str, Any]:
        instance.progress = order_progress(instance)  # type: ignore[attr-defined]
        return super().to_representation(instance)

    @extend_schema_field(
        serializers.ChoiceField(
            choices=[CancelState.REQUESTED, CancelState.SENT, CancelState.REFUSED], allow_null=True
        )
    )
    def get_cancel(self, order: Order) -> str | None:
        return order.cancel_state or None


def _param_field(param: Param) -> serializers.Field:
    types = ", ".join(service_type.value for service_type, names in FIELDS.items() if param.name in names)
    help_text = f"{param.description} Taken by: {types}."
    if param.kind == Kind.NUMBER:
        return serializers.IntegerField(required=False, help_text=help_text)
    if param.kind == Kind.LINES:
        # API v2's lines are an array here; order_params joins them back into lines.
        return serializers.ListField(
            child=serializers.CharField(), required=False, help_text=f"{help_text} An array, one item each."
        )
    return serializers.CharField(required=False, help_text=help_text)


class _OrderCreate(serializers.Serializer):
    service = Id(help_text="The service's id, as the services list gives it.")

    def order_params(self) -> dict[str, Any]:
        """The parameters for order_place, as API v2 passes them: lists as lines."""
        return {
            name: "\n".join(value) if isinstance(value, list) else value
            for name, value in self.validated_data.items()
            if name != "service"
        }


# One field per parameter of docs/api-v2.md's table (panel.api.definitions.ADD_PARAMS).
OrderCreateSerializer = type(
    "OrderCreateSerializer",
    (_OrderCreate,),
    {
        "__module__": __name__,
        "__doc__": "`service` and the parameters its type takes (the service's `parameters`), no others. "
        "Each is optional here because which are required depends on the type: a missing one is a 400 "
        "`invalid_parameter` naming it.",
        **{name: _param_field(param) for name, param in ADD_PARAMS.items()},
    },
)


class OrderFilters(serializers.Serializer):
    status = serializers.ChoiceField(choices=OrderStatus.choices, required=False)
    service = Id(required=False)
    created_after = serializers.DateTimeField(required=False, help_text="Placed at or after (ISO 8601).")
    created_before = serializers.DateTimeField(required=False, help_text="Placed before (ISO 8601).")


# -- refills, balance, transactions ---------------------------------------------------------------


class RefillSerializer(serializers.ModelSerializer):
    status = serializers.ChoiceField(choices=RefillStatus.choices)

    class Meta:
        model = Refill
        fields = ["id", "order", "status", "created_at"]
        read_only_fields = fields


class BalanceSerializer(CurrencyMixin, serializers.Serializer):
    balance = Money()


class TransactionSerializer(serializers.ModelSerializer):
    kind = serializers.ChoiceField(choices=EntryKind.choices)
    amount = Money(help_text="Signed: a charge is negative, a deposit or refund positive.")
    balance_after = Money(help_text="Your balance right after it.")

    class Meta:
        model = LedgerEntry
        fields = ["id", "kind", "amount", "balance_after", "order", "reason", "created_at"]
        read_only_fields = fields


class TransactionFilters(serializers.Serializer):
    kind = serializers.ChoiceField(choices=EntryKind.choices, required=False)


# -- payments -----------------------------------------------------------------------------------


class PaymentSerializer(serializers.ModelSerializer):
    state = serializers.ChoiceField(
        choices=PaymentState.choices,
        help_text="`paid` once the gateway confirmed it and it was credited; `refunded` or `disputed` "
        "when the gateway took money back after that.",
    )
    amount = Money(help_text="What your balance receives, in the panel's currency (`currency`).")
    bonus = Money(help_text="Credited besides, from the bonus tiers.")
    fee = Money(help_text="The gateway's fee, added on top of `amount`.")
    pay_amount = serializers.DecimalField(
        max_digits=AMOUNT_DIGITS,
        decimal_places=AMOUNT_PLACES,
        coerce_to_string=True,
        help_text="What you pay at the gateway: `amount` + `fee`, in `pay_currency`.",
    )
    pay_currency = serializers.CharField(help_text="ISO 4217.")

    class Meta:
        model = Payment
        fields = ["id", "gateway", "amount", "bonus", "fee", "pay_amount", "pay_currency", "state"]
        fields += ["created_at", "paid_at"]
        read_only_fields = fields
