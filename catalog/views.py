from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from catalog import conf
from catalog.models import ServiceUpdate
from catalog.selectors import price_list, priced_updates, service_updates

UPDATES_PER_PAGE = 50
KIND_FILTERS = [("", "All"), *((k.value, k.label) for k in ServiceUpdate if k != ServiceUpdate.NONE)]
KIND_FILTERS_VALUES = {value for value, _ in KIND_FILTERS}


@require_GET
def price_list_page(request: HttpRequest) -> HttpResponse:
    """The services a customer can buy, at their own rates; visitors too if PRICE_LIST_PUBLIC."""
    if not request.user.is_authenticated and not conf.price_list_public():
        return redirect_to_login(request.get_full_path())
    query = request.GET.get("q", "").strip()[:100]
    groups = price_list(customer=request.user, query=query)
    return render(request, "catalog/price_list.html", {"groups": groups, "query": query})


@require_GET
def updates_page(request: HttpRequest) -> HttpResponse:
    """The catalog's news (services added, removed, enabled, disabled, rate up, rate down), newest
    first, at the customer's own prices. It tells the prices the price list does, so it is open to
    visitors exactly when the price list is (PRICE_LIST_PUBLIC); else, as on Perfect Panel, to
    signed-in customers only."""
    if not request.user.is_authenticated and not conf.price_list_public():
        return redirect_to_login(request.get_full_path())
    kind = request.GET.get("kind", "")
    if kind not in KIND_FILTERS_VALUES:
        kind = ""  # an unknown kind shows them all rather than an error page
    query = request.GET.get("q", "").strip()[:100]
    entries = service_updates(customer=request.user, kind=ServiceUpdate(kind) if kind else None, query=query)
    page = Paginator(entries, UPDATES_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "updates": priced_updates(page.object_list, customer=request.user),
        "kind": kind,
        "kind_filters": KIND_FILTERS,
        "query": query,
    }
    return render(request, "catalog/updates.html", context)
