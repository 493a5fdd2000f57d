from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from catalog import conf
from catalog.selectors import price_list


@require_GET
def price_list_page(request: HttpRequest) -> HttpResponse:
    """The services a customer can buy, at their own rates; visitors too if PRICE_LIST_PUBLIC."""
    if not request.user.is_authenticated and not conf.price_list_public():
        return redirect_to_login(request.get_full_path())
    query = request.GET.get("q", "").strip()[:100]
    groups = price_list(customer=request.user, query=query)
    return render(request, "catalog/price_list.html", {"groups": groups, "query": query})
