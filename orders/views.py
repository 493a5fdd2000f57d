"""The customer's order pages. Thin: they read input, call one service function, and render.

Every query is scoped to request.user: another customer's order is a 404, never a 403.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from billing.money import money_display
from billing.selectors import balance_amount
from catalog.models import Category, Service
from catalog.pricing import customer_rate
from catalog.selectors import services_for, services_search
from orders.errors import OrderRefused
from orders.forms import MassOrderForm, OrderForm
from orders.models import Order
from orders.selectors import (
    LIVE_LIMIT,
    customer_orders,
    decorate,
    order_history,
    orders_live,
    orders_page,
    refills_of,
    services_completion_times,
)
from orders.services.cancels_refills import order_request_cancel, order_request_refill
from orders.services.placing import order_place, order_quote, orders_place_mass
from panel.clientip import client_address
from provider.statuses import OrderStatus

ORDERS_PER_PAGE = 25
REFILLS_PER_PAGE = 25
SEARCH_LIMIT = 200
# Stands in for a link not typed yet, so that the live price can be shown before it is.
_PRICE_LINK = "https://example.com/"
# How often the orders page asks for the rows of its orders that can still move.
LIVE_SECONDS = 5


# --- Shared reads -----------------------------------------------------------------------------


def _customer_order(request: HttpRequest, pk: int) -> Order:
    return get_object_or_404(customer_orders(request.user), pk=pk)


def _back(request: HttpRequest, order: Order) -> HttpResponse:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect("orders:detail", pk=order.pk)


# --- New order ----------------------------------------------------------------------------------


@dataclass
class Picker:
    """What the service picker shows: categories, the listed services, the chosen one."""

    categories: list[Category]
    category: Category | None
    query: str
    services: list[Service]
    service: Service | None
    rate: Decimal | None
    completion: timedelta | None  # the chosen service's average time; None: too few orders to tell


def _int(value: str | None) -> int | None:
    text = (value or "").strip()
    return int(text) if text.isdigit() and len(text) < 19 else None


def _picker(request: HttpRequest, data) -> Picker:
    orderable = services_for(request.user)
    categories = list(
        Category.objects.filter(pk__in=orderable.values("category_id")).order_by("position", "name")
    )
    picked = data.get("picked", "")
    query = "" if picked == "category" else data.get("q", "").strip()[:100]
    wanted = None if picked == "category" else _int(data.get("service"))
    chosen = orderable.filter(pk=wanted).first() if wanted else None
    category = next((c for c in categories if c.pk == _int(data.get("category"))), None)
    if chosen is not None and picked != "q" and category is None:
        category = next((c for c in categories if c.pk == chosen.category_id), None)
    if query:
        services = list(services_search(orderable, query=query)[:SEARCH_LIMIT])
    else:
        category = category or (categories[0] if categories else None)
        services = list(orderable.filter(category=category)) if category else []
    if chosen is None or (picked in ("q", "category") and chosen not in services):
        chosen = services[0] if services else None
    if chosen is not None and chosen not in services:
        services.insert(0, chosen)
    rate = customer_rate(chosen, request.user) if chosen else None
    completion = services_completion_times(service_ids=[chosen.pk]).get(chosen.pk) if chosen else None
    return Picker(categories, category, query, services, chosen, rate, completion)


def _price(service: Service, customer, data) -> dict:
    """The live price of what the form holds: order_quote, as order_place will charge it."""
    raw = {key: data.get(key, "") for key in data if key not in ("csrfmiddlewaretoken",)}
    if not (raw.get("link") or "").strip():
        raw["link"] = _PRICE_LINK
    rate = customer_rate(service, customer)
    try:
        quote = order_quote(service=service, rate=rate, params=raw)
    except OrderRefused as refusal:
        return {"rate": rate, "charge": None, "hint": refusal.shown}
    balance = balance_amount(customer_id=customer.pk)
    units = quote.parsed.units
    return {
        "rate": rate,
        "charge": quote.charge,
        "units": units,
        "short": quote.charge > balance,
        "balance": balance,
        # The time orders of about this size took: the service's own may be of much smaller ones.
        "size_time": services_completion_times(service_ids=[service.pk], quantity=units).get(service.pk),
    }


@login_required
@require_http_methods(["GET", "POST"])
def order_new(request: HttpRequest) -> HttpResponse:
    data = request.POST if request.method == "POST" else request.GET
    picker = _picker(request, data)
    form = None
    if picker.service is not None:
        typed = {key: data.get(key) for key in data if key not in ("csrfmiddlewaretoken", "picked")}
        bound = request.method == "POST"
        form = OrderForm(data if bound else None, initial=typed, service=picker.service)
    refusal = service_error = None
    if request.method == "POST" and picker.service is None:
        service_error = "Choose a service."
    elif request.method == "POST" and form is not None:
        if str(picker.service.pk) != data.get("service", "").strip():
            service_error = "That service is not available; choose another."
        else:
            try:
                order = order_place(
                    customer=request.user,
                    service_id=picker.service.pk,
                    params=form.params(),
                    ip=client_address(request),
                )
            except OrderRefused as error:
                form.is_valid()
                if error.field in form.fields:
                    form.add_error(error.field, error.shown)
                elif error.field == "service":
                    service_error = error.shown
                else:
                    refusal = error.shown
            else:
                messages.success(
                    request, f"Order {order.pk} placed: {order.quantity} for {money_display(order.charge)}."
                )
                return redirect("orders:detail", pk=order.pk)
    context = {
        "picker": picker,
        "form": form,
        "refusal": refusal,
        "service_error": service_error,
        "price": _price(picker.service, request.user, data) if picker.service else None,
    }
    template = "orders/_order_form.html" if request.htmx and request.method == "GET" else "orders/new.html"
    return render(request, template, context)


@login_required
@require_GET
def order_price(request: HttpRequest) -> HttpResponse:
    service = services_for(request.user).filter(pk=_int(request.GET.get("service")) or 0).first()
    price = _price(service, request.user, request.GET) if service else None
    return render(request, "orders/_price.html", {"price": price})


# --- Mass order -------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def mass_order(request: HttpRequest) -> HttpResponse:
    form = MassOrderForm(request.POST or None)
    result = None
    if request.method == "POST" and form.is_valid():
        result = orders_place_mass(
            customer=request.user, lines=form.cleaned_data["orders"], ip=client_address(request)
        )
        placed, failed = len(result.placed), len(result.failed)
        text = f"{placed} of {len(result.lines)} orders placed, {money_display(result.charged)} charged."
        if failed:
            text += " The lines not placed are left in the box: correct them and place them again."
        messages.add_message(request, messages.WARNING if failed else messages.SUCCESS, text)
        # Only what failed stays in the box: placing it again never repeats an order placed now.
        form = MassOrderForm(initial={"orders": "\n".join(line.line for line in result.failed)})
    return render(request, "orders/mass.html", {"form": form, "results": result.lines if result else []})


# --- Following orders ---------------------------------------------------------------------------


@login_required
@require_GET
def order_list(request: HttpRequest) -> HttpResponse:
    shown = orders_page(
        request.user,
        status=request.GET.get("status", ""),
        query=request.GET.get("q", "").strip()[:200],
        page_number=request.GET.get("page"),
        per_page=ORDERS_PER_PAGE,
    )
    context = {"orders": shown, "page": shown.page, "live_seconds": LIVE_SECONDS}
    template = "orders/_order_table.html" if request.htmx else "orders/list.html"
    return render(request, template, context)


def _ids(text: str) -> list[int]:
    """The order ids of `ids=1,2,3`; what is not an id is left out."""
    ids = (_int(part) for part in text.split(",", LIVE_LIMIT)[:LIVE_LIMIT])
    return [pk for pk in ids if pk]


@login_required
@require_GET
def order_live(request: HttpRequest) -> HttpResponse:
    """The rows of the orders page's orders that can still move (`ids`), swapped in place, and the
    poller again with those still moving: once none is, the page stops asking."""
    orders = orders_live(request.user, ids=_ids(request.GET.get("ids", "")))
    page = request.htmx.current_url_abs_path if request.htmx else None
    context = {
        "live_orders": orders,
        "live_ids": [order.pk for order in orders if order.live],
        "live_seconds": LIVE_SECONDS,
        "next_url": page or reverse("orders:list"),
    }
    return render(request, "orders/_order_live.html", context)


@login_required
@require_GET
def order_detail(request: HttpRequest, pk: int) -> HttpResponse:
    order = decorate(_customer_order(request, pk))
    refills = list(order.refills.all())
    # Not order.events: that is the staff's history, with the provider's ids and words in it.
    context = {
        "order": order,
        "refills": refills,
        "history": order_history(order, refills=refills),
    }
    return render(request, "orders/detail.html", context)


def _row_or_back(request: HttpRequest, order: Order, notice: str, ok: bool) -> HttpResponse:
    if request.htmx:
        order = decorate(_customer_order(request, order.pk))
        # The row's buttons send the customer back to the page it sits on, not to this POST's URL.
        page = request.htmx.current_url_abs_path or reverse("orders:list")
        context = {"order": order, "notice": notice, "ok": ok, "next_url": page}
        return render(request, "orders/_order_row.html", context)
    (messages.success if ok else messages.error)(request, notice)
    return _back(request, order)


def _order_request(request: HttpRequest, pk: int, ask: Callable[[Order], str]) -> HttpResponse:
    """Asks for a cancel or a refill of the customer's order `pk`: `ask` returns the notice."""
    order = _customer_order(request, pk)
    try:
        notice = ask(order)
    except OrderRefused as error:
        return _row_or_back(request, order, error.shown, ok=False)
    return _row_or_back(request, order, notice, ok=True)


@login_required
@require_POST
def order_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    def ask(order: Order) -> str:
        order = order_request_cancel(customer=request.user, order_id=order.pk)
        if order.status == OrderStatus.CANCELED:
            return f"Order {order.pk} canceled; {money_display(order.refunded)} refunded."
        return f"Cancel of order {order.pk} requested."

    return _order_request(request, pk, ask)


@login_required
@require_POST
def order_refill(request: HttpRequest, pk: int) -> HttpResponse:
    def ask(order: Order) -> str:
        refill = order_request_refill(customer=request.user, order_id=order.pk)
        return f"Refill {refill.pk} of order {order.pk} requested."

    return _order_request(request, pk, ask)


@login_required
@require_GET
def refill_list(request: HttpRequest) -> HttpResponse:
    refills = refills_of(request.user).select_related("order__service").order_by("-id")
    page = Paginator(refills, REFILLS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "orders/refills.html", {"page": page})
