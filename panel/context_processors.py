from django.conf import settings
from django.http import HttpRequest


def site(request: HttpRequest) -> dict:
    return {"PANEL_NAME": settings.PANEL_NAME, "PANEL_CURRENCY": settings.PANEL_CURRENCY}
