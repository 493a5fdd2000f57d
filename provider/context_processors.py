from django.http import HttpRequest

from provider.services import providers_low_on_balance


def low_balance(request: HttpRequest) -> dict:
    """Providers low on balance, for the admin's banner (staff on admin pages only: one query)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_staff or not request.path.startswith("/admin/"):
        return {}
    return {"low_balance_providers": providers_low_on_balance()}
