"""The customer's ledger page. Adding funds is payments' page (payments:add); /funds/ leads there."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from billing.models import EntryKind
from billing.selectors import ledger_entries

ENTRIES_PER_PAGE = 25
KIND_FILTERS = [("", "All"), *EntryKind.choices]


@login_required
@require_GET
def transactions(request: HttpRequest) -> HttpResponse:
    kind = request.GET.get("kind", "")
    if kind not in EntryKind.values:
        kind = ""
    entries = ledger_entries(customer_id=request.user.pk, kind=EntryKind(kind) if kind else None)
    page = Paginator(entries, ENTRIES_PER_PAGE).get_page(request.GET.get("page"))
    context = {"page": page, "kind": kind, "kind_filters": KIND_FILTERS}
    template = "billing/_transaction_table.html" if request.htmx else "billing/transactions.html"
    return render(request, template, context)
