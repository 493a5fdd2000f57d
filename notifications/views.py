from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from notifications.forms import PreferencesForm
from notifications.services import preferences_of, preferences_update


@login_required
@require_POST
def preferences(request: HttpRequest) -> HttpResponse:
    """The Account page's "E-mail notifications" form: always the signed-in customer's own."""
    form = PreferencesForm(request.POST, instance=preferences_of(customer_id=request.user.pk))
    if not form.is_valid():
        from panel.views import account_page

        return account_page(request, notification_form=form, status=400)
    preferences_update(customer_id=request.user.pk, **form.cleaned_data)
    messages.success(request, "Your e-mail notifications are saved.")
    return redirect("/account/#notifications")
