from __future__ import annotations

from datetime import datetime, time, timedelta

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from billing.money import ZERO
from billing.selectors import balance_amount, spent_on_orders
from orders.models import FINAL, Order
from orders.selectors import customer_orders, decorate
from panel import health
from panel.dashboard import PERIODS, Day, chart, dashboard_days, dashboard_period
from panel.services import account_sign_out_everywhere
from provider.models import Provider

RECENT_ORDERS = 8


@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    healthy, body = health.report()
    return JsonResponse(body, status=200 if healthy else 503)


@require_GET
def favicon(request: HttpRequest) -> HttpResponse:
    """/favicon.ico, which browsers ask for where no page names an icon (a JSON answer, a file):
    the pages' SVG. Not permanent: the static file's hashed name changes with each release."""
    return redirect(static("favicon.svg"))


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
    return account_page(request)


def account_page(request: HttpRequest, *, notification_form=None, status: int = 200) -> HttpResponse:
    """The Account page; `notification_form` is a refused notifications form to show with its errors."""
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator

    from notifications.forms import PreferencesForm
    from notifications.services import preferences_of

    kinds = set(Authenticator.objects.filter(user=request.user).values_list("type", flat=True))
    context = {
        "emails": list(EmailAddress.objects.filter(user=request.user).order_by("-primary", "email")),
        "totp": Authenticator.Type.TOTP in kinds,
        "recovery_codes": Authenticator.Type.RECOVERY_CODES in kinds,
        "notification_form": notification_form
        or PreferencesForm(instance=preferences_of(customer_id=request.user.pk)),
    }
    return render(request, "account/overview.html", context, status=status)


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


@never_cache
def admin_dashboard(request: HttpRequest) -> HttpResponse:
    """Orders, revenue (charges less refunds), provider cost and profit: today and the period
    picked (`?days=`, 7, 30 or 90; anything else is 30), with a chart of each day."""
    from django.conf import settings
    from django.contrib import admin

    period = dashboard_period(request.GET.get("days"))
    today = timezone.localdate()
    since = timezone.make_aware(datetime.combine(today - timedelta(days=period - 1), time.min))
    days = [today - timedelta(days=back) for back in range(period - 1, -1, -1)]
    rows, total = dashboard_days(since=since)
    figures = {row.day: row for row in rows}
    context = {
        **admin.site.each_context(request),
        "title": "Dashboard",
        "period": period,
        "periods": PERIODS,
        "cards": [
            ("Today", figures.get(today, Day(today, 0, ZERO, ZERO, ZERO))),
            (f"Last {period} days", total),
        ],
        "chart": chart(days=days, figures=figures),
        "currency": settings.PANEL_CURRENCY,
        "providers": list(Provider.objects.order_by("name")),
        "attention": _attention_count(request),
    }
    return render(request, "admin/dashboard.html", context)
