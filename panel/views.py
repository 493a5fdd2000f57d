from __future__ import annotations

from datetime import datetime, time, timedelta
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncDate
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from billing.money import ZERO
from billing.selectors import balance_amount, revenue_by_day, spent_on_orders
from orders.models import FINAL, Order
from orders.selectors import customer_orders, decorate
from panel import health
from panel.services import account_sign_out_everywhere
from provider.models import Provider

RECENT_ORDERS = 8
CHART_DAYS = 30


@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    healthy, body = health.report()
    return JsonResponse(body, status=200 if healthy else 503)


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    orders = customer_orders(request.user)
    counts = Order.objects.filter(customer=request.user).aggregate(
        total=Count("id"), active=Count("id", filter=~Q(status__in=FINAL))
    )
    context = {
        "balance": balance_amount(customer_id=request.user.pk),
        "spent": spent_on_orders(customer_id=request.user.pk),
        "counts": counts,
        "recent": [decorate(order) for order in orders[:RECENT_ORDERS]],
    }
    return render(request, "dashboard.html", context)


@login_required
@require_GET
def account(request: HttpRequest) -> HttpResponse:
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator

    kinds = set(Authenticator.objects.filter(user=request.user).values_list("type", flat=True))
    context = {
        "emails": list(EmailAddress.objects.filter(user=request.user).order_by("-primary", "email")),
        "totp": Authenticator.Type.TOTP in kinds,
        "recovery_codes": Authenticator.Type.RECOVERY_CODES in kinds,
    }
    return render(request, "account/overview.html", context)


@login_required
@require_POST
def sign_out_everywhere(request: HttpRequest) -> HttpResponse:
    account_sign_out_everywhere(customer=request.user)
    logout(request)  # this session's row is gone already; this clears the request's copy and cookie
    messages.success(request, "You were signed out everywhere and your API keys were revoked.")
    return redirect("login")


# --- The admin's dashboard ------------------------------------------------------------------------


def _attention_count(request: HttpRequest) -> int:
    """Orders the admin's "needs attention: everything" filter lists, counted the same way."""
    from orders.admin import NeedsAttentionFilter

    attention = NeedsAttentionFilter(request, {"attention": ["all"]}, Order, None)
    return attention.queryset(request, Order.objects.all()).count()


def _chart(days: list, revenue: dict, cost: dict) -> dict:
    """Bars for an inline SVG: one per day, revenue with the provider's cost inside it."""
    width, height, gap = 600, 180, 4
    step = width / len(days)
    top = max([revenue.get(day, ZERO) for day in days] + [cost.get(day, ZERO) for day in days] + [ZERO])

    def scale(value: Decimal) -> float:
        # Pixels, not money: the one place a float is fine.
        return float(max(value, ZERO) / top) * height if top > 0 else 0.0

    bars = []
    for index, day in enumerate(days):
        day_revenue, day_cost = revenue.get(day, ZERO), cost.get(day, ZERO)
        revenue_height, cost_height = scale(day_revenue), scale(day_cost)
        bars.append(
            {
                "day": day,
                "x": round(index * step + gap / 2, 2),
                "width": round(step - gap, 2),
                "y": round(height - revenue_height, 2),
                "height": round(revenue_height, 2),
                "cost_y": round(height - cost_height, 2),
                "cost_height": round(cost_height, 2),
                "revenue": day_revenue,
                "cost": day_cost,
                "profit": day_revenue - day_cost,
                # A date under every 7th bar, counted back from today's (the last, right-aligned).
                "label": (len(days) - 1 - index) % 7 == 0,
                "label_x": round(index * step + step / 2, 2) if index < len(days) - 1 else width,
                "anchor": "middle" if index < len(days) - 1 else "end",
            }
        )
    return {"bars": bars, "width": width, "height": height, "top": top}


@never_cache
def admin_dashboard(request: HttpRequest) -> HttpResponse:
    """Orders, revenue (charges less refunds), provider cost and profit: today and 30 days."""
    from django.contrib import admin

    today = timezone.localdate()
    start_today = timezone.make_aware(datetime.combine(today, time.min))
    since = start_today - timedelta(days=CHART_DAYS - 1)
    days = [today - timedelta(days=back) for back in range(CHART_DAYS - 1, -1, -1)]

    orders = Order.objects.filter(created_at__gte=since).aggregate(
        today=Count("id", filter=Q(created_at__gte=start_today)),
        month=Count("id"),
        cost_today=Sum("cost", filter=Q(created_at__gte=start_today)),
        cost_month=Sum("cost"),
    )
    revenue = revenue_by_day(since=since)
    cost_by_day = {
        row["day"]: row["total"]
        for row in Order.objects.filter(created_at__gte=since, cost__isnull=False)
        .annotate(day=TruncDate("created_at"))
        .values("day")
        .annotate(total=Sum("cost"))
    }
    revenue_today = revenue.get(today, ZERO)
    revenue_month = sum(revenue.values(), ZERO)
    cost_today, cost_month = orders["cost_today"] or ZERO, orders["cost_month"] or ZERO
    context = {
        **admin.site.each_context(request),
        "title": "Dashboard",
        "periods": [
            {
                "name": "Today",
                "orders": orders["today"],
                "revenue": revenue_today,
                "cost": cost_today,
                "profit": revenue_today - cost_today,
            },
            {
                "name": f"Last {CHART_DAYS} days",
                "orders": orders["month"],
                "revenue": revenue_month,
                "cost": cost_month,
                "profit": revenue_month - cost_month,
            },
        ],
        "chart": _chart(days, revenue, cost_by_day),
        "providers": list(Provider.objects.order_by("name")),
        "attention": _attention_count(request),
    }
    return render(request, "admin/dashboard.html", context)
